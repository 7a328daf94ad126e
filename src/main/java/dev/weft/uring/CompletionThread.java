package dev.weft.uring;

/**
 * The one thread that reaps a ring's CQ: it waits in io_uring_enter(GETEVENTS) only when the
 * CQ is empty, then hands every CQE present to its {@link Completion} in one batch.
 *
 * <p>It never runs user code and never blocks on anything but the kernel wait: a completion
 * only records its result and unparks the waiting thread.
 */
final class CompletionThread implements Runnable, CompletionQueue.Handler {
    private final Ring ring;
    private final Thread thread;
    private volatile boolean stopping;
    private long reaped;
    private long batches;

    CompletionThread(Ring ring, String name) {
        this.ring = ring;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        CompletionQueue cq = ring.completionQueue();
        while (true) {
            int n = cq.reap(this);
            if (n > 0) {
                reaped += n;
                batches++;
                continue;
            }
            if (stopping) {
                return;
            }
            int rc = ring.waitForCompletions();
            if (rc < 0 && rc != -dev.weft.bindings.linux.Errno.EINTR
                    && rc != -dev.weft.bindings.linux.Errno.EAGAIN
                    && rc != -dev.weft.bindings.linux.Errno.EBUSY) {
                // The ring is unusable; nothing can complete any more. Say so loudly.
                System.err.println("weft: io_uring_enter failed on " + ring + ", errno " + (-rc));
                return;
            }
        }
    }

    @Override
    public void handle(long userData, int res, int flags) {
        if (UserData.tag(userData) != UserData.TAG_OP) {
            return; // an ASYNC_CANCEL's or a wake-up NOP's own CQE: nobody waits for it
        }
        Completion completion = ring.ops().get(UserData.slot(userData));
        if (completion == null || completion.userData() != userData) {
            // Cannot happen while each op stays registered until its last CQE: report, never guess.
            System.err.println("weft: stale io_uring completion user_data=0x" + Long.toHexString(userData)
                    + " res=" + res + " on " + ring);
            return;
        }
        try {
            completion.onCqe(res, flags);
        } catch (RuntimeException | Error e) {
            // One broken completion must not stop the thread every other socket depends on.
            System.err.println("weft: completion handler failed on " + ring + ": " + e);
            e.printStackTrace();
        }
    }

    /** Asks the thread to exit once the CQ is empty, and waits for it. */
    void stop() throws InterruptedException {
        stopping = true;
        if (!ring.wake()) {
            thread.interrupt();
        }
        thread.join();
    }

    /** CQEs reaped per io_uring_enter wake-up, for tests and tuning. */
    double averageBatch() {
        return batches == 0 ? 0 : (double) reaped / batches;
    }
}
