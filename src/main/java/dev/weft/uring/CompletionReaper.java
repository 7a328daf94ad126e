package dev.weft.uring;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual thread that reaps a ring while completions keep coming, so that the readers it
 * unparks are queued on its own carrier (no thread is woken for them) and a reap costs a few
 * memory reads, no system call.
 *
 * <p>The owner ({@link CompletionLoop}) hands over: its doorbell was signalled for new CQEs, it
 * {@link #wake}s this thread, which turns the signal off (CQEs posted during the turn wake
 * nobody). This thread reaps, yields so the readers it unparked run, and reaps again; a reap that
 * finds nothing ends the turn: the signal goes back on, and the owner is not woken for that
 * (unless a last look finds a CQE posted just before the signal was on). As with the JDK's own
 * poller threads, a steady load keeps the turn here and the owner asleep; an idle ring costs
 * nothing (both are parked, the owner in the kernel).
 *
 * <p>Runs no user code: completions only record results and unpark.
 */
final class CompletionReaper {
    private final Ring ring;
    private final Thread thread;
    /**
     * The reaping turn: true from {@link #wake} until a reap finds nothing. The owner sets it and
     * turns the doorbell's signal off; this thread turns the signal on before clearing it.
     */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private volatile boolean stopping;

    CompletionReaper(Ring ring, String name) {
        this.ring = ring;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    void start() {
        thread.start();
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
            ring.signalCompletions(true);
            reaping.set(false);
            // A CQE posted before the signal was back on woke nobody: ring the owner for it. (Not
            // taking the turn back here keeps the owner the only one who starts a turn, so a turn
            // never ends while the owner sleeps without a time limit; see CompletionLoop.run.)
            if (ring.hasCompletions()) {
                ring.wake();
            }
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
