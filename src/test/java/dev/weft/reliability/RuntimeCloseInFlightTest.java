package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closing a runtime with thousands of operations in flight — reads on both ends of every
 * connection, writes stalled on full windows, accepts — wakes every one of them with a
 * SocketException, releases every handle and (per {@link LeakCheck}) every descriptor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeCloseInFlightTest {
    private static final int PAIRS = Streams.count("weft.reliability.closePairs", 1500, 200);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void runtimeCloseWithThousandsOfOperationsInFlightWakesThemAllAndLeaksNothing() throws Exception {
        WeftRuntime weft = leaks.runtime();
        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        List<TcpConnection> connections = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            connections.add(weft.connect(listener.localAddress(), Duration.ofSeconds(10)));
            connections.add(listener.accept(Duration.ofSeconds(10)));
        }
        List<Future<Throwable>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // Writers on the first clients, whose peers never read: their sends stall on full
            // windows. Every other end has a reader parked in a read.
            int writers = Math.min(200, PAIRS);
            for (int i = 0; i < connections.size(); i++) {
                TcpConnection conn = connections.get(i);
                boolean silentPeerOfWriter = i % 2 == 1 && i / 2 < writers;
                if (!silentPeerOfWriter) {
                    String what = "read on connection " + i + (i % 2 == 0 ? " (client)" : " (accepted)");
                    calls.add(threads.submit(() -> failureOf(what, () -> conn.read(new byte[64], 0, 64))));
                }
            }
            for (int i = 0; i < writers; i++) {
                TcpConnection conn = connections.get(2 * i);
                String what = "write on connection " + 2 * i;
                calls.add(threads.submit(() -> failureOf(what, () -> {
                    byte[] chunk = new byte[1 << 16];
                    while (true) {
                        conn.write(chunk, 0, chunk.length);
                    }
                })));
            }
            for (int i = 0; i < 16; i++) {
                calls.add(threads.submit(() -> failureOf("accept", listener::accept)));
            }
            // reads + stalled writes + at least one accept posted
            CloseRaceTest.awaitOperations(weft, 2L * PAIRS + 1);
            WeftStats busy = weft.stats();
            long start = System.nanoTime();
            weft.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int woken = 0;
            for (Future<Throwable> call : calls) {
                Throwable failure = call.get(30, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOf(SocketException.class).hasMessage("Socket closed");
                woken++;
            }
            System.out.printf("[weft reliability] runtime close with %d operations in flight (%s) took %d ms; "
                    + "%d blocked calls woken%n", busy.liveOperations(), busy, millis, woken);
        }
        assertThat(weft.stats().openHandles()).isZero();
        assertThat(weft.stats().liveOperations()).isZero();
    }

    private interface Call {
        Object run() throws IOException;
    }

    /** What the call failed with; a call that returned is reported as an AssertionError naming it. */
    private static Throwable failureOf(String what, Call call) {
        try {
            Object result = call.run();
            return new AssertionError(what + " returned " + result + " instead of failing");
        } catch (IOException e) {
            return e;
        }
    }
}
