package dev.weft.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Echo latency while computations that never block hold every carrier but one: runs
 * {@link EchoServer} (or, with {@code jdk}, {@link JdkEchoServer}), starts those computations as
 * virtual threads (none with {@code idle}), then times one-byte round trips from a few client
 * platform threads, each pausing 1 ms between its round trips. Prints one line,
 * {@code BUSY_CARRIER n=... p50_us=... p90_us=... p99_us=... max_us=...}, and exits.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *      dev.weft.samples.BusyCarrierProbe PORT MEASURE_SECONDS weft|jdk busy|idle
 * </pre>
 *
 * Used by bench/busy-carrier.sh. On io_uring a connection's arrivals are completed by the
 * carrier that armed its recv, which a computation can hold until its next system call or timer
 * tick: this probe measures what that costs a reader.
 */
public final class BusyCarrierProbe {
    private static final int CLIENTS = 8;
    private static volatile boolean running = true;
    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        String port = args[0];
        long measureNanos = Long.parseLong(args[1]) * 1_000_000_000L;
        boolean jdk = args[2].equals("jdk");
        boolean busy = args[3].equals("busy");
        BackgroundEchoServer.start(port, jdk);
        List<Socket> clients = connect(Integer.parseInt(port));
        for (Socket client : clients) { // every connection's recv armed before the computations start
            client.getOutputStream().write(1);
            client.getInputStream().read();
        }
        if (busy) {
            for (int i = 0; i < carriers() - 1; i++) {
                Thread.ofVirtual().start(BusyCarrierProbe::compute);
            }
            Thread.sleep(50);
        }

        long[] roundTrips = new long[CLIENTS * 20_000];
        AtomicInteger count = new AtomicInteger();
        long end = System.nanoTime() + measureNanos;
        List<Thread> threads = new ArrayList<>();
        for (Socket client : clients) {
            threads.add(Thread.ofPlatform().start(() -> pingPong(client, end, roundTrips, count)));
        }
        for (Thread t : threads) {
            t.join();
        }
        running = false;
        int n = Math.min(count.get(), roundTrips.length);
        long[] sorted = Arrays.copyOf(roundTrips, n);
        Arrays.sort(sorted);
        System.out.printf("BUSY_CARRIER n=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d%n", n,
                sorted[n / 2] / 1000, sorted[n * 9 / 10] / 1000, sorted[n * 99 / 100] / 1000, sorted[n - 1] / 1000);
        System.exit(0);
    }

    private static List<Socket> connect(int port) throws InterruptedException {
        List<Socket> clients = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (clients.size() < CLIENTS) {
            try {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setTcpNoDelay(true);
                clients.add(s);
            } catch (IOException notListeningYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("echo server not listening on " + port, notListeningYet);
                }
                Thread.sleep(50);
            }
        }
        return clients;
    }

    private static void pingPong(Socket client, long end, long[] roundTrips, AtomicInteger count) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                out.write(7);
                if (in.read() < 0) {
                    return;
                }
                int i = count.getAndIncrement();
                if (i < roundTrips.length) {
                    roundTrips[i] = System.nanoTime() - start;
                }
                Thread.sleep(1);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never blocks, never yields: holds its carrier until the probe ends. */
    private static void compute() {
        long x = 0;
        while (running) {
            x += System.identityHashCode(x);
        }
        sink = x;
    }

    /** The JDK's virtual-thread scheduler's carriers, read as the JDK reads them. */
    private static int carriers() {
        Integer set = Integer.getInteger("jdk.virtualThreadScheduler.parallelism");
        return set != null && set > 0 ? set : Runtime.getRuntime().availableProcessors();
    }
}
