package dev.weft.uring;

import java.util.concurrent.locks.LockSupport;

import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EBUSY;
import static dev.weft.bindings.linux.Errno.EINTR;

/**
 * The platform thread that waits in io_uring_enter(GETEVENTS) for a ring while its
 * {@link Reaper} is parked, and unparks the reaper when a CQE is posted. It reaps nothing itself.
 *
 * <p>It is in the kernel only while the reaper is idle: a thread waiting on the CQ is woken by
 * every CQE posted, and a busy ring would pay that wake-up per operation.
 */
final class IdleWaiter implements Runnable {
    private final Ring ring;
    private final Reaper reaper;
    private final Thread thread;
    private volatile boolean stopping;

    IdleWaiter(Ring ring, Reaper reaper, String name) {
        this.ring = ring;
        this.reaper = reaper;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (!stopping) {
            if (!reaper.isParked()) {
                LockSupport.park(this);
                continue;
            }
            int rc = ring.waitForCompletions();
            if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
                // The ring is unusable; nothing can complete any more. Say so loudly.
                System.err.println("weft: io_uring_enter failed on " + ring + ", errno " + (-rc));
                return;
            }
            reaper.completionsReady();
        }
    }

    /** The reaper is about to park: wait in the kernel for it. */
    void reaperParked() {
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
