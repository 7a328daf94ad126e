package dev.weft.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * An OS socket owned by a backend, with the bookkeeping that keeps its native memory safe.
 *
 * <p>Every kernel operation on the handle is bracketed by {@link #enter()} and {@link #exit()}.
 * {@link #close()} marks the handle closed, asks the backend to cancel what is in flight, and
 * the OS handle itself is released only when the last operation has completed and been consumed:
 * a closed descriptor number can be reused by the OS at once, and a late completion must never
 * land on a stranger's socket or in freed memory.
 */
public abstract class NativeHandle {
    private static final long CLOSED = 1L << 62;
    /** Set by whoever releases, so a close and the last exit cannot both release. */
    private static final long RELEASING = 1L << 61;
    /**
     * Closed by its runtime before it was {@linkplain #publish published}: the second half of
     * the close (cancel or release) is owed, and runs when the handle is published or closed by
     * its creator, once the subclass is surely constructed.
     */
    private static final long CLOSE_OWED = 1L << 60;
    /** Set from birth until the handle is published or first entered: it may still be under construction. */
    private static final long UNPUBLISHED = 1L << 59;
    private static final long COUNT = UNPUBLISHED - 1;
    // A field, not an AtomicLong: every read and write enters and exits, and with thousands of
    // connections one object fewer per operation is one cache miss fewer.
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NativeHandle.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** CLOSED, RELEASING, CLOSE_OWED, UNPUBLISHED and the count of operations in flight; through STATE. */
    private volatile long state = UNPUBLISHED;
    private final LiveHandles live;

    protected NativeHandle(LiveHandles live) {
        this.live = live;
        live.add(this);
    }

    /**
     * Counts one more operation in flight.
     *
     * @throws SocketException if the handle is closed
     */
    protected final void enter() throws SocketException {
        long s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                throw closedException();
            }
        } while (!STATE.compareAndSet(this, s, (s + 1) & ~UNPUBLISHED)); // an entered handle is built
    }

    /** Counts one operation done; the last one out after a close releases the handle. */
    protected final void exit() {
        long after = (long) STATE.getAndAdd(this, -1L) - 1;
        if (after == CLOSED && STATE.compareAndSet(this, CLOSED, CLOSED | RELEASING)) {
            releaseOnce();
        }
    }

    private long getAndUpdateState(LongUnaryOperator update) {
        long s;
        do {
            s = state;
        } while (!STATE.compareAndSet(this, s, update.applyAsLong(s)));
        return s;
    }

    public final boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** Operations entered and not yet exited; for tests and accounting. */
    public final long inFlight() {
        return state & COUNT;
    }

    /**
     * Closes the handle: wakes every operation in flight (they fail with "Socket closed") and
     * releases the OS handle once they have all completed. A second close does nothing.
     */
    public final void close() {
        if (markClosed() || takeOwedClose()) {
            finishClose();
        }
    }

    /**
     * Called when the handle is fully built and handed on (to a listener's queue, to the user):
     * from now on the runtime's close may cancel or release it directly. Finishes a close the
     * runtime owed this handle while it might still have been under construction.
     */
    public final void publish() {
        getAndUpdateState(s -> s & ~UNPUBLISHED);
        // An owed close can only be taken after the bit is gone: finishClose() needs it clear.
        if (takeOwedClose()) {
            finishClose();
        }
    }

    /**
     * The runtime's close of this handle: marks it closed and tells whether the caller must now
     * run {@link #finishClose()}. Closing a whole runtime marks every handle before it releases
     * any, so that no waiter mistakes the FIN of a peer closed a moment earlier for the end of
     * its own stream. A handle that may still be under construction (not yet
     * published, or born while the runtime closes) is only marked; its close is owed.
     *
     * @return true if the caller finishes the close
     */
    final boolean markClosedByRuntime() {
        long before = getAndUpdateState(s -> (s & CLOSED) != 0 ? s
                : (s & UNPUBLISHED) != 0 ? s | CLOSED | CLOSE_OWED : s | CLOSED);
        return (before & (CLOSED | UNPUBLISHED)) == 0;
    }

    private boolean takeOwedClose() {
        long s;
        do {
            s = state;
            if ((s & CLOSE_OWED) == 0) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, s & ~CLOSE_OWED));
        return true;
    }

    /**
     * First half of {@link #close()}: from now on no operation starts and every waiter that
     * wakes sees the handle closed. Its caller holds the handle, so the handle is built.
     *
     * @return true for the call that closed the handle
     */
    private boolean markClosed() {
        return (getAndUpdateState(s -> (s | CLOSED) & ~UNPUBLISHED) & CLOSED) == 0;
    }

    /** Second half of {@link #close()}: cancel what is in flight, or release at once. */
    void finishClose() {
        if (inFlight() == 0) {
            // enter() fails once CLOSED is set, so the count can only fall from here: the
            // exit() that brings it to zero releases, unless it was already zero, as here.
            if (STATE.compareAndSet(this, CLOSED, CLOSED | RELEASING)) {
                releaseOnce();
            }
        } else {
            cancelInFlight();
        }
    }

    private void releaseOnce() {
        try {
            retireOps();
            release();
        } finally {
            live.remove(this);
        }
    }

    /** Debug mode: marks this handle's ops freed before the backend frees their contexts. */
    void retireOps() {
    }

    /**
     * For a waiter that is dying (an Error, say) with {@code op} maybe still in the kernel: cancels
     * it, closes the handle and waits for its completion using nothing that could fail again, so
     * the memory the kernel uses is never given back early.
     */
    final void settleAfterFailure(PendingOp op, Consumer<PendingOp> cancel) {
        if (op.isInFlight()) {
            op.markCancelRequested();
            try {
                cancel.accept(op);
            } catch (Throwable ignored) {
                // close() below cancels again
            }
            close();
        }
        while (!op.isDone()) {
            LockSupport.parkNanos(op, 1_000_000); // interrupts cannot end this wait
        }
        op.consume();
    }

    /** The runtime's accounting, for backends to report native memory into. */
    protected final Accounting accounting() {
        return live.accounting();
    }

    /** The exception for using a closed handle. */
    protected SocketException closedException() {
        return new SocketException("Socket closed");
    }

    /**
     * Asks the OS to cancel every operation now in flight on this handle. Cancellation is
     * asynchronous: completions still arrive and are consumed as usual. Must not block.
     */
    protected abstract void cancelInFlight();

    /**
     * Closes the OS handle and frees native memory owned by this handle. Called exactly once,
     * after {@link #close()}, when no operation is in flight.
     */
    protected abstract void release();
}
