package dev.weft.uring;

import dev.weft.core.BackendConfig;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static dev.weft.contract.Background.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The io_uring backend on real loopback sockets, below the public API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringBackendTest {
    // A literal, not InetAddress.getLoopbackAddress(): that call crashes the Windows JDK under Wine,
    // and this class is loaded (then skipped) in the Windows lane.
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private IoUringBackend backend;
    private Arena arena;

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "io_uring is Linux only");
    }

    @BeforeEach
    void open() throws IOException {
        backend = new IoUringBackend(new BackendConfig(2, 256, 1));
        arena = Arena.ofShared();
    }

    @AfterEach
    void close() {
        backend.close();
        assertThat(backend.liveHandles().count()).as("handles left after close").isZero();
        assertThat(backend.registeredOps()).as("ops left registered after close").isZero();
        arena.close();
    }

    private NativeSocket[] connectedPair(NativeListener listener) throws IOException {
        NativeSocket client = backend.openStream(listener.localAddress());
        client.connect(listener.localAddress(), 0);
        NativeSocket server = listener.accept(TimeUnit.SECONDS.toNanos(10));
        return new NativeSocket[] {client, server};
    }

    private void write(NativeSocket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment src = arena.allocate(bytes.length);
        src.copyFrom(MemorySegment.ofArray(bytes));
        socket.writeFully(src);
    }

    private String readSome(NativeSocket socket, long timeoutNanos) throws IOException {
        MemorySegment dst = arena.allocate(1024);
        int n = socket.read(dst, timeoutNanos);
        return n < 0 ? null : new String(dst.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Test
    void ringsAreSetUpPerCompletionThreadAndTornDown() throws IOException {
        assertThat(backend.name()).isEqualTo("io_uring");
        assertThat(backend.ringCount()).isEqualTo(2);
        try (IoUringBackend other = new IoUringBackend(new BackendConfig(3, 8, 1))) {
            assertThat(other.ringCount()).isEqualTo(3);
        }
    }

    @Test
    void echoesAndReadsEndOfStreamAfterShutdownOutput() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            write(pair[0], "hello");
            assertThat(readSome(pair[1], 0)).isEqualTo("hello");
            write(pair[1], "world");
            assertThat(readSome(pair[0], 0)).isEqualTo("world");
            assertThat(pair[1].remoteAddress()).isEqualTo(pair[0].localAddress());
            pair[0].shutdownOutput();
            assertThat(readSome(pair[1], 0)).isNull();
            pair[0].close();
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void largeWriteIsSentCompletelyThroughPartialSends() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            pair[0].setOption(SocketOptionKind.SO_SNDBUF, 4096);
            int size = 8 << 20;
            MemorySegment src = arena.allocate(size);
            for (int i = 0; i < size; i++) {
                src.set(JAVA_BYTE, i, (byte) i);
            }
            CompletableFuture<Void> writer = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    pair[0].writeFully(src);
                    pair[0].shutdownOutput();
                    writer.complete(null);
                } catch (Throwable t) {
                    writer.completeExceptionally(t);
                }
            });
            MemorySegment dst = arena.allocate(65536);
            long total = 0;
            int n;
            while ((n = pair[1].read(dst, 0)) > 0) {
                for (int i = 0; i < n; i++) {
                    assertThat(dst.get(JAVA_BYTE, i)).isEqualTo((byte) (total + i));
                }
                total += n;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(size);
            pair[0].close();
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void readTimeoutCancelsTheRecvAndLeavesTheSocketUsable() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            assertThatThrownBy(() -> readSome(pair[1], TimeUnit.MILLISECONDS.toNanos(50)))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(pair[1].inFlight()).isZero();
            write(pair[0], "after timeout");
            assertThat(readSome(pair[1], TimeUnit.SECONDS.toNanos(10))).isEqualTo("after timeout");
            pair[0].close();
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void closeWakesBlockedReaderAndReleasesOnlyAfterItsCompletion() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            UringSocket server = (UringSocket) pair[1];
            CompletableFuture<Throwable> reader = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    readSome(server, 0);
                    reader.complete(null);
                } catch (Throwable t) {
                    reader.complete(t);
                }
            });
            awaitTrue("recv in flight", () -> server.inFlight() == 1);
            int liveBefore = backend.liveHandles().count();
            server.close();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("closed");
            awaitTrue("release after the recv's CQE", () -> backend.liveHandles().count() == liveBefore - 1);
            pair[0].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void interruptingABlockedReaderClosesTheSocket() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            CompletableFuture<Throwable> reader = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    readSome(pair[1], 0);
                    reader.complete(null);
                } catch (Throwable e) {
                    reader.complete(e);
                }
            });
            awaitTrue("recv in flight", () -> pair[1].inFlight() == 1);
            t.interrupt();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(pair[1].isClosed()).isTrue();
            pair[0].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void backendCloseWakesEveryWaiter() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        NativeSocket[] pair = connectedPair(listener);
        List<CompletableFuture<Throwable>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Throwable> f = new CompletableFuture<>();
            waiters.add(f);
            int which = i;
            Thread.ofVirtual().start(() -> {
                try {
                    switch (which) {
                        case 0 -> readSome(pair[0], 0);
                        case 1 -> readSome(pair[1], 0);
                        default -> listener.accept(0);
                    }
                    f.complete(null);
                } catch (Throwable e) {
                    f.complete(e);
                }
            });
        }
        awaitTrue("reads in flight", () -> pair[0].inFlight() == 1 && pair[1].inFlight() == 1);
        backend.close();
        for (CompletableFuture<Throwable> f : waiters) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void connectToClosedPortIsRefused() throws Exception {
        InetSocketAddress unused;
        NativeListener listener = backend.listen(ANY_LOOPBACK, 1);
        try {
            unused = listener.localAddress();
        } finally {
            listener.close();
        }
        NativeSocket socket = backend.openStream(unused);
        assertThatThrownBy(() -> socket.connect(unused, 0)).isInstanceOf(ConnectException.class);
        assertThat(socket.isClosed()).isTrue();
    }

    @Test
    void bindingABoundPortFailsWithAddressInUse() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 1);
        try {
            assertThatThrownBy(() -> backend.listen(listener.localAddress(), 1))
                    .isInstanceOf(java.net.BindException.class);
        } finally {
            listener.close();
        }
    }

    @Test
    void multishotAcceptPausesWhenTheQueueIsFullAndReArmsWhenTaken() throws Exception {
        NativeListener nl = backend.listen(ANY_LOOPBACK, 200);
        try {
            UringListener listener = (UringListener) nl;
            int clients = 50; // more than the 16 the queue may hold
            List<NativeSocket> connected = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                NativeSocket c = backend.openStream(listener.localAddress());
                c.connect(listener.localAddress(), 0); // completes from the kernel backlog
                connected.add(c);
            }
            awaitTrue("accept paused by backpressure", () -> !listener.armed());
            List<NativeSocket> accepted = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                accepted.add(listener.accept(TimeUnit.SECONDS.toNanos(10)));
            }
            assertThat(listener.rearms()).as("re-arms after the accept ended").isPositive();
            awaitTrue("accept armed again", listener::armed);
            // Every accepted socket is live and distinct: echo one byte through each pair.
            for (int i = 0; i < clients; i++) {
                write(connected.get(i), "x");
            }
            for (NativeSocket s : accepted) {
                assertThat(readSome(s, TimeUnit.SECONDS.toNanos(10))).isEqualTo("x");
                s.close();
            }
            connected.forEach(NativeSocket::close);
        } finally {
            nl.close();
        }
    }

    @Test
    void eachSubmissionGetsItsOwnUserData() throws Exception {
        assertThat(UserData.of(5, 1)).isNotEqualTo(UserData.of(5, 2));
        assertThat(UserData.slot(UserData.of(5, 7))).isEqualTo(5);
        long op = UserData.of(123, -1);
        assertThat(UserData.tag(op)).isEqualTo(UserData.TAG_OP);
        assertThat(UserData.tag(UserData.withTag(op, UserData.TAG_CANCEL))).isEqualTo(UserData.TAG_CANCEL);
        assertThat(UserData.slot(UserData.withTag(op, UserData.TAG_CANCEL))).isEqualTo(123);

        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            // the socket's own read op: observe its user_data across two reads
            long before = -1;
            java.lang.reflect.Field f = dev.weft.core.SocketHandle.class.getDeclaredField("readOp");
            f.setAccessible(true);
            UringOp readOp = (UringOp) f.get(pair[1]);
            MultishotReceiver receiver = ((UringSocket) pair[1]).receiver();
            for (int i = 0; i < 3; i++) {
                write(pair[0], "m");
                assertThat(readSome(pair[1], 0)).isEqualTo("m");
                if (receiver == null) {
                    assertThat(readOp.userData()).isNotEqualTo(before);
                    before = readOp.userData();
                }
            }
            if (receiver != null) {
                // One multishot recv, armed at the first read, serves every read after it.
                assertThat(receiver.arms()).isOne();
            }
            pair[0].close();
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void optionsMapToSetsockopt() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            NativeSocket s = pair[0];
            assertThat(s.getOption(SocketOptionKind.TCP_NODELAY)).isZero();
            s.setOption(SocketOptionKind.TCP_NODELAY, 1);
            assertThat(s.getOption(SocketOptionKind.TCP_NODELAY)).isOne();
            assertThat(s.getOption(SocketOptionKind.SO_LINGER)).isEqualTo(-1);
            s.setOption(SocketOptionKind.SO_LINGER, 5);
            assertThat(s.getOption(SocketOptionKind.SO_LINGER)).isEqualTo(5);
            s.setOption(SocketOptionKind.SO_LINGER, -1);
            assertThat(s.getOption(SocketOptionKind.SO_LINGER)).isEqualTo(-1);
            s.setOption(SocketOptionKind.SO_KEEPALIVE, 1);
            assertThat(s.getOption(SocketOptionKind.SO_KEEPALIVE)).isOne();
            assertThat(pair[1].getOption(SocketOptionKind.SO_RCVBUF)).isPositive();
            pair[0].close();
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void resetByPeerIsReportedAsConnectionReset() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 50);
        try {
            NativeSocket[] pair = connectedPair(listener);
            pair[0].setOption(SocketOptionKind.SO_LINGER, 0);
            pair[0].close(); // RST
            assertThatThrownBy(() -> readSome(pair[1], TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            // Linux reports the reset once and then recv returns 0: it must stay a reset.
            assertThatThrownBy(() -> readSome(pair[1], TimeUnit.SECONDS.toNanos(10)))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            pair[1].close();
        } finally {
            listener.close();
        }
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        NativeListener listener;
        try {
            listener = backend.listen(v6, 50);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback: " + e);
            return;
        }
        NativeListener l = listener;
        try {
            assertThat(l.localAddress().getAddress()).isEqualTo(InetAddress.getByName("::1"));
            NativeSocket[] pair = connectedPair(l);
            write(pair[0], "six");
            assertThat(readSome(pair[1], 0)).isEqualTo("six");
            pair[0].close();
            pair[1].close();
        } finally {
            l.close();
        }
    }

    @Test
    void manyConcurrentConnectionsEchoAcrossBothRings() throws Exception {
        NativeListener listener = backend.listen(ANY_LOOPBACK, 500);
        try {
            int n = 200;
            Thread server = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < n; i++) {
                    try {
                        NativeSocket s = listener.accept(0);
                        Thread.ofVirtual().start(() -> {
                            try (Arena a = Arena.ofConfined()) {
                                MemorySegment buf = a.allocate(256);
                                int r;
                                while ((r = s.read(buf, 0)) > 0) {
                                    s.writeFully(buf.asSlice(0, r));
                                }
                            } catch (IOException ignored) {
                                // client gone
                            } finally {
                                s.close();
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                clients.add(f);
                Thread.ofVirtual().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        NativeSocket c = backend.openStream(listener.localAddress());
                        c.connect(listener.localAddress(), 0);
                        MemorySegment msg = a.allocate(64);
                        MemorySegment in = a.allocate(64);
                        for (int round = 0; round < 20; round++) {
                            msg.fill((byte) round);
                            c.writeFully(msg);
                            int got = 0;
                            while (got < 64) {
                                int r = c.read(in.asSlice(got), 0);
                                assertThat(r).isPositive();
                                got += r;
                            }
                            assertThat(in.mismatch(msg)).isEqualTo(-1);
                        }
                        c.close();
                        f.complete(null);
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            server.join();
        } finally {
            listener.close();
        }
    }
}
