package dev.weft.bench.jmh;

/** Guards for benchmarks whose measured thread must be a virtual thread. */
final class VirtualThreads {
    private VirtualThreads() {
    }

    /**
     * Fails the trial unless the JMH worker running it is a virtual thread, so that a run whose
     * command line dropped {@code -Djmh.executor=VIRTUAL} (e.g. {@code -jvmArgsAppend} replaces
     * the annotation's) cannot silently measure platform threads instead.
     */
    static void requireVirtualBenchmarkThread() {
        if (!Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("this benchmark measures a virtual thread: run its fork"
                    + " with -Djmh.executor=VIRTUAL (set by @Fork; keep it if you pass -jvmArgs*)");
        }
    }
}
