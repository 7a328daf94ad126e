package dev.weft.loom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * While every carrier but one runs a computation that never blocks, weft's completion handling
 * must not keep the last carrier to itself: a virtual thread started meanwhile still runs soon.
 *
 * <p>Under a steady load the io_uring reaper unparks readers onto its own carrier and yields to
 * them, so that carrier runs the reaper and its readers in a loop. When it ran that loop for as
 * long as the load lasted, anything waiting in the scheduler's other queues ran only on the other
 * carriers, and here they are all busy: a trivial virtual thread waited 5 to 22 seconds for a
 * carrier (three runs before the fix; the JDK's own sockets under the same load: 4 to 89 ms).
 */
@Timeout(60)
class BusyCarriersTest {
    private static final int CONNECTIONS = 4;
    private static final int STARTS = 20;
    /** Tens of milliseconds are normal on a loaded 2-core machine; seconds were the bug. */
    private static final long LIMIT_MILLIS = 1000;

    private volatile boolean running = true;

    @Test
    void aThreadStartedWhileOtherCarriersComputeRunsSoonDespiteASteadyEchoLoad() throws Exception {
        List<Thread> threads = new ArrayList<>();
        AtomicLong roundTrips = new AtomicLong();
        try (WeftRuntime weft = WeftRuntime.open();
             // Not InetAddress.getLoopbackAddress(): it enumerates network interfaces, which crashes
             // the Windows JDK under Wine.
             TcpListener listener = weft.listen(new InetSocketAddress(
                     InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            try {
                measure(listener, threads, roundTrips);
            } finally {
                running = false; // before the runtime closes: the computations give their carriers back
            }
        } finally {
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    private void measure(TcpListener listener, List<Thread> threads, AtomicLong roundTrips) throws Exception {
        threads.add(Thread.ofVirtual().name("acceptor").start(() -> acceptAndEcho(listener)));
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket client = new Socket();
            client.connect(listener.localAddress(), 10_000);
            client.setTcpNoDelay(true);
            threads.add(Thread.ofPlatform().daemon().name("client-" + i)
                    .start(() -> pingPong(client, roundTrips)));
        }
        for (int i = 0; i < Carriers.count() - 1; i++) {
            threads.add(Thread.ofVirtual().name("computation-" + i)
                    .start(() -> Carriers.computeWhile(() -> running)));
        }
        Thread.sleep(200);

        long worstNanos = 0;
        for (int i = 0; i < STARTS; i++) {
            long started = System.nanoTime();
            Thread trivial = Thread.ofVirtual().start(() -> { });
            boolean ran = trivial.join(Duration.ofSeconds(10));
            worstNanos = Math.max(worstNanos, System.nanoTime() - started);
            if (!ran) {
                break;
            }
            Thread.sleep(20);
        }
        long before = roundTrips.get();
        Thread.sleep(100);
        long echoedMeanwhile = roundTrips.get() - before;

        System.out.printf("[busy carriers] %d carriers, %d busy: worst wait of a new virtual thread %.1f ms;"
                + " %d round trips in 100 ms%n", Carriers.count(), Carriers.count() - 1, worstNanos / 1e6,
                echoedMeanwhile);
        assertThat(worstNanos / 1_000_000).as("worst wait of a new virtual thread (ms)").isLessThan(LIMIT_MILLIS);
        assertThat(echoedMeanwhile).as("round trips while the other carriers compute").isPositive();
    }

    private void acceptAndEcho(TcpListener listener) {
        List<Thread> echoes = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpConnection conn = listener.accept();
                echoes.add(Thread.ofVirtual().start(() -> echo(conn)));
            }
            for (Thread t : echoes) {
                t.join();
            }
        } catch (IOException | InterruptedException e) {
            // the test ends: the listener closed
        }
    }

    private static void echo(TcpConnection conn) {
        byte[] buffer = new byte[64];
        try (conn) {
            int n;
            while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                conn.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void pingPong(Socket client, AtomicLong roundTrips) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (running) {
                out.write(1);
                if (in.read() < 0) {
                    return;
                }
                roundTrips.incrementAndGet();
            }
        } catch (IOException e) {
            // the runtime closed under it at the end
        }
    }
}
