package dev.weft.uring;

import java.time.Duration;

/**
 * The platform thread that owns one ring: it submits what other threads queue for it (see
 * {@link Ring}), and it is the one that sleeps when the ring's {@link CompletionReaper} has
 * nothing to reap, in a plain blocking read of the ring's {@link Doorbell}.
 *
 * <p>Why a platform thread: the kernel cancels a request when the thread that submitted it
 * ends, and a virtual thread's carrier is retired after 30 idle seconds; a connect, an accept or
 * a file read queued here outlives any carrier. Why not reap here as well: this thread would be
 * woken for every batch of arrivals and would unpark each reader from outside the scheduler
 * (waking a carrier for it); the reaper, itself a virtual thread, hands readers to its own
 * carrier.
 *
 * <p>The turn to reap passes between the two without waking this thread when the reaper ends
 * it: the reaper turns the doorbell's signal back on and leaves; the next CQE then signals it.
 * While the runtime closes, this thread reaps as well ({@link #drain}), so that a close never
 * waits for a carrier for the reaper.
 *
 * <p>Never runs user code.
 */
final class CompletionLoop implements Runnable {
    /**
     * How long a wait may last while a CQE could have been posted unsignalled (see {@link #run}):
     * a fence against a lost wake-up, not a poll; an idle ring waits without a limit.
     */
    static final int RECHECK_MILLIS = 20;
    /** How long a wait lasts while the runtime closes and this thread reaps too (see {@link #drain}). */
    static final int DRAIN_POLL_MILLIS = 1;
    /** How long the stop waits for the reaper to end (see {@link CompletionReaper#stop}). */
    static final Duration REAPER_STOP_LIMIT = Duration.ofSeconds(1);

    private final Ring ring;
    private final Thread thread;
    private final CompletionReaper reaper;
    private volatile boolean stopping;
    private volatile boolean draining;

    /** @param carrierWaitNanos see {@link CompletionReaper} */
    CompletionLoop(Ring ring, String name, long carrierWaitNanos) {
        this.ring = ring;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
        this.reaper = new CompletionReaper(ring, name + "-reaper", carrierWaitNanos, CarrierWaits.SHARED);
        ring.ownedBy(thread);
    }

    void start() {
        reaper.start();
        thread.start();
    }

    @Override
    public void run() {
        try {
            boolean woken = true;
            while (!ring.isBroken()) {
                ring.takeOwnerWork();
                if (stopping) {
                    reaper.stop(REAPER_STOP_LIMIT);
                    reapAll();
                    return;
                }
                if (ring.hasOwnerWork()) {
                    continue; // queued while working
                }
                if (draining) {
                    // Reaps beside the reaper (one reap at a time: the ring sees to that), which
                    // may hold the turn and have no carrier to use it. The doorbell may be off
                    // meanwhile, so the wait is short; it lasts only as long as the close's wait.
                    if (ring.tryReap() == 0) {
                        ring.awaitWork(DRAIN_POLL_MILLIS);
                    }
                    continue;
                }
                // Read once: a turn that ends between two reads would have this thread skip the
                // look at the CQ (still reaping) and then wait without a limit (no longer).
                boolean reaping = reaper.isReaping();
                if (!reaping && ring.hasCompletions()) {
                    reaper.wake();
                    continue;
                }
                // Nothing documented orders the kernel's read of the doorbell's on/off flag after
                // the CQE it has just posted, so a CQE that races with the end of a turn may go
                // unsignalled. Any wait that starts while the reaper has the turn, or right after
                // a wake-up, is therefore bounded; after one quiet period the wait is not. Only
                // this thread starts a turn, so none can start (and end) while it sleeps without
                // a limit.
                woken = ring.awaitWork(reaping || woken ? RECHECK_MILLIS : -1);
            }
            // broken: logged by the ring; nothing can complete any more
        } finally {
            ring.ownerStopped();
        }
    }
    /** Reaps until the CQ is empty; the owner, once the reaper has stopped. */
    private void reapAll() {
        while (ring.tryReap() > 0 || ring.hasCompletions()) {
            Thread.onSpinWait();
        }
    }

    /**
     * The runtime is closing and waits for the final completions of what it cancelled: from now
     * on this thread reaps too. The reaper is a virtual thread; while virtual threads that never
     * park hold every carrier, it would not reap them, and the close would wait as long as they
     * compute.
     */
    void drain() {
        draining = true;
        ring.wake();
    }

    /**
     * Asks this thread to take what is queued for the owner, stop the reaper, reap what is left
     * and end; {@link #awaitStopped} waits for that.
     */
    void requestStop() {
        stopping = true;
        ring.wake();
    }

    void awaitStopped() throws InterruptedException {
        thread.join();
    }
}
