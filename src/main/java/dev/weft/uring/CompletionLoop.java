package dev.weft.uring;

import java.util.concurrent.locks.LockSupport;

/**
 * The platform thread that owns one ring: it submits what other threads queue for it (see
 * {@link Ring}), and it is the one that waits in the kernel when the ring's
 * {@link CompletionReaper} has nothing to reap.
 *
 * <p>Why a platform thread: the kernel cancels a request when the thread that submitted it
 * ends, and a virtual thread's carrier is retired after 30 idle seconds; a connect, an accept or
 * a file read queued here outlives any carrier. Why not reap here as well: this thread would be
 * woken for every batch of arrivals and would unpark each reader from outside the scheduler
 * (waking a carrier for it); the reaper, itself a virtual thread, hands readers to its own
 * carrier.
 *
 * <p>Never runs user code.
 */
final class CompletionLoop implements Runnable {
    private final Ring ring;
    private final Thread thread;
    private final CompletionReaper reaper;
    private volatile boolean stopping;

    CompletionLoop(Ring ring, String name) {
        this.ring = ring;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
        this.reaper = new CompletionReaper(ring, thread, name + "-reaper");
        ring.ownedBy(thread);
    }

    void start() {
        reaper.start();
        thread.start();
    }

    @Override
    public void run() {
        try {
            ring.startOnOwner();
            while (!ring.isBroken()) {
                ring.takeOwnerWork();
                if (stopping) {
                    reaper.stop();
                    reapAll();
                    return;
                }
                if (ring.hasOwnerWork()) {
                    continue; // queued while working
                }
                if (reaper.isReaping()) {
                    // The reaper has the turn: sleep until it gives the turn back or someone
                    // queues work (both unpark).
                    if (reaper.isReaping() && !ring.hasOwnerWork()) {
                        LockSupport.park(this);
                    }
                    continue;
                }
                if (!ring.hasCompletions()) {
                    ring.waitForCompletions();
                }
                if (ring.hasCompletions()) {
                    reaper.wake();
                }
            }
            // broken: logged by the ring; nothing can complete any more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Takes what is queued for the owner, stops the reaper, reaps what is left, then ends the thread. */
    void stop() throws InterruptedException {
        stopping = true;
        ring.wake();
        thread.join();
    }
}
