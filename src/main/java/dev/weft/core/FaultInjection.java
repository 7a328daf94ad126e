package dev.weft.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only fault injection, off by default. With {@code -Dweft.test.completionFaults=N} one in
 * N calls of {@link #inCompletionHandler()} (at pseudo-random calls, the same sequence in every
 * run, so the faults do not always hit the same step of a protocol) throws an
 * {@link InjectedFault}, an {@link Error}
 * standing for the ones a completion handler can really meet (a class that cannot be loaded
 * in a process out of descriptors, an OutOfMemoryError). Tests use it to prove that op
 * accounting, buffer lifetime and the listener's re-arm survive such an Error.
 */
public final class FaultInjection {
    private static final long EVERY = Long.getLong("weft.test.completionFaults", 0);
    private static final AtomicLong calls = new AtomicLong();
    private static final AtomicLong injected = new AtomicLong();

    private FaultInjection() {
    }

    /** True when faults are being injected in this JVM. */
    public static boolean enabled() {
        return EVERY > 0;
    }

    /** Called by completion handlers where an Error could strike; throws one time in N when enabled. */
    public static void inCompletionHandler() {
        if (EVERY > 0 && Long.remainderUnsigned(mix(calls.incrementAndGet()), EVERY) == 0) {
            injected.incrementAndGet();
            throw new InjectedFault();
        }
    }

    /** Faults injected so far. */
    public static long injected() {
        return injected.get();
    }

    private static long mix(long z) { // splitmix64's finalizer: a fixed, well-spread sequence
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The Error thrown by an injected fault. */
    public static final class InjectedFault extends Error {
        InjectedFault() {
            super("weft test fault injected in a completion handler", null, false, false);
        }
    }
}
