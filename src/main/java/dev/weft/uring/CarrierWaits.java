package dev.weft.uring;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many {@link CompletionReaper}s may block their carrier in the kernel at once
 * ({@link Ring#awaitCompletions}). A carrier that waits there runs no virtual thread, and the
 * scheduler does not know it is idle: so at most half the scheduler's carriers (rounded down)
 * wait at any moment, at least one in two always runs virtual threads, and with a single carrier
 * none waits. Every runtime in the JVM shares the scheduler's carriers, hence one {@link #SHARED}
 * count for all of them.
 */
final class CarrierWaits {
    /** For the JDK's virtual-thread scheduler, whose parallelism is read as the JDK reads it. */
    static final CarrierWaits SHARED = new CarrierWaits(schedulerParallelism());

    private final AtomicInteger free;

    CarrierWaits(int carriers) {
        this.free = new AtomicInteger(allowed(carriers));
    }

    /** How many of {@code carriers} may wait at once: half of them, none when there is one. */
    static int allowed(int carriers) {
        return Math.max(0, carriers / 2);
    }

    /** Takes a wait if one is free; give it back with {@link #giveBack}. */
    boolean tryTake() {
        int n;
        while ((n = free.get()) > 0) {
            if (free.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    void giveBack() {
        free.incrementAndGet();
    }

    /** The scheduler's carriers: {@code jdk.virtualThreadScheduler.parallelism}, else one per CPU. */
    static int schedulerParallelism() {
        Integer set = Integer.getInteger("jdk.virtualThreadScheduler.parallelism");
        return set != null && set > 0 ? set : Runtime.getRuntime().availableProcessors();
    }
}
