package dev.weft.samples;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a virtual thread that no I/O wakes waits for a carrier while an echo server in the
 * same JVM is under load: runs {@link EchoServer} (or, with {@code jdk}, {@link JdkEchoServer}),
 * waits while a client loads it, then from a platform thread starts one virtual thread every
 * 0.5 ms and records the time from {@code start()} to its first instruction. Prints one line,
 * {@code START_LATENCY n=... p50_us=... p99_us=... p999_us=... max_us=...}, and exits.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *      dev.weft.samples.StartLatencyProbe PORT WAIT_SECONDS MEASURE_SECONDS [jdk]
 * </pre>
 *
 * Used by bench/start-latency.sh.
 */
public final class StartLatencyProbe {
    private static final long INTERVAL_NANOS = 500_000;

    public static void main(String[] args) throws InterruptedException {
        String port = args[0];
        long waitMillis = Long.parseLong(args[1]) * 1000;
        long measureNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        boolean jdk = args.length > 3 && args[3].equals("jdk");
        BackgroundEchoServer.start(port, jdk);
        Thread.sleep(waitMillis);

        int n = (int) (measureNanos / INTERVAL_NANOS);
        long[] latency = new long[n];
        Thread[] started = new Thread[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            int k = i;
            started[i] = Thread.ofVirtual().start(() -> latency[k] = System.nanoTime() - start);
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
        for (Thread t : started) {
            t.join();
        }
        Arrays.sort(latency);
        System.out.printf("START_LATENCY n=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d%n", n,
                latency[n / 2] / 1000, latency[n * 99 / 100] / 1000, latency[n * 999 / 1000] / 1000,
                latency[n - 1] / 1000);
        System.exit(0);
    }
}
