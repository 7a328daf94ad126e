package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server written the way README shows (an {@code accept()} loop, one virtual thread per
 * connection) keeps serving while clients connect and go away at once: some close in order, some
 * reset (SO_LINGER 0). Whatever happens to one client between the kernel's accept and the
 * hand-over must never reach the {@code accept()} caller.
 *
 * <p>The number of clients is {@value #DEFAULT_CLIENTS} (half of each kind) unless the system
 * property {@code weft.test.acceptChurnClients} says otherwise.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AcceptResilienceContractTest extends ContractTestBase {
    private static final int DEFAULT_CLIENTS = 1_000;
    /** Clients connecting at once: enough to overlap accepts, few enough for a default backlog. */
    private static final int CONCURRENT_CLIENTS = 16;

    @Test
    void acceptLoopSurvivesClientsThatCloseOrResetAtOnce() throws Exception {
        TcpListener listener = weftListener();
        AtomicInteger accepted = new AtomicInteger();
        Background.Task<Void> server = Background.start("accept-loop", () -> {
            while (true) {
                TcpConnection conn = listener.accept(); // any exception ends the loop: the failure under test
                accepted.incrementAndGet();
                Thread.startVirtualThread(() -> echoUntilGone(conn));
            }
        });

        int clients = Integer.getInteger("weft.test.acceptChurnClients", DEFAULT_CLIENTS);
        AtomicInteger connected = new AtomicInteger();
        runClients(clients, i -> {
            Socket socket = new Socket();
            socket.connect(listener.localAddress(), PEER_READ_TIMEOUT_MILLIS);
            connected.incrementAndGet();
            if (i % 2 == 0) {
                resetClose(socket);
            } else {
                socket.close();
            }
        });
        assertThat(connected.get()).as("clients that connected").isEqualTo(clients);

        assertThat(server.isDone())
                .as("accept loop still running after %d abandoning clients (ended with: %s)",
                        clients, server.isDone() ? Background.failureOf(server) : null)
                .isFalse();
        assertEchoes(listener.localAddress());

        listener.close();
        assertThat(Background.failureOf(server))
                .as("the accept loop ends only when the listener is closed")
                .isInstanceOf(SocketException.class);
        System.out.println("[weft contract] " + clients + " abandoning clients, " + accepted.get()
                + " accepted, " + weft.stats());
    }

    /** A normal client after the churn: connects, is accepted and gets its bytes back. */
    private void assertEchoes(InetSocketAddress server) throws IOException {
        Socket client = jdkConnect(server);
        byte[] message = "still serving".getBytes();
        client.getOutputStream().write(message);
        byte[] echoed = client.getInputStream().readNBytes(message.length);
        assertThat(echoed).as("echo after the churn").isEqualTo(message);
        client.close();
    }

    private static void echoUntilGone(TcpConnection conn) {
        byte[] buffer = new byte[1024];
        try (conn) {
            int n;
            while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                conn.write(buffer, 0, n);
            }
        } catch (IOException gone) {
            // reset by the client or closed with the listener: nothing to serve
        }
    }

    private interface Client {
        void run(int index) throws IOException;
    }

    /** Runs {@code count} clients, {@value #CONCURRENT_CLIENTS} at a time; rethrows the first failure. */
    private static void runClients(int count, Client client) throws Exception {
        Semaphore slots = new Semaphore(CONCURRENT_CLIENTS);
        List<Future<?>> done = new ArrayList<>(count);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                slots.acquire();
                done.add(pool.submit(() -> {
                    try {
                        client.run(index);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> future : done) {
            Background.await(future);
        }
    }
}
