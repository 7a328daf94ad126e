package dev.weft.uring;

import dev.weft.core.CloseWait;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual thread that reaps a ring while completions keep coming, so that the readers it
 * unparks are queued on its own carrier (no thread is woken for them) and a reap costs a few
 * memory reads, no system call.
 *
 * <p>The owner ({@link CompletionLoop}) hands over: its doorbell was signalled for new CQEs, it
 * {@link #wake}s this thread, which turns the signal off (CQEs posted during the turn wake
 * nobody). This thread reaps, yields so the readers it unparked run, and reaps again. When a reap
 * finds nothing it waits for the next CQE in the kernel, on its carrier, for up to the wait limit
 * (if {@link CarrierWaits} lets this carrier wait; see {@link #awaitOnCarrier}); a wait that
 * ends with nothing, or a reap that finds nothing when no wait is allowed, ends the turn: the
 * signal goes back on, and the owner is not woken for that (unless a last look finds a CQE
 * posted just before the signal was on). A turn also ends after {@link #TURN_NANOS}, so that it
 * never keeps a carrier to itself (the owner then starts the next one at once). A steady load
 * keeps the owner asleep but for one wake-up per turn; an idle ring costs nothing (both are
 * parked, the owner in the kernel).
 *
 * <p>Runs no user code: completions only record results and unpark.
 */
final class CompletionReaper {
    /**
     * How long one turn may last. The readers this thread unparks queue on its carrier, and so
     * does this thread when it yields to them: under a steady load the carrier runs that loop
     * and nothing else, and whatever waits in the scheduler's other queues (another ring's
     * reaper, threads unparked by other threads) runs only on the other carriers. When they are
     * all busy (say, with computations that never block) it would not run at all. Ending the
     * turn now and then sends this thread through the shared queue like everyone else.
     */
    static final long TURN_NANOS = 1_000_000;

    private final Ring ring;
    private final Thread thread;
    /** How long a wait on the carrier may last; 0: none. */
    private final long carrierWaitNanos;
    private final CarrierWaits carrierWaits;
    /**
     * The reaping turn: true from {@link #wake} until a reap finds nothing and no wait on the
     * carrier brings a CQE. The owner sets it and turns the doorbell's signal off; this thread
     * turns the signal on before clearing it.
     */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private volatile boolean stopping;

    /**
     * @param carrierWaitNanos how long this thread may wait for a CQE on its carrier before it
     *                         ends its turn (0: it never waits there)
     * @param carrierWaits     how many carriers may wait at once
     */
    CompletionReaper(Ring ring, String name, long carrierWaitNanos, CarrierWaits carrierWaits) {
        this.ring = ring;
        this.carrierWaitNanos = carrierWaitNanos;
        this.carrierWaits = carrierWaits;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    void start() {
        ring.reaperStarting();
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            ring.reaperEnded();
            throw e;
        }
    }

    /** True while this thread has the turn. */
    boolean isReaping() {
        return reaping.get();
    }

    /** The owner saw CQEs: gives this thread the turn. */
    void wake() {
        if (reaping.compareAndSet(false, true)) {
            ring.signalCompletions(false);
            LockSupport.unpark(thread);
        }
    }

    /**
     * Ends the thread; the owner reaps what is left. Waits at most {@code limit} for it to end:
     * it needs a carrier to see the request, and virtual threads that never park may hold them
     * all. Whether it has ended or not, the ring is safe to close: its memory is freed only when
     * this thread has ended too (see {@link Ring#reaperStarting}).
     */
    void stop(Duration limit) {
        stopping = true;
        LockSupport.unpark(thread);
        CloseWait.until(() -> !thread.isAlive(), limit.toNanos()); // an interrupt does not cut it short
    }

    private void run() {
        try {
            serveTurns();
        } finally {
            ring.reaperEnded();
        }
    }

    private void serveTurns() {
        boolean inTurn = false;
        long turnStarted = 0;
        while (!stopping) {
            if (!reaping.get()) {
                LockSupport.park(this);
                continue;
            }
            if (!inTurn) {
                inTurn = true;
                turnStarted = System.nanoTime();
            }
            boolean reaped = reapAll() > 0;
            if (System.nanoTime() - turnStarted < TURN_NANOS) {
                if (reaped) {
                    Thread.yield(); // the readers just unparked run now, on this carrier; then look again
                    continue;
                }
                if (awaitOnCarrier()) {
                    continue;
                }
            }
            inTurn = false;
            endTurn();
        }
    }

    /**
     * Gives the turn back to the owner. When CQEs are left (a turn that ran out of time, or a
     * CQE posted before the signal was back on, which woke nobody), rings the owner, which starts
     * a new turn: this thread then comes back through the scheduler's shared queue, behind
     * whatever waited there meanwhile. (Not taking the turn back here keeps the owner the only
     * one who starts a turn, so a turn never ends while the owner sleeps without a time limit;
     * see CompletionLoop.run.)
     */
    private void endTurn() {
        ring.signalCompletions(true);
        reaping.set(false);
        if (ring.hasCompletions()) {
            ring.wake();
        }
    }

    /**
     * With the CQ empty, waits in the kernel for the next CQE, keeping the turn and blocking this
     * thread's carrier. Under a steady load the next arrivals then wake this carrier directly
     * (and the kernel runs, inside the wait, the completion work of the recvs this carrier
     * armed), where ending the turn makes them a chain of wake-ups: the carrier that armed the
     * recvs, the owner for the CQE, then a carrier for this thread. The carrier runs nothing else
     * while it waits, so the wait is short, only as many carriers wait as {@link CarrierWaits}
     * allows, and virtual threads queued elsewhere run before it starts.
     *
     * @return true if CQEs came
     */
    private boolean awaitOnCarrier() {
        if (carrierWaitNanos <= 0 || stopping || !ring.canAwaitCompletions()) {
            return false;
        }
        // First let the carrier run whatever else is queued: a yield with nothing queued on this
        // carrier goes through the scheduler's shared queue, so every queue is looked at.
        Thread.yield();
        if (ring.hasCompletions()) {
            return true;
        }
        if (!carrierWaits.tryTake()) {
            return false;
        }
        try {
            return ring.awaitCompletions(carrierWaitNanos);
        } finally {
            carrierWaits.giveBack();
        }
    }

    private int reapAll() {
        int total = 0;
        int n;
        while ((n = ring.tryReap()) > 0) {
            total += n;
        }
        return total;
    }
}
