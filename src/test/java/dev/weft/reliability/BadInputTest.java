package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Misuse of every public method the contract suite's BadInputContractTest does not cover, each
 * checked for exception type <em>and</em> message, followed by proof that nothing changed: the
 * connection still echoes, no handle was opened. {@link #badInputsTried} counts the cases.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    static final AtomicInteger badInputsTried = new AtomicInteger();

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    private static void rejects(ThrowingCallable call, Class<? extends Throwable> type, String message) {
        badInputsTried.incrementAndGet();
        assertThatThrownBy(call).isInstanceOf(type).hasMessage(message);
    }

    private static void rejectsStartingWith(ThrowingCallable call, Class<? extends Throwable> type, String prefix) {
        badInputsTried.incrementAndGet();
        assertThatThrownBy(call).isInstanceOf(type).hasMessageStartingWith(prefix);
    }

    private record Pair(TcpConnection client, TcpConnection server) { }

    private Pair pair() throws IOException {
        WeftRuntime weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        TcpConnection client = leaks.track(weft.connect(listener.localAddress(), Duration.ofSeconds(10)));
        return new Pair(client, leaks.track(listener.accept(Duration.ofSeconds(10))));
    }

    /** One byte each way: the connection still works and nothing stray was sent or consumed. */
    private static void assertStillEchoes(Pair p) throws IOException {
        p.client().write(new byte[] {77}, 0, 1);
        byte[] one = new byte[8];
        assertThat(p.server().read(one, 0, 8)).isEqualTo(1);
        assertThat(one[0]).isEqualTo((byte) 77);
        p.server().write(new byte[] {78}, 0, 1);
        assertThat(p.client().read(one, 0, 8)).isEqualTo(1);
        assertThat(one[0]).isEqualTo((byte) 78);
    }

    @Test
    void nullArgumentsNameTheParameter() throws Exception {
        Pair p = pair();
        TcpConnection c = p.client();
        WeftRuntime weft = leaks.runtime();
        rejects(() -> c.read((ByteBuffer) null), NullPointerException.class, "dst");
        rejects(() -> c.read((byte[]) null, 0, 1), NullPointerException.class, "bytes");
        rejects(() -> c.read((ByteBuffer[]) null), NullPointerException.class, "dsts");
        rejects(() -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1), null}), NullPointerException.class, "dsts[1]");
        rejects(() -> c.write((ByteBuffer) null), NullPointerException.class, "src");
        rejects(() -> c.write((byte[]) null, 0, 1), NullPointerException.class, "bytes");
        rejects(() -> c.write((ByteBuffer[]) null, 0, 0), NullPointerException.class, "srcs");
        rejects(() -> c.write(new ByteBuffer[] {null}), NullPointerException.class, "srcs[0]");
        rejects(() -> c.setReadTimeout(null), NullPointerException.class, "timeout");
        rejects(() -> weft.connect(null), NullPointerException.class, "remote address");
        rejects(() -> weft.connect(null, Duration.ZERO), NullPointerException.class, "remote address");
        rejects(() -> weft.connect(p.server().localAddress(), null), NullPointerException.class, "timeout");
        rejects(() -> weft.connect((InetAddress) null, 80), NullPointerException.class, "host");
        rejects(() -> weft.listen(null, 5), NullPointerException.class, "local address");
        rejects(() -> WeftRuntime.builder().backend(null), NullPointerException.class, "name");
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        rejects(() -> listener.accept(null), NullPointerException.class, "timeout");
        assertThat(listener.isClosed()).isFalse();
        assertStillEchoes(p);
    }

    @Test
    void indexAndReadOnlyErrorsSayWhatIsWrong() throws Exception {
        Pair p = pair();
        TcpConnection c = p.client();
        rejects(() -> c.read(new byte[4], 3, 2), IndexOutOfBoundsException.class, "Range [3, 3 + 2) out of bounds for length 4");
        rejects(() -> c.write(new byte[4], -1, 1), IndexOutOfBoundsException.class, "Range [-1, -1 + 1) out of bounds for length 4");
        rejects(() -> c.read(new ByteBuffer[1], 1, 1), IndexOutOfBoundsException.class, "Range [1, 1 + 1) out of bounds for length 1");
        rejects(() -> c.read(ByteBuffer.allocate(4).asReadOnlyBuffer()), IllegalArgumentException.class, "read-only buffer");
        rejects(() -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocateDirect(1).asReadOnlyBuffer()}),
                IllegalArgumentException.class, "read-only buffer at index 1");
        rejects(() -> c.setReadTimeout(Duration.ofNanos(-1)), IllegalArgumentException.class,
                "timeout must not be negative: PT-0.000000001S");
        rejects(() -> c.setReceiveBufferSize(0), IllegalArgumentException.class, "receive buffer size must be positive: 0");
        rejects(() -> c.setSendBufferSize(Integer.MIN_VALUE), IllegalArgumentException.class,
                "send buffer size must be positive: " + Integer.MIN_VALUE);
        assertStillEchoes(p);
    }

    @Test
    void readOnlyAndZeroLengthBuffersAreFineWhereTheyMakeSense() throws Exception {
        Pair p = pair();
        TcpConnection c = p.client();
        // Zero-length calls return 0 at once and send or consume nothing.
        assertThat(c.read(ByteBuffer.allocate(0))).isZero();
        assertThat(c.read(ByteBuffer.allocateDirect(0))).isZero();
        assertThat(c.read(new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.allocateDirect(0)})).isZero();
        assertThat(c.read(new ByteBuffer[0])).isZero();
        assertThat(c.write(ByteBuffer.allocate(0))).isZero();
        assertThat(c.write(new ByteBuffer[] {ByteBuffer.allocate(0)})).isZero();
        assertThat(c.write(new ByteBuffer[0])).isZero();
        c.write(new byte[0], 0, 0);
        assertThat(c.inputStream().read(new byte[0])).isZero();
        c.outputStream().write(new byte[0]);
        badInputsTried.addAndGet(10);
        // A read-only source is a valid write (heap and direct), and its position advances.
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(2).put(new byte[] {4, 5}).flip().asReadOnlyBuffer();
        assertThat(c.write(new ByteBuffer[] {heap, direct})).isEqualTo(5);
        assertThat(heap.hasRemaining() || direct.hasRemaining()).isFalse();
        byte[] got = new byte[5];
        int n = 0;
        while (n < 5) {
            n += p.server().read(got, n, 5 - n);
        }
        assertThat(got).containsExactly(1, 2, 3, 4, 5);
        assertStillEchoes(p);
    }

    @Test
    void everyMethodOfAClosedConnectionSaysSocketClosed() throws Exception {
        Pair p = pair();
        TcpConnection c = p.client();
        c.close();
        List<ThrowingCallable> calls = List.of(
                () -> c.read(new byte[1], 0, 1), () -> c.read(ByteBuffer.allocateDirect(1)),
                () -> c.read(new ByteBuffer[] {ByteBuffer.allocate(1)}), () -> c.write(new byte[1], 0, 1),
                () -> c.write(ByteBuffer.allocateDirect(1)), () -> c.write(new ByteBuffer[] {ByteBuffer.allocate(1)}),
                () -> c.inputStream().read(), () -> c.outputStream().write(new byte[1]), c::shutdownOutput,
                c::localAddress, c::remoteAddress, () -> c.setNoDelay(true), c::noDelay, () -> c.setKeepAlive(true),
                c::keepAlive, () -> c.setReceiveBufferSize(4096), c::receiveBufferSize, () -> c.setSendBufferSize(4096),
                c::sendBufferSize, () -> c.setSoLinger(0), c::soLinger);
        for (ThrowingCallable call : calls) {
            rejects(call, SocketException.class, "Socket closed");
        }
        // Zero-length calls on a closed connection fail too: closed is checked before "nothing to do".
        rejects(() -> c.read(ByteBuffer.allocate(0)), SocketException.class, "Socket closed");
        rejects(() -> c.write(new byte[0], 0, 0), SocketException.class, "Socket closed");
        // Argument errors still come first.
        rejects(() -> c.read((ByteBuffer) null), NullPointerException.class, "dst");
        // Closing again, or through its streams, does nothing; the timeout setting is plain state.
        c.close();
        c.inputStream().close();
        c.outputStream().close();
        c.setReadTimeout(Duration.ofSeconds(1));
        assertThat(c.isOpen()).isFalse();
        // The peer sees an orderly end of stream, and nothing else.
        assertThat(p.server().read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void aClosedRuntimeRefusesNewWorkAndItsObjectsSayClosed() throws Exception {
        WeftRuntime other = leaks.newRuntime();
        TcpListener listener = other.listen(Streams.anyLoopbackPort());
        TcpConnection conn = other.connect(listener.localAddress(), Duration.ofSeconds(10));
        other.close();
        other.close();
        assertThat(other.isClosed()).isTrue();
        rejects(() -> other.listen(Streams.anyLoopbackPort()), IOException.class, "weft runtime is closed");
        rejects(() -> other.connect(listener.localAddress()), IOException.class, "weft runtime is closed");
        rejects(() -> other.connect(Streams.loopback(), 80), IOException.class, "weft runtime is closed");
        rejects(listener::accept, SocketException.class, "Socket closed");
        rejects(() -> conn.read(new byte[1], 0, 1), SocketException.class, "Socket closed");
        rejects(() -> conn.write(new byte[1], 0, 1), SocketException.class, "Socket closed");
        // Argument errors are still reported as such by a closed runtime.
        rejects(() -> other.connect(new InetSocketAddress(Streams.loopback(), 0)), IllegalArgumentException.class,
                "remote port must not be 0: " + new InetSocketAddress(Streams.loopback(), 0));
        assertThat(other.stats().openHandles()).isZero();
        assertThat(listener.localAddress().getPort()).as("a closed listener still tells its address").isPositive();
    }

    @Test
    void builderRejectsNonsenseSettings() {
        rejects(() -> WeftRuntime.builder().completionThreads(0), IllegalArgumentException.class,
                "completionThreads must be at least 1: 0");
        rejects(() -> WeftRuntime.builder().queueDepth(-1), IllegalArgumentException.class,
                "queueDepth must be at least 1: -1");
        rejects(() -> WeftRuntime.builder().acceptsPosted(0), IllegalArgumentException.class,
                "acceptsPosted must be at least 1: 0");
        rejects(() -> WeftRuntime.builder().closeWait(Duration.ZERO), IllegalArgumentException.class,
                "closeWait must be positive: PT0S");
        rejects(() -> WeftRuntime.builder().closeWait(Duration.ofMillis(-5)), IllegalArgumentException.class,
                "closeWait must be positive: PT-0.005S");
        rejects(() -> WeftRuntime.builder().closeWait(null), NullPointerException.class, "wait");
        rejects(() -> WeftRuntime.builder().backend("epoll").open(), IllegalArgumentException.class,
                "unknown backend 'epoll': expected iocp or io_uring");
        String foreign = Streams.isWindows() ? "io_uring" : "iocp";
        rejectsStartingWith(() -> WeftRuntime.builder().backend(foreign).open(), IOException.class,
                "backend " + foreign + " is not available on ");
    }

    @Test
    void addressesThatCannotWorkFailWithTheOsReasonAndOpenNothing() throws Exception {
        WeftRuntime weft = leaks.runtime();
        // Not an address of this machine (TEST-NET-3).
        InetSocketAddress foreign = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7}), 0);
        badInputsTried.incrementAndGet();
        assertThatThrownBy(() -> weft.listen(foreign)).isInstanceOf(BindException.class)
                .hasMessageContaining("Cannot assign requested address");
        // A port in use, with a listener of weft's own.
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        badInputsTried.incrementAndGet();
        assertThatThrownBy(() -> weft.listen(listener.localAddress())).isInstanceOf(BindException.class)
                .hasMessageContaining("Address already in use");
        // A backlog below 1 means the default, not an error.
        leaks.track(weft.listen(Streams.anyLoopbackPort(), -5)).close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (weft.stats().openHandles() > 1 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1); // a closed listener is released when its accept's last completion arrives
        }
        assertThat(weft.stats().openHandles()).as("only the one good listener is open").isEqualTo(1);
        // A timeout too long for nanoseconds means "no timeout", as for java.net.
        TcpConnection conn = leaks.track(weft.connect(listener.localAddress(), Duration.ofSeconds(Long.MAX_VALUE)));
        TcpConnection accepted = leaks.track(listener.accept(Duration.ofSeconds(Long.MAX_VALUE)));
        conn.setReadTimeout(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(conn.readTimeout()).isEqualTo(Duration.ZERO);
        assertStillEchoes(new Pair(conn, accepted));
    }

    @Test
    void concurrentReadersEachGetWholeReadsAndTogetherEveryByteOnce() throws Exception {
        Pair p = pair();
        int bytes = 1 << 20;
        int[] expected = new int[256];
        byte[] payload = new byte[bytes];
        Streams.fill(17, 0, payload, 0, bytes);
        for (byte b : payload) {
            expected[b & 0xFF]++;
        }
        int[] seen = new int[256];
        long total = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> readers = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                readers.add(threads.submit(() -> {
                    int[] histogram = new int[257];
                    byte[] buffer = new byte[1 + (int) (Math.random() * 3000)];
                    int n;
                    while ((n = p.server().read(buffer, 0, buffer.length)) > 0) {
                        for (int i = 0; i < n; i++) {
                            histogram[buffer[i] & 0xFF]++;
                        }
                        histogram[256] += n;
                    }
                    return histogram;
                }));
            }
            p.client().write(payload, 0, bytes);
            p.client().shutdownOutput();
            for (Future<int[]> r : readers) {
                int[] h = r.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 256; i++) {
                    seen[i] += h[i];
                }
                total += h[256];
            }
        }
        badInputsTried.incrementAndGet();
        assertThat(total).as("bytes read by 8 concurrent readers").isEqualTo(bytes);
        assertThat(seen).as("every byte value as often as sent: none lost, none read twice").isEqualTo(expected);
    }
}
