package dev.weft.uring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual thread that reaps a ring while completions keep coming, so that the readers it
 * unparks are queued on its own carrier (no thread is woken for them) and a reap costs a few
 * memory reads, no system call.
 *
 * <p>The owner ({@link CompletionLoop}) hands over: its wait in the kernel returned with CQEs, it
 * {@link #wake}s this thread and parks. This thread reaps, yields so the readers it unparked run,
 * and reaps again; a reap that finds nothing ends the turn: it gives the wait back to the owner
 * and parks. As with the JDK's own poller threads, a steady load keeps the turn here and the
 * owner asleep; an idle ring costs nothing (both are parked, the owner in the kernel).
 *
 * <p>Runs no user code: completions only record results and unpark.
 */
final class CompletionReaper {
    private final Ring ring;
    private final Thread owner;
    private final Thread thread;
    /** True from {@link #wake} until a reap finds nothing; set by the owner only, cleared here only. */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private volatile boolean stopping;

    CompletionReaper(Ring ring, Thread owner, String name) {
        this.ring = ring;
        this.owner = owner;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** True while this thread has the turn (the owner then parks instead of waiting in the kernel). */
    boolean isReaping() {
        return reaping.get();
    }

    /** The owner saw CQEs: gives this thread the turn. */
    void wake() {
        if (reaping.compareAndSet(false, true)) {
            LockSupport.unpark(thread);
        }
    }

    /** Ends the thread; the owner reaps what is left. */
    void stop() throws InterruptedException {
        stopping = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    private void run() {
        while (!stopping) {
            if (!reaping.get()) {
                LockSupport.park(this);
                continue;
            }
            if (reapAll() > 0) {
                Thread.yield(); // the readers just unparked run now, on this carrier; then look again
                continue;
            }
            // Only the owner gives the turn: once this flag is down, nothing here reaps until the
            // owner's wake, so the owner may wait in the kernel knowing what it left posted (its
            // doorbell's read) stays posted. A CQE posted meanwhile makes that wait return at once.
            reaping.set(false);
            LockSupport.unpark(owner);
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
