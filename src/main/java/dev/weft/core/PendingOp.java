package dev.weft.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One kernel operation in flight and the thread that waits for it.
 *
 * <p>Lifecycle: {@code IDLE -arm-> ARMED -complete/fail-> (COMPLETING) -> DONE -consume-> IDLE}. The thread that
 * arms an op is its waiter; a completion thread (or the submitting thread itself, when the kernel
 * finishes the operation at once) moves it to DONE exactly once and unparks the waiter. An op can
 * be armed again only after its waiter consumed the previous result, so the native context a
 * backend attaches to a subclass is never shared by two pending operations.
 *
 * <p>The completion may arrive before the call that submitted the operation has returned: every
 * method here tolerates that order.
 *
 * <p>Threading: {@link #complete} and {@link #fail} never block and never run user code; they
 * are safe to call from a completion thread.
 *
 * <p>A completion for an op that is not in flight is a weft bug (a shared or early-reused
 * context): it is reported as a {@link Debug#violation} and changes nothing. In debug mode
 * ({@code -Dweft.debug=true}) the handle's release also {@link #retire retires} its ops, so a
 * completion that arrives after the handle was freed is named as such.
 */
public class PendingOp {
    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int DONE = 2;
    /** Debug mode only: the handle was released; the op must never be used again. */
    private static final int FREED = 3;
    /** One completion won the op and is writing its result; DONE follows at once. */
    private static final int COMPLETING = 4;

    private static final VarHandle STATE;

    /**
     * How long a cancelled op may wait for its completion before the wait is reported (see
     * {@link #await}); a test may shorten it.
     */
    static volatile long slowCancelNanos = 10_000_000_000L;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PendingOp.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a wait ended. The op is always DONE when {@link #await} returns. */
    public enum Wake {
        /** The completion arrived before the deadline and without an interrupt. */
        COMPLETED,
        /** The deadline passed: the op was cancelled and its completion then consumed. */
        TIMED_OUT,
        /** The waiter was interrupted: the op was cancelled and its completion then consumed. */
        INTERRUPTED
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    private volatile Thread waiter;
    private volatile boolean cancelRequested;
    // Written before the store of DONE, read after the acquire-load that sees DONE.
    private long value;
    private SocketError error;
    private int nativeCode;

    /** Makes the calling thread this op's waiter. Call before submitting the operation. */
    public final void arm() {
        if (!STATE.compareAndSet(this, IDLE, ARMED)) {
            if ((int) STATE.getVolatile(this) == FREED) {
                throw Debug.violation("arm of an op whose handle was released: " + this);
            }
            throw new IllegalStateException("operation already in flight: " + this);
        }
        value = 0;
        error = null;
        nativeCode = 0;
        cancelRequested = false;
        waiter = Thread.currentThread();
    }

    /** Records a successful result (bytes transferred, a new descriptor, ...) and wakes the waiter. */
    public final void complete(long result) {
        finish(result, null, 0);
    }

    /**
     * Records a failure and wakes the waiter.
     *
     * @param error      what went wrong, in the backend-neutral vocabulary
     * @param nativeCode the OS error code, kept for messages
     */
    public final void fail(SocketError error, int nativeCode) {
        finish(0, error, nativeCode);
    }

    private void finish(long result, SocketError failure, int code) {
        // Claim the op before writing its result: a second completion for one submission (a
        // kernel context shared or reused too early) then loses the claim and is reported
        // loudly, and it can never overwrite the result the winner is about to publish.
        if (!STATE.compareAndSet(this, ARMED, COMPLETING)) {
            throw notInFlight(result, failure);
        }
        this.value = result;
        this.error = failure;
        this.nativeCode = code;
        // Volatile, not just release: unpark reads the waiter's permit, and when the permit is
        // already set (left by an earlier unpark, e.g. the late one of a previous op whose DONE
        // the waiter saw without parking) the JDK returns without a fence. A release store of DONE could then still sit in this CPU's store
        // buffer while the waiter clears that permit, reads ARMED and parks with nobody left to
        // wake it. The full fence of a volatile store keeps the two sides in order (Dekker).
        STATE.setVolatile(this, DONE);
        Thread waiting = waiter;
        if (waiting != Thread.currentThread()) {
            // A waiter completing its own op (the kernel finished it at once) is not parked and
            // reads DONE before it would park; unparking itself would cost an atomic exchange and
            // leave a permit that makes its next real park return once for nothing.
            LockSupport.unpark(waiting);
        }
    }

    private IllegalStateException notInFlight(long result, SocketError failure) {
        String outcome = failure == null ? "result " + result : String.valueOf(failure);
        return Debug.violation("completion (" + outcome + ") for an op that is not in flight: " + this);
    }

    /**
     * Debug mode: marks the op freed (its handle was released) and poisons its result, so a late
     * completion or a reuse fails loudly. Does nothing when the debug mode is off. Called once by
     * the handle's release, when no operation is in flight.
     */
    public final void retire() {
        if (!Debug.ENABLED) {
            return;
        }
        int before = (int) STATE.getAndSet(this, FREED);
        value = Debug.POISON_VALUE;
        error = SocketError.OTHER;
        nativeCode = (int) Debug.POISON_VALUE;
        waiter = null;
        if (before != IDLE) {
            throw Debug.violation("op retired while " + stateName(before) + ": " + this);
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case IDLE -> "IDLE";
            case ARMED -> "ARMED";
            case DONE -> "DONE";
            case FREED -> "FREED";
            case COMPLETING -> "COMPLETING";
            default -> String.valueOf(state);
        };
    }

    /** True once the completion has been recorded. */
    public final boolean isDone() {
        return (int) STATE.getAcquire(this) == DONE;
    }

    /** True while the op is armed or done but not yet consumed. */
    public final boolean isInFlight() {
        return (int) STATE.getAcquire(this) == ARMED;
    }

    /** True when {@link #await} asked the backend to cancel this op. Backends use it to tell
     *  "we cancelled it" from "the peer reset it" when the OS reports both the same way. */
    public final boolean cancelRequested() {
        return cancelRequested;
    }

    /** Marks the op as cancelled by weft (timeout, interrupt or close) before asking the OS. */
    public final void markCancelRequested() {
        cancelRequested = true;
    }

    /**
     * Parks until the completion arrives. If {@code deadlineNanos} (a {@link System#nanoTime()}
     * value, or 0 for none) passes or the thread is interrupted first, runs {@code canceller} once
     * and then still waits for the op's one completion, so the native memory the kernel uses is
     * never abandoned. The interrupt status is left as it was found.
     */
    public final Wake await(long deadlineNanos, Runnable canceller) {
        Wake wake = Wake.COMPLETED;
        boolean interruptCleared = false;
        long cancelledAt = 0;
        boolean reported = false;
        while (!isDone()) {
            if (wake == Wake.COMPLETED) {
                if (Thread.currentThread().isInterrupted()) {
                    wake = Wake.INTERRUPTED;
                } else if (deadlineNanos != 0 && deadlineNanos - System.nanoTime() <= 0) {
                    wake = Wake.TIMED_OUT;
                }
                if (wake != Wake.COMPLETED) {
                    markCancelRequested();
                    cancelledAt = System.nanoTime();
                    canceller.run();
                    continue;
                }
                if (deadlineNanos == 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadlineNanos - System.nanoTime());
                }
            } else {
                // Cancellation is asynchronous: wait for the completion, ignoring interrupts.
                // Park returns at once while the interrupt status is set, so it is cleared for
                // the wait and set again after: a waiter that polled instead kept a carrier busy,
                // and with it the virtual thread that would have reaped its completion.
                interruptCleared |= Thread.interrupted();
                if (isDone()) {
                    break;
                }
                // The OS answers a cancel promptly; a completion still missing long after is
                // reported once (with what the backend knows of the op), then still waited for.
                long waited = System.nanoTime() - cancelledAt;
                if (reported) {
                    LockSupport.park(this);
                } else if (waited < slowCancelNanos) {
                    LockSupport.parkNanos(this, slowCancelNanos - waited);
                } else {
                    reported = true;
                    Debug.slowCancel("still no completion " + waited / 1_000_000 + " ms after cancelling a wait that "
                            + wake + ": " + this + " " + describeInFlight() + "; still waiting for it");
                }
            }
        }
        if (interruptCleared) {
            Thread.currentThread().interrupt();
        }
        return wake;
    }

    /**
     * What the backend knows of this op while it is in flight (its submission, the state of the
     * queue it went to), for the report of a cancel whose completion is long overdue; empty by
     * default. Called on the waiter's thread; must not block.
     */
    protected String describeInFlight() {
        return "";
    }

    /** Parks until the completion arrives, whatever happens; used where no cancel is possible. */
    public final void awaitUninterruptibly() {
        await(0, () -> { });
    }

    /** The success value; meaningful when {@link #error()} is null. */
    public final long value() {
        return value;
    }

    /** The failure, or null on success. */
    public final SocketError error() {
        return error;
    }

    /** The OS error code of the failure (errno or Win32/WSA code), 0 on success. */
    public final int nativeCode() {
        return nativeCode;
    }

    /** Returns the op to IDLE so it can be armed again. Call after reading the result. */
    public final void consume() {
        if (!STATE.compareAndSet(this, DONE, IDLE)) {
            throw new IllegalStateException("consume of an op that is not done: " + this);
        }
        waiter = null;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this))
                + "[state=" + stateName((int) STATE.getVolatile(this)) + "]";
    }
}
