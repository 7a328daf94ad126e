package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every contract test class shares: a fresh runtime per test, opened with
 * {@link WeftRuntime#open()} so the backend is the platform's (or {@code -Dweft.backend}'s);
 * peers on loopback, java.net or weft; and a cleanup that closes everything the test opened and
 * then checks that the runtime released every native handle.
 *
 * <p>Nothing here knows a backend: the same compiled classes run on io_uring (Linux) and IOCP
 * (Windows, under Wine).
 */
@DisplayNameGeneration(BackendDisplayNames.class)
abstract class ContractTestBase {
    /** How long a peer's java.net read may block before the test fails instead of hanging. */
    static final int PEER_READ_TIMEOUT_MILLIS = 30_000;

    protected WeftRuntime weft;
    private final Deque<AutoCloseable> opened = new ConcurrentLinkedDeque<>();

    @BeforeEach
    final void openRuntime(TestInfo test) throws IOException {
        weft = WeftRuntime.open();
        System.out.println("[weft contract] " + weft.backendName() + ": "
                + test.getTestClass().map(Class::getSimpleName).orElse("?") + " " + test.getDisplayName());
    }

    @AfterEach
    final void closeEverythingAndCheckForLeaks() throws Exception {
        Exception failure = null;
        AutoCloseable resource;
        while ((resource = opened.pollLast()) != null) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            if (!weft.isClosed()) {
                assertThat(awaitOpenHandles(weft, 0))
                        .as("native handles still open after the test closed all it opened")
                        .isZero();
            }
        } finally {
            weft.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void runsOnTheBackendOfThisPlatform() {
        assertThat(weft.backendName())
                .as("backend of WeftRuntime.open() on %s (weft.backend=%s)",
                        System.getProperty("os.name"), System.getProperty("weft.backend"))
                .isEqualTo(ExpectedBackend.name());
    }

    /** Closes {@code resource} after the test, before the leak check (last opened, first closed). */
    final <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * Waits (up to 10 s) for the runtime's open handle count to fall to {@code expected}: closed
     * handles are released only once the kernel has reported their last operation.
     *
     * @return the count at the end of the wait
     */
    static int awaitOpenHandles(WeftRuntime runtime, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int count;
        while ((count = runtime.openHandles()) > expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(2);
        }
        return count;
    }

    /**
     * 127.0.0.1, built from its bytes: {@code InetAddress.getLoopbackAddress()} asks
     * NetworkInterface, which crashes the Windows JDK under Wine (an unimplemented iphlpapi call).
     */
    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetSocketAddress anyPort(InetAddress address) {
        return new InetSocketAddress(address, 0);
    }

    // ---- peers ----

    final TcpListener weftListener() throws IOException {
        return track(weft.listen(anyPort(loopback())));
    }

    final ServerSocket jdkListener() throws IOException {
        return track(new ServerSocket(0, 200, loopback()));
    }

    final Socket jdkConnect(SocketAddress remote) throws IOException {
        Socket socket = track(new Socket());
        socket.connect(remote, PEER_READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(PEER_READ_TIMEOUT_MILLIS);
        return socket;
    }

    final Socket jdkAccept(ServerSocket listener) throws IOException {
        listener.setSoTimeout(PEER_READ_TIMEOUT_MILLIS);
        Socket socket = track(listener.accept());
        socket.setSoTimeout(PEER_READ_TIMEOUT_MILLIS);
        return socket;
    }

    final TcpConnection weftConnect(SocketAddress remote) throws IOException {
        return track(weft.connect(remote, Duration.ofSeconds(30)));
    }

    final TcpConnection weftAccept(TcpListener listener) throws IOException {
        return track(listener.accept(Background.PATIENCE));
    }

    /** A weft connection and the java.net socket at its other end. */
    record WeftAndJdk(TcpConnection weft, Socket jdk) {
    }

    /** Two weft connections, one made by connect and one by accept. */
    record WeftPair(TcpConnection client, TcpConnection server) {
    }

    final WeftAndJdk weftClientOfJdkServer() throws IOException {
        ServerSocket server = jdkListener();
        TcpConnection client = weftConnect(server.getLocalSocketAddress());
        return new WeftAndJdk(client, jdkAccept(server));
    }

    final WeftAndJdk weftServerOfJdkClient() throws IOException {
        TcpListener listener = weftListener();
        Socket client = jdkConnect(listener.localAddress());
        return new WeftAndJdk(weftAccept(listener), client);
    }

    final WeftPair weftToWeft() throws IOException {
        TcpListener listener = weftListener();
        TcpConnection client = weftConnect(listener.localAddress());
        return new WeftPair(client, weftAccept(listener));
    }

    /**
     * Starts a thread that writes to {@code conn} until a write throws; with a peer that does not
     * read it soon blocks in {@code write}. Returns once it has stalled (see
     * {@link Background#awaitStalled}).
     */
    static Background.Task<Void> startWriterUntilFailure(TcpConnection conn, java.util.concurrent.atomic.AtomicLong written)
            throws InterruptedException {
        Background.Task<Void> writer = Background.start("writer", () -> {
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                conn.write(chunk, 0, chunk.length);
                written.addAndGet(chunk.length);
            }
        });
        Background.awaitStalled(writer.thread(), written::get);
        return writer;
    }

    /** Resets the connection: with SO_LINGER 0, close sends RST instead of FIN. */
    static void resetClose(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
