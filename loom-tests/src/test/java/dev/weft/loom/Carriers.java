package dev.weft.loom;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The virtual-thread scheduler's carriers, for tests that keep some or all of them busy. */
public final class Carriers {
    private Carriers() {
    }

    /** How many carriers the JDK's virtual-thread scheduler has, read as the JDK reads it. */
    public static int count() {
        Integer set = Integer.getInteger("jdk.virtualThreadScheduler.parallelism");
        return set != null && set > 0 ? set : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Computes, never blocking or yielding, for as long as {@code keepGoing} says: a virtual
     * thread that runs this holds its carrier until then.
     */
    public static void computeWhile(BooleanSupplier keepGoing) {
        long x = 0;
        while (keepGoing.getAsBoolean()) {
            x += System.identityHashCode(x);
        }
        if (x == 42) {
            System.out.print(""); // keeps the loop from being optimised away
        }
    }

    /**
     * Starts one virtual thread per carrier that {@linkplain #computeWhile computes} for as long
     * as {@code keepGoing} says, and returns them once every one runs: then no carrier is free.
     *
     * @throws AssertionError if they are not all running within 10 s
     */
    public static List<Thread> occupyAll(BooleanSupplier keepGoing) throws InterruptedException {
        int carriers = count();
        CountDownLatch running = new CountDownLatch(carriers);
        List<Thread> computations = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            computations.add(Thread.ofVirtual().name("computation-" + i).start(() -> {
                running.countDown();
                computeWhile(keepGoing);
            }));
        }
        if (!running.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("only " + (carriers - running.getCount()) + " of " + carriers
                    + " computations running after 10 s");
        }
        return computations;
    }
}
