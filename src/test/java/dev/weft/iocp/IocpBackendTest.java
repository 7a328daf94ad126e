package dev.weft.iocp;

import static dev.weft.contract.Background.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.BackendConfig;
import dev.weft.core.NativeDatagram;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The IOCP backend driven directly (below the public API), on a Windows JVM. Each data-path
 * test runs with the skip-completion-port-on-success fast path on and off, so both ways an
 * operation can finish (inline by the submitter, or by a completion packet) are exercised.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IocpBackendTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * Not InetAddress.getLoopbackAddress(): on the Windows JDK under Wine it crashes the JVM
     * (NetworkInterface.boundInetAddress0 raises a delay-load exception, 0xc06d007f).
     */
    private static final InetAddress LOOPBACK = ipv4Loopback();

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Arena arena = Arena.ofShared();

    @BeforeAll
    static void onlyOnWindows() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Windows"), "IOCP needs Windows");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS), "test threads still running");
        arena.close();
    }

    private IocpBackend backend(boolean skip, int acceptsPosted) throws IOException {
        String before = System.getProperty(IocpBackend.SKIP_PROPERTY);
        // "always": the fast path is tested even where a non-IFS provider keeps it off by default (Wine)
        System.setProperty(IocpBackend.SKIP_PROPERTY, skip ? "always" : "false");
        try {
            IocpBackend backend = new IocpBackend(new BackendConfig(2, 64, acceptsPosted));
            toClose.add(backend);
            return backend;
        } finally {
            if (before == null) {
                System.clearProperty(IocpBackend.SKIP_PROPERTY);
            } else {
                System.setProperty(IocpBackend.SKIP_PROPERTY, before);
            }
        }
    }

    private <T> Future<T> async(Callable<T> task) {
        return threads.submit(task);
    }

    private static <T> T get(Future<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A connected pair: [client, server]. */
    private NativeSocket[] pair(IocpBackend backend, NativeListener listener) throws Exception {
        InetSocketAddress address = listener.localAddress();
        Future<NativeSocket> accepted = async(() -> listener.accept(0));
        NativeSocket client = backend.openStream(address);
        client.connect(address, 10 * SECOND);
        NativeSocket server = get(accepted);
        return new NativeSocket[] {client, server};
    }

    private static byte[] readExactly(NativeSocket socket, int length, Arena arena) throws IOException {
        MemorySegment buffer = arena.allocate(64 * 1024);
        byte[] out = new byte[length];
        int filled = 0;
        while (filled < length) {
            int n = socket.read(buffer.asSlice(0, Math.min(buffer.byteSize(), length - filled)), 0);
            if (n < 0) {
                throw new IOException("EOF after " + filled + " of " + length);
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    private MemorySegment native_(byte[] bytes) {
        MemorySegment m = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return m.asSlice(0, bytes.length);
    }

    @ParameterizedTest(name = "skipOnSuccess={0}")
    @ValueSource(booleans = {true, false})
    void echoesOverIpv4Loopback(boolean skip) throws Exception {
        IocpBackend backend = backend(skip, 4);
        NativeListener listener = backend.listen(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        NativeSocket[] p = pair(backend, listener);
        assertEquals(listener.localAddress(), p[0].remoteAddress());
        assertEquals(p[0].localAddress(), p[1].remoteAddress());

        byte[] message = new byte[1 << 20];
        new Random(42).nextBytes(message);
        Future<Void> echo = async(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buffer = a.allocate(32 * 1024);
                int n;
                while ((n = p[1].read(buffer, 0)) > 0) {
                    p[1].writeFully(buffer.asSlice(0, n));
                }
            }
            p[1].shutdownOutput();
            return null;
        });
        Future<byte[]> received = async(() -> {
            try (Arena a = Arena.ofConfined()) {
                return readExactly(p[0], message.length, a);
            }
        });
        p[0].writeFully(native_(message));
        assertArrayEquals(message, get(received));
        p[0].shutdownOutput();
        get(echo);
        try (Arena a = Arena.ofConfined()) {
            assertEquals(-1, p[0].read(a.allocate(16), 0), "EOF after the peer's shutdown");
        }
        p[0].close();
        p[1].close();
        listener.close();
        assertTrue(backend.liveHandles().awaitReleased(10, TimeUnit.SECONDS));
    }

    /**
     * Every operation finishes exactly once: inline by its submitter (only in skip mode) or by
     * one packet. Small ping-pong messages make sends complete at once, so skip mode must show
     * inline completions, and the packet count must account for every other operation.
     */
    @ParameterizedTest(name = "skipOnSuccess={0}")
    @ValueSource(booleans = {true, false})
    void eachOperationFinishesOnceInlineOrByPacket(boolean skip) throws Exception {
        IocpBackend backend = backend(skip, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        assertEquals(skip, ((IocpSocket) p[0]).skipsCompletionPortOnSuccess(), "mode took effect on the client");
        assertEquals(skip, ((IocpSocket) p[1]).skipsCompletionPortOnSuccess(), "mode took effect on the accepted");
        long inline0 = backend.completedInline();
        long packets0 = backend.packetsDequeued();
        int rounds = 200;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(1);
            for (int i = 0; i < rounds; i++) {
                one.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
                p[0].writeFully(one);
                assertEquals((byte) i, readExactly(p[1], 1, a)[0]);
                p[1].writeFully(one);
                assertEquals((byte) i, readExactly(p[0], 1, a)[0]);
            }
        }
        long operations = 4L * rounds;
        long inline = backend.completedInline() - inline0;
        long deadline = System.nanoTime() + 5 * SECOND;
        while (inline + backend.packetsDequeued() - packets0 < operations && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the packet counter is bumped after the waiter was unparked
        }
        long packets = backend.packetsDequeued() - packets0;
        System.err.printf("skipOnSuccess=%s: %d operations, %d inline, %d packets%n", skip, operations, inline, packets);
        if (skip) {
            assertTrue(inline > 0, "skip mode finished nothing inline");
        } else {
            assertEquals(0, inline);
        }
        assertEquals(operations, inline + packets, "inline + packets");
        assertEquals(0, backend.dispatchFailures());
    }

    @Test
    void echoesOverIpv6Loopback() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener;
        try {
            listener = backend.listen(new InetSocketAddress(InetAddress.getByName("::1"), 0), 50);
        } catch (IOException noIpv6) {
            Assumptions.abort("no IPv6 loopback here: " + noIpv6);
            return;
        }
        NativeSocket[] p = pair(backend, listener);
        p[0].writeFully(native_("hello over v6".getBytes()));
        try (Arena a = Arena.ofConfined()) {
            assertEquals("hello over v6", new String(readExactly(p[1], 13, a)));
        }
        assertEquals(InetAddress.getByName("::1"), p[1].remoteAddress().getAddress());
    }

    @ParameterizedTest(name = "skipOnSuccess={0}")
    @ValueSource(booleans = {true, false})
    void acceptsManyMoreConnectionsThanAcceptsPosted(boolean skip) throws Exception {
        IocpBackend backend = backend(skip, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 200);
        int connections = 40;
        List<Future<NativeSocket>> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(async(() -> {
                NativeSocket c = backend.openStream(listener.localAddress());
                c.connect(listener.localAddress(), 10 * SECOND);
                return c;
            }));
        }
        List<NativeSocket> accepted = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            accepted.add(listener.accept(10 * SECOND));
        }
        for (int i = 0; i < connections; i++) {
            NativeSocket c = get(clients.get(i));
            c.writeFully(native_(new byte[] {(byte) i}));
        }
        // every accepted socket works: each receives the one byte its client sent
        boolean[] seen = new boolean[connections];
        try (Arena a = Arena.ofConfined()) {
            for (NativeSocket s : accepted) {
                seen[readExactly(s, 1, a)[0]] = true;
            }
        }
        for (boolean b : seen) {
            assertTrue(b);
        }
        // The op that took the last connection reposts (enters) before it exits: a completion
        // thread can still be between the two when the bytes have arrived.
        IocpListener posting = (IocpListener) listener;
        awaitTrue("both AcceptEx reposted, the last completion finished", () -> posting.posted() <= 2);
        assertEquals(2, posting.posted(), "both AcceptEx reposted");
    }

    /**
     * The runtime's close frees the op table once no context is in use; a listen, datagram or
     * connection created just after that (it passed the backend's open check first) must say
     * the backend is closed, close its socket and leave no handle for anyone to wait on. The
     * table is closed here directly, which is the state such a creation meets.
     */
    @Test
    void creationsThatLoseTheRaceWithTheRuntimeCloseSaySoAndCloseTheirSocket() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        int liveBefore = backend.liveHandles().count();
        listener.close();
        assertTrue(backend.liveHandles().awaitReleased(10, TimeUnit.SECONDS));
        assertTrue(backend.opTable().closeWhenUnused(0), "op table closed (no context in use)");

        int tcpPort = freePort();
        IOException listen = assertThrows(IOException.class,
                () -> backend.listen(new InetSocketAddress(LOOPBACK, tcpPort), 50));
        assertEquals("weft iocp backend is closed", listen.getMessage());
        try (java.net.ServerSocket again = new java.net.ServerSocket(tcpPort, 50, LOOPBACK)) {
            assertEquals(tcpPort, again.getLocalPort(), "the refused listener's socket was closed");
        }

        int udpPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, LOOPBACK)) {
            udpPort = probe.getLocalPort();
        }
        IOException datagram = assertThrows(IOException.class,
                () -> backend.openDatagram(new InetSocketAddress(LOOPBACK, udpPort)));
        assertEquals("weft iocp backend is closed", datagram.getMessage());
        try (java.net.DatagramSocket again = new java.net.DatagramSocket(udpPort, LOOPBACK)) {
            assertEquals(udpPort, again.getLocalPort(), "the refused datagram socket was closed");
        }

        try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 50, LOOPBACK)) {
            IOException stream = assertThrows(IOException.class,
                    () -> backend.openStream(new InetSocketAddress(LOOPBACK, peer.getLocalPort())));
            assertEquals("weft iocp backend is closed", stream.getMessage());
        }
        assertEquals(liveBefore - 1, backend.liveHandles().count(), "no half-built handle left behind");
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    @ParameterizedTest(name = "skipOnSuccess={0}")
    @ValueSource(booleans = {true, false})
    void readTimeoutCancelsTheRecvAndTheConnectionStaysUsable(boolean skip) throws Exception {
        IocpBackend backend = backend(skip, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocate(16);
            assertThrows(SocketTimeoutException.class, () -> p[1].read(buffer, SECOND / 5));
            assertFalse(p[1].isClosed());
            p[0].writeFully(native_("after".getBytes()));
            assertEquals("after", new String(readExactly(p[1], 5, a)));
        }
        assertEquals(0, p[1].inFlight());
    }

    @ParameterizedTest(name = "skipOnSuccess={0}")
    @ValueSource(booleans = {true, false})
    void closeWakesABlockedReaderAndReleasesAfterTheCompletion(boolean skip) throws Exception {
        IocpBackend backend = backend(skip, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        Future<Integer> reader = async(() -> {
            try (Arena a = Arena.ofConfined()) {
                return p[1].read(a.allocate(16), 0);
            }
        });
        while (p[1].inFlight() == 0) {
            Thread.onSpinWait();
        }
        Thread.sleep(50); // let the WSARecv be posted (inFlight counts from enter())
        p[1].close();
        SocketException e = assertThrows(SocketException.class, () -> get(reader));
        assertEquals("Socket closed", e.getMessage());
        assertEquals(0, p[1].inFlight());
        p[0].close();
        listener.close();
        assertTrue(backend.liveHandles().awaitReleased(10, TimeUnit.SECONDS));
    }

    @Test
    void closingTheListenerWakesAnAcceptAndCancelsEveryAcceptEx() throws Exception {
        IocpBackend backend = backend(true, 4);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        assertEquals(4, ((IocpListener) listener).posted());
        Future<NativeSocket> accept = async(() -> listener.accept(0));
        Thread.sleep(50);
        listener.close();
        assertThrows(SocketException.class, () -> get(accept));
        assertTrue(backend.liveHandles().awaitReleased(10, TimeUnit.SECONDS), "AcceptEx completions consumed");
    }

    @Test
    void backendCloseWithOperationsInFlightWakesEveryone() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        Future<Integer> r0 = async(() -> {
            try (Arena a = Arena.ofConfined()) {
                return p[0].read(a.allocate(16), 0);
            }
        });
        Future<Integer> r1 = async(() -> {
            try (Arena a = Arena.ofConfined()) {
                return p[1].read(a.allocate(16), 0);
            }
        });
        Future<NativeSocket> accept = async(() -> listener.accept(0));
        Thread.sleep(100);
        backend.close();
        assertThrows(SocketException.class, () -> get(r0));
        assertThrows(SocketException.class, () -> get(r1));
        assertThrows(SocketException.class, () -> get(accept));
        assertEquals(0, backend.liveHandles().count());
        assertThrows(IOException.class, () -> backend.openStream(listener.localAddress()));
    }

    @Test
    void aParkedDatagramReceiveIsDescribedWithItsSocketAndPendingOverlapped() throws Exception {
        IocpBackend backend = backend(false, 2);
        NativeDatagram datagram = backend.openDatagram(new InetSocketAddress(LOOPBACK, 0));
        toClose.add(datagram::close);
        Future<NativeDatagram.Received> received = async(() -> datagram.receive(arena.allocate(64), 0));
        DatagramOp op = ((IocpDatagram) datagram).receiver();
        // 0x103 is STATUS_PENDING: the kernel owns the OVERLAPPED the report points at
        awaitTrue("the receive pending in the kernel",
                () -> op.isInFlight() && op.describeInFlight().endsWith("status 0x103"));
        String described = op.describeInFlight();
        assertTrue(described.startsWith("datagram socket 0x") && described.contains("OVERLAPPED at 0x")
                && described.contains("(slot "), described);
        datagram.close();
        assertThrows(IOException.class, () -> get(received));
    }

    /**
     * A reset must surface as "Connection reset", never as end of stream. Real Windows fails the
     * pending WSARecv with WSAECONNRESET. Wine (8.0, Debian) instead completes it successfully
     * with 0 bytes, for the JDK's own sockets too, so under Wine the read side cannot tell and
     * the test proves the reset on the write side, where Wine does report it.
     */
    @Test
    void peerResetIsAnErrorNotEndOfStream() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        p[0].setOption(SocketOptionKind.SO_LINGER, 0);
        assertEquals(0, p[0].getOption(SocketOptionKind.SO_LINGER));
        p[0].close(); // linger 0: RST
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buffer = a.allocate(1024);
            if (!runningOnWine()) {
                SocketException e = assertThrows(SocketException.class, () -> p[1].read(buffer, 10 * SECOND));
                assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
            }
            long deadline = System.nanoTime() + 10 * SECOND;
            SocketException e = assertThrows(SocketException.class, () -> {
                while (System.nanoTime() < deadline) {
                    p[1].writeFully(buffer);
                }
            });
            assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
        }
    }

    /** Wine's ntdll exports wine_get_version; Windows' does not. */
    static boolean runningOnWine() {
        try {
            return java.lang.foreign.SymbolLookup.libraryLookup("ntdll", Arena.global())
                    .find("wine_get_version").isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void connectToAClosedPortIsRefused() throws Exception {
        IocpBackend backend = backend(true, 2);
        // The port stays bound, not listening, for the whole test. A port merely freed could be
        // handed to the client's own implicit bind, and a loopback connect from a port to itself
        // succeeds (a TCP self-connect): CI once saw this test pass no exception under Wine.
        try (java.net.Socket holder = new java.net.Socket()) {
            holder.bind(new InetSocketAddress(LOOPBACK, 0));
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, holder.getLocalPort());
            NativeSocket client = backend.openStream(address);
            assertThrows(ConnectException.class, () -> client.connect(address, 10 * SECOND));
            assertTrue(client.isClosed(), "a failed connect closes the socket");
        }
    }

    @Test
    void optionsRoundTrip() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        NativeSocket[] p = pair(backend, listener);
        p[0].setOption(SocketOptionKind.TCP_NODELAY, 1);
        assertEquals(1, p[0].getOption(SocketOptionKind.TCP_NODELAY));
        p[0].setOption(SocketOptionKind.SO_KEEPALIVE, 1);
        assertEquals(1, p[0].getOption(SocketOptionKind.SO_KEEPALIVE));
        p[0].setOption(SocketOptionKind.SO_RCVBUF, 65536);
        assertEquals(65536, p[0].getOption(SocketOptionKind.SO_RCVBUF));
        p[0].setOption(SocketOptionKind.SO_LINGER, -1);
        assertEquals(-1, p[0].getOption(SocketOptionKind.SO_LINGER));
    }

    @Test
    void aSecondListenerOnTheSamePortIsRefused() throws Exception {
        IocpBackend backend = backend(true, 2);
        NativeListener listener = backend.listen(new InetSocketAddress(LOOPBACK, 0), 50);
        assertThrows(java.net.BindException.class, () -> backend.listen(listener.localAddress(), 50));
    }
}
