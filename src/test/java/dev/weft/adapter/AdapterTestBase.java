package dev.weft.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftRuntime;
import dev.weft.WeftServerSocketFactory;
import dev.weft.WeftSocketFactory;
import dev.weft.contract.Background;
import dev.weft.contract.Background.Task;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the java.net adapter tests share: a runtime per test, weft sockets made through the
 * factories (as libraries make them), background virtual threads whose waits fail instead of
 * hanging, and a cleanup that closes everything and checks that no native handle is left.
 * Nothing here names a backend: the same classes run on io_uring and on IOCP under Wine.
 */
abstract class AdapterTestBase {
    static final Duration PATIENCE = Background.PATIENCE;

    WeftRuntime weft;
    WeftSocketFactory sockets;
    WeftServerSocketFactory serverSockets;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @BeforeEach
    final void openRuntime() throws IOException {
        weft = WeftRuntime.open();
        sockets = new WeftSocketFactory(weft);
        serverSockets = new WeftServerSocketFactory(weft);
    }

    @AfterEach
    final void closeEverythingAndCheckForLeaks() throws Exception {
        try {
            AutoCloseable resource;
            while ((resource = pollLast()) != null) {
                resource.close();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (weft.openHandles() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(2); // closed handles are released when the kernel reports their last op
            }
            assertThat(weft.openHandles()).as("native handles left after the test closed everything").isZero();
        } finally {
            weft.close();
        }
    }

    private synchronized AutoCloseable pollLast() {
        return opened.pollLast();
    }

    synchronized <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    /** 127.0.0.1 from its bytes: getLoopbackAddress crashes the Windows JDK under Wine. */
    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    ServerSocket weftServer() throws IOException {
        return track(serverSockets.createServerSocket(0, 50, loopback()));
    }

    Socket weftClient(ServerSocket server) throws IOException {
        Socket socket = track(sockets.createSocket(loopback(), server.getLocalPort()));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }

    Socket accept(ServerSocket server) throws IOException {
        server.setSoTimeout((int) PATIENCE.toMillis());
        Socket socket = track(server.accept());
        socket.setSoTimeout((int) PATIENCE.toMillis());
        return socket;
    }

    /** A connected pair: a weft client and the weft socket its server accepted. */
    record Pair(Socket client, Socket accepted) {
    }

    Pair connectedPair() throws Exception {
        ServerSocket server = weftServer();
        Future<Socket> accepted = background("accept", () -> accept(server));
        Socket client = weftClient(server);
        return new Pair(client, await(accepted));
    }

    static InetSocketAddress addressOf(ServerSocket server) {
        return new InetSocketAddress(loopback(), server.getLocalPort());
    }

    // ---- background work: the contract suite's helpers ----

    static <T> Task<T> background(String name, Callable<T> work) {
        return Background.start(name, work);
    }

    static <T> T await(Future<T> future) throws Exception {
        return Background.await(future);
    }

    /** The exception {@code future}'s task ended with; fails if it returned normally. */
    static Throwable failureOf(Future<?> future) throws Exception {
        return Background.failureOf(future);
    }

    static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }
}
