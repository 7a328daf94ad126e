package dev.weft.loom;

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
}
