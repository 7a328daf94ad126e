package dev.weft.uring;

/**
 * The platform thread that owns one ring: its only submitter (other threads queue requests for
 * it, see {@link Ring}), its reaper, and the one thread that waits in the kernel for it.
 *
 * <p>Why a thread of its own: the kernel ties each request to the thread that submitted it. It
 * runs the request's completion work (copying a chunk into a provided buffer, posting the CQE)
 * on that thread, and cancels the request when that thread ends. A virtual thread's carrier is
 * neither: it sleeps when idle (so a request from it woke it, and then a second thread to reap)
 * and the scheduler retires it after 30 idle seconds (so a read parked that long was cancelled).
 * This thread lives as long as the ring; the completion work of every request runs inside its
 * own wait (io_uring_enter(GETEVENTS)), which then returns, reaps the CQEs and unparks the
 * waiters. An idle ring costs nothing: this thread sleeps in the kernel.
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
        try {
            ring.startOnOwner();
            while (!ring.isBroken()) {
                ring.takeOwnerWork();
                reapAll();
                if (stopping) {
                    return;
                }
                if (ring.hasOwnerWork()) {
                    continue; // queued while reaping
                }
                ring.waitForCompletions();
            }
            // broken: logged by the ring; nothing can complete any more
        } finally {
            ring.ownerStopped();
        }
    }

    /** Reaps until the CQ is empty. */
    private void reapAll() {
        while (ring.tryReap() > 0 || ring.hasCompletions()) {
            Thread.onSpinWait();
        }
    }

    /** Takes what is queued for the owner, reaps what is left, then ends the thread. */
    void stop() throws InterruptedException {
        stopping = true;
        ring.wake();
        thread.join();
    }
}
