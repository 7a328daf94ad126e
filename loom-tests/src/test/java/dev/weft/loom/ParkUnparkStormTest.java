package dev.weft.loom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Park/unpark storms: every weft call parks its virtual thread and a completion thread unparks
 * it, so thousands of threads bouncing one byte back and forth, and waves of parked readers all
 * released at once, exercise the wake-up path at its highest rate. No wake-up may be lost (a
 * lost one hangs the test), doubled (a thread would run on with a stale result) or misrouted
 * (checked by the byte values).
 */
@Timeout(180)
class ParkUnparkStormTest {
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final int PAIRS = Integer.getInteger("weft.loom.stormPairs", WINDOWS ? 100 : 500);
    private static final int ROUND_TRIPS = Integer.getInteger("weft.loom.stormRoundTrips", WINDOWS ? 50 : 200);
    private static final int WAVES = Integer.getInteger("weft.loom.stormWaves", WINDOWS ? 5 : 20);

    static InetSocketAddress loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    }

    @Test
    void thousandsOfThreadsPingPongingSingleBytesNeverLoseOrMisrouteAWakeUp() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open(); TcpListener listener = weft.listen(loopback())) {
            List<TcpConnection[]> pairs = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                TcpConnection client = weft.connect(listener.localAddress());
                pairs.add(new TcpConnection[] {client, listener.accept()});
            }
            AtomicLong parksSurvived = new AtomicLong();
            AtomicLong timeouts = new AtomicLong();
            long start = System.nanoTime();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (int p = 0; p < PAIRS; p++) {
                    TcpConnection client = pairs.get(p)[0];
                    TcpConnection server = pairs.get(p)[1];
                    int id = p;
                    all.add(threads.submit(() -> {
                        byte[] b = new byte[1];
                        for (int i = 0; i < ROUND_TRIPS; i++) {
                            b[0] = (byte) (id + i);
                            client.write(b, 0, 1);
                            // a tiny timeout now and then races the reply's completion
                            client.setReadTimeout(i % 7 == 0 ? Duration.ofNanos(20_000) : Duration.ZERO);
                            int n;
                            while (true) {
                                try {
                                    n = client.read(b, 0, 1);
                                    break;
                                } catch (SocketTimeoutException e) {
                                    timeouts.incrementAndGet();
                                }
                            }
                            assertThat(n).isEqualTo(1);
                            assertThat(b[0]).as("reply %d on pair %d", i, id).isEqualTo((byte) (id + i + 1));
                            parksSurvived.incrementAndGet();
                        }
                        return null;
                    }));
                    all.add(threads.submit(() -> {
                        byte[] b = new byte[1];
                        for (int i = 0; i < ROUND_TRIPS; i++) {
                            assertThat(server.read(b, 0, 1)).isEqualTo(1);
                            b[0]++;
                            server.write(b, 0, 1);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(150, TimeUnit.SECONDS);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[weft loom] %d threads, %d round trips (%.0f/s), %d read timeouts raced replies%n",
                    2 * PAIRS, parksSurvived.get(), parksSurvived.get() / seconds, timeouts.get());
            assertThat(parksSurvived.get()).isEqualTo((long) PAIRS * ROUND_TRIPS);
            pairs.forEach(p -> { p[0].close(); p[1].close(); });
        }
    }

    @Test
    void wavesOfParkedReadersAreAllReleasedAtOnceEveryTime() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open(); TcpListener listener = weft.listen(loopback())) {
            List<TcpConnection[]> pairs = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                TcpConnection client = weft.connect(listener.localAddress());
                pairs.add(new TcpConnection[] {client, listener.accept()});
            }
            CyclicBarrier parked = new CyclicBarrier(PAIRS + 1);
            AtomicLong released = new AtomicLong();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> readers = new ArrayList<>();
                for (int p = 0; p < PAIRS; p++) {
                    TcpConnection server = pairs.get(p)[1];
                    readers.add(threads.submit(() -> {
                        byte[] b = new byte[1];
                        for (int wave = 0; wave < WAVES; wave++) {
                            parked.await(60, TimeUnit.SECONDS);
                            assertThat(server.read(b, 0, 1)).isEqualTo(1);
                            assertThat(b[0]).isEqualTo((byte) wave);
                            released.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (int wave = 0; wave < WAVES; wave++) {
                    parked.await(60, TimeUnit.SECONDS);
                    // every reader is about to park (or parked); one thread wakes them all
                    for (TcpConnection[] p : pairs) {
                        p[0].write(new byte[] {(byte) wave}, 0, 1);
                    }
                }
                for (Future<?> f : readers) {
                    f.get(120, TimeUnit.SECONDS);
                }
            }
            System.out.printf("[weft loom] %d waves of %d parked readers released (%d wake-ups)%n",
                    WAVES, PAIRS, released.get());
            assertThat(released.get()).isEqualTo((long) WAVES * PAIRS);
            pairs.forEach(p -> { p[0].close(); p[1].close(); });
        }
    }
}
