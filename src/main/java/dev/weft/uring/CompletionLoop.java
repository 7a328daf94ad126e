package dev.weft.uring;

import java.util.concurrent.locks.LockSupport;

/**
 * Reaps one ring's CQEs that no submitter picked up, as a virtual thread.
 *
 * <p>Most completions of a busy ring are reaped by the threads that submit to it, right after
 * their own io_uring_enter ({@link Ring#submit}). This loop is for the rest: it reaps what is
 * there and yields, so the threads it woke run on this very carrier before it looks again; when
 * a look finds nothing it parks, and the ring's {@link IdleWaiter} (a platform thread) waits in
 * the kernel on its behalf and unparks it at the next CQE. A busy ring therefore pays no thread
 * wake-up per completion, and an idle ring has exactly one thread asleep in the kernel and
 * costs no CPU. (The JDK's own poller for virtual threads works the same way.)
 *
 * <p>Never runs user code and never blocks except by parking.
 */
final class CompletionLoop implements Runnable {
    private final Ring ring;
    private final Thread thread;
    private final IdleWaiter waiter;
    /** True while the loop is parked and relies on the waiter to unpark it. */
    private volatile boolean parked;
    private volatile boolean stopping;

    CompletionLoop(Ring ring, String name) {
        this.ring = ring;
        this.thread = Thread.ofVirtual().name(name).unstarted(this);
        this.waiter = new IdleWaiter(ring, this, name + "-idle");
    }

    void start() {
        waiter.start();
        thread.start();
    }

    @Override
    public void run() {
        while (true) {
            if (ring.tryReap() > 0 || ring.hasCompletions()) {
                Thread.yield(); // let the threads just woken run here first
                continue;
            }
            if (stopping) {
                return;
            }
            parkUntilCompletion();
        }
    }

    private void parkUntilCompletion() {
        parked = true;
        // A CQE posted before the flag was visible would not be missed by the waiter (its
        // io_uring_enter returns at once then), but look once more so that race costs no hop.
        if (ring.hasCompletions() || stopping) {
            parked = false;
            return;
        }
        waiter.loopParked();
        while (parked && !stopping) {
            LockSupport.park(this);
        }
    }

    /** Called by the waiter once the CQ is not empty: the loop takes over again. */
    void completionsReady() {
        if (parked) {
            parked = false;
            LockSupport.unpark(thread);
        }
    }

    /** True while the loop waits for the idle waiter. */
    boolean isParked() {
        return parked;
    }

    /** Reaps until the CQ is empty, then ends both threads and waits for them. */
    void stop() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join();
        waiter.stop();
    }
}
