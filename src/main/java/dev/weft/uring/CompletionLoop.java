package dev.weft.uring;

/**
 * The platform thread that owns one ring: it submits the ring's long-lived requests (each
 * socket's multishot recv), reaps the CQEs no submitter picked up, and waits in the kernel
 * when there is nothing to do.
 *
 * <p>Why a thread of its own: io_uring runs the completion work of a request whose data arrives
 * later (copying a chunk into a provided buffer, posting the CQE) as task work on the thread
 * that submitted the request. A multishot recv submitted from a virtual thread's carrier would
 * wake that carrier from its idle sleep for every chunk, and then a second thread to reap the
 * CQE. Submitted from here, the chunk's work runs inside this thread's own wait
 * (io_uring_enter(GETEVENTS)), which then returns, reaps the CQE and unparks the reader: one
 * thread woken per arrival, and none while the ring is idle (this thread then sleeps in the
 * kernel and costs no CPU).
 *
 * <p>Never runs user code: completions only record results and unpark.
 */
final class CompletionLoop implements Runnable {
    private final Ring ring;
    private final Thread thread;
    private volatile boolean stopping;

    CompletionLoop(Ring ring, String name) {
        this.ring = ring;
        this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
        ring.ownedBy(thread);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (true) {
            ring.runOwnerTasks();
            reapAll();
            if (stopping) {
                return;
            }
            if (ring.hasOwnerTasks()) {
                continue; // queued while reaping: the wake-up NOP may be among the CQEs just reaped
            }
            ring.waitForCompletions();
            if (ring.isBroken()) {
                return; // logged by the ring; nothing can complete any more
            }
        }
    }

    /** Reaps until the CQ is empty, waiting out a submitter that holds the reaping turn. */
    private void reapAll() {
        while (ring.tryReap() > 0 || ring.hasCompletions()) {
            Thread.onSpinWait();
        }
    }

    /** Runs what is queued for the ring's owner, reaps what is left, then ends the thread. */
    void stop() throws InterruptedException {
        stopping = true;
        ring.wake(); // a NOP's CQE gets the thread out of its wait
        thread.join();
    }
}
