package dev.weft.uring;

import java.util.concurrent.locks.LockSupport;

/**
 * The platform thread that waits in io_uring_enter(GETEVENTS) for a ring while its
 * {@link CompletionLoop} is parked, and unparks the loop when a CQE is posted. It reaps nothing
 * itself.
 *
 * <p>It is in the kernel only while the loop is parked: a thread waiting on the CQ is woken by
 * every CQE posted, and a busy ring would pay that wake-up per operation. Otherwise it is parked
 * and costs nothing.
 */
final class IdleWaiter implements Runnable {
    private final Ring ring;
    private final CompletionLoop loop;
    private final Thread thread;
    private volatile boolean stopping;

    IdleWaiter(Ring ring, CompletionLoop loop, String name) {
        this.ring = ring;
        this.loop = loop;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (!stopping) {
            if (!loop.isParked()) {
                LockSupport.park(this);
                continue;
            }
            ring.waitForCompletions();
            if (ring.isBroken()) {
                return; // logged by the ring; nothing can complete any more
            }
            loop.completionsReady();
        }
    }

    /** The loop is about to park: wait in the kernel for it. */
    void loopParked() {
        LockSupport.unpark(thread);
    }

    /** Ends the thread: a NOP's CQE gets it out of the kernel wait. */
    void stop() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        if (!ring.wake()) {
            thread.interrupt();
        }
        thread.join();
    }
}
