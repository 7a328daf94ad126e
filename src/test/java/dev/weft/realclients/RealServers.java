package dev.weft.realclients;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the servers of .ci/real-servers.sh listen, and a way to run the same work on many
 * virtual threads. The suites need those servers; without them they fail (connection refused),
 * they never skip.
 */
final class RealServers {
    static final String HOST = "127.0.0.1";
    static final int POSTGRES_PORT = Integer.getInteger("weft.pg.port", 9810);
    static final int REDIS_PORT = Integer.getInteger("weft.redis.port", 9811);

    private RealServers() {
    }

    /** Runs {@code threads} copies of {@code work} (given the thread's index) on virtual threads; returns their results. */
    static <T> List<T> onVirtualThreads(int threads, IndexedWork<T> work) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(executor.submit((Callable<T>) () -> work.run(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    interface IndexedWork<T> {
        T run(int index) throws Exception;
    }

    /** "name: 12,345 per second (n in t ms)" with the rate, for the side-by-side figures. */
    static double rate(String name, long operations, long nanos) {
        double perSecond = operations / (nanos / 1e9);
        System.out.printf("RESULT %s: %,.0f per second (%,d in %,d ms)%n", name, perSecond, operations, nanos / 1_000_000);
        return perSecond;
    }
}
