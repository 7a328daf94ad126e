package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.DatagramEndpoint;
import dev.weft.WeftRuntime;
import dev.weft.reliability.LeakCheck;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The datagram contract: {@link DatagramEndpoint} over real UDP sockets on loopback, on whatever
 * backend the platform has (io_uring natively, IOCP on the Windows JDK under Wine). Payloads are
 * checked byte for byte from 1 byte to the largest datagram each IP version carries; truncation
 * is reported; close and interrupt wake a blocked receive as they do for TCP; bad input gets a
 * clear exception. After every test {@link LeakCheck} proves that the runtime's stats are back at
 * their baseline and (on Linux) that no socket descriptor is left open.
 */
class DatagramContractTest {
    /** The largest UDP payload over IPv4 (65,535 - 20 IP - 8 UDP header bytes). */
    private static final int MAX_IPV4_PAYLOAD = 65_507;
    /** The largest UDP payload over IPv6 without jumbograms (65,535 - 8 UDP header bytes). */
    private static final int MAX_IPV6_PAYLOAD = 65_527;
    private static final int[] SIZES = {1, 2, 64, 1_400, 1_472, 8_192, 32_768, 65_000};

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    private WeftRuntime weft() {
        return leaks.runtime();
    }

    private DatagramEndpoint bind(InetAddress address) throws IOException {
        DatagramEndpoint endpoint = leaks.track(weft().bindDatagram(new InetSocketAddress(address, 0)));
        endpoint.setReadTimeout(Background.PATIENCE); // a lost datagram fails the test, never hangs it
        return endpoint;
    }

    private static InetAddress ipv4() {
        return ContractTestBase.loopback();
    }

    private static InetAddress ipv6OrSkip() throws IOException {
        InetAddress ipv6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(ipv6, 0))) {
            return ipv6;
        } catch (SocketException e) {
            Assumptions.abort("::1 is not available on this host: " + e);
            return null;
        }
    }

    private static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static ByteBuffer buffer(int capacity, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    private static byte[] contents(ByteBuffer filled) {
        ByteBuffer view = filled.duplicate().flip();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    // ---- data ----

    private void exchangeEverySize(InetAddress address, int maxPayload) throws Exception {
        DatagramEndpoint a = bind(address);
        DatagramEndpoint b = bind(address);
        int[] sizes = Arrays.copyOf(SIZES, SIZES.length + 1);
        sizes[SIZES.length] = maxPayload;
        for (int size : sizes) {
            for (boolean direct : new boolean[] {true, false}) {
                byte[] sent = payload(size, size * 31L + (direct ? 1 : 0));
                ByteBuffer out = buffer(size, direct).put(sent).flip();
                assertThat(a.send(out, b.localAddress())).isEqualTo(size);
                assertThat(out.hasRemaining()).isFalse();

                ByteBuffer in = buffer(maxPayload, !direct);
                DatagramEndpoint.Received got = b.receive(in);
                assertThat(got.bytes()).as("bytes of a %d-byte datagram", size).isEqualTo(size);
                assertThat(got.truncated()).isFalse();
                assertThat(got.sender()).isEqualTo(a.localAddress());
                assertThat(in.position()).isEqualTo(size);
                assertThat(contents(in)).as("payload of %d bytes", size).isEqualTo(sent);
            }
        }
    }

    @Test
    void ipv4DatagramsArriveByteForByteFromOneByteToTheLargest() throws Exception {
        exchangeEverySize(ipv4(), MAX_IPV4_PAYLOAD);
    }

    /**
     * One direct buffer reused for every send and one for every receive (weft remembers their
     * segments), at a different window each time and the same window twice in a row: each
     * datagram carries exactly the window it was sent from and lands exactly in the window it
     * was received into.
     */
    @Test
    void reusedDirectBuffersSendAndReceiveTheWindowOfEachCall() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        ByteBuffer out = ByteBuffer.allocateDirect(256);
        ByteBuffer in = ByteBuffer.allocateDirect(256);
        int[][] windows = {{0, 256}, {0, 256}, {10, 70}, {10, 70}, {255, 256}, {100, 101}, {30, 256}};
        for (int step = 0; step < 3 * windows.length; step++) {
            int[] w = windows[step % windows.length];
            byte[] sent = payload(w[1] - w[0], step);
            out.clear().position(w[0]);
            out.put(sent).flip().position(w[0]);
            assertThat(a.send(out, b.localAddress())).isEqualTo(sent.length);

            int[] r = windows[(step + 3) % windows.length];
            int room = r[1] - r[0];
            in.clear();
            for (int i = 0; i < 256; i++) {
                in.put(i, (byte) 0x5A);
            }
            in.position(r[0]).limit(r[1]);
            DatagramEndpoint.Received got = b.receive(in);
            int landed = Math.min(room, sent.length);
            assertThat(got.bytes()).as("bytes of datagram %d", step).isEqualTo(landed);
            assertThat(got.truncated()).as("truncated, datagram %d", step).isEqualTo(sent.length > room);
            assertThat(in.position()).as("position after datagram %d", step).isEqualTo(r[0] + landed);
            in.clear();
            for (int i = 0; i < 256; i++) {
                byte expected = i >= r[0] && i < r[0] + landed ? sent[i - r[0]] : (byte) 0x5A;
                assertThat(in.get(i)).as("byte %d after datagram %d", i, step).isEqualTo(expected);
            }
        }
    }

    @Test
    void ipv6DatagramsArriveByteForByteFromOneByteToTheLargest() throws Exception {
        exchangeEverySize(ipv6OrSkip(), MAX_IPV6_PAYLOAD);
    }

    @Test
    void anEmptyDatagramArrivesAsZeroBytes() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        a.send(ByteBuffer.allocate(0), b.localAddress());
        DatagramEndpoint.Received got = b.receive(ByteBuffer.allocateDirect(16));
        assertThat(got.bytes()).isZero();
        assertThat(got.truncated()).isFalse();
        assertThat(got.sender()).isEqualTo(a.localAddress());
    }

    @Test
    void talksToJdkDatagramSocketBothWays() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        try (DatagramSocket jdk = new DatagramSocket(new InetSocketAddress(ipv4(), 0))) {
            jdk.setSoTimeout((int) Background.PATIENCE.toMillis());
            byte[] toJdk = payload(1_400, 7);
            endpoint.send(ByteBuffer.wrap(toJdk), jdk.getLocalSocketAddress());
            DatagramPacket packet = new DatagramPacket(new byte[2_000], 2_000);
            jdk.receive(packet);
            assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).isEqualTo(toJdk);
            assertThat(packet.getSocketAddress()).isEqualTo(endpoint.localAddress());

            byte[] fromJdk = payload(900, 8);
            jdk.send(new DatagramPacket(fromJdk, fromJdk.length, endpoint.localAddress()));
            ByteBuffer in = ByteBuffer.allocate(2_000);
            DatagramEndpoint.Received got = endpoint.receive(in);
            assertThat(contents(in)).isEqualTo(fromJdk);
            assertThat(got.sender()).isEqualTo(jdk.getLocalSocketAddress());
        }
    }

    @Test
    void aDatagramLargerThanTheBufferIsTruncatedAndReportedNeverSplit() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        byte[] big = payload(1_000, 1);
        byte[] next = payload(10, 2);
        for (boolean direct : new boolean[] {true, false}) {
            a.send(ByteBuffer.wrap(big), b.localAddress());
            a.send(ByteBuffer.wrap(next), b.localAddress());

            ByteBuffer small = buffer(100, direct);
            DatagramEndpoint.Received cut = b.receive(small);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.bytes()).isEqualTo(100);
            assertThat(cut.sender()).isEqualTo(a.localAddress());
            assertThat(contents(small)).isEqualTo(Arrays.copyOf(big, 100));

            ByteBuffer room = buffer(2_000, direct);
            DatagramEndpoint.Received whole = b.receive(room);
            assertThat(whole.truncated()).as("the tail of the cut datagram is not delivered as another").isFalse();
            assertThat(contents(room)).isEqualTo(next);
        }
    }

    @Test
    void aReceiveBlockedBeforeTheDatagramArrivesGetsItAndItsTruncation() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        for (int size : new int[] {10, 1_000}) {
            byte[] sent = payload(size, size);
            // Nothing is waiting yet: the receive parks in the kernel (io_uring RECVMSG, pending
            // WSARecvFrom) and the datagram completes it there.
            var receiver = Background.start("receiver", () -> {
                ByteBuffer in = ByteBuffer.allocateDirect(100);
                DatagramEndpoint.Received got = b.receive(in);
                return new Object[] {got, contents(in)};
            });
            Background.awaitParked(receiver.thread());
            a.send(ByteBuffer.wrap(sent), b.localAddress());
            Object[] result = Background.await(receiver);
            DatagramEndpoint.Received got = (DatagramEndpoint.Received) result[0];
            assertThat(got.sender()).isEqualTo(a.localAddress());
            assertThat(got.truncated()).isEqualTo(size > 100);
            assertThat(got.bytes()).isEqualTo(Math.min(size, 100));
            assertThat((byte[]) result[1]).isEqualTo(Arrays.copyOf(sent, Math.min(size, 100)));
        }
    }

    /**
     * A shared arena can be closed by another thread while a receive waits on its memory: the
     * receive fails with IllegalStateException instead of landing in freed memory (40 MiB, so
     * that it is unmapped when freed), and the endpoint keeps working. Shared-arena buffers
     * otherwise carry datagrams both ways.
     */
    @Test
    void aSharedArenaClosedUnderAWaitingReceiveFailsItAndNothingLandsInFreedMemory() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        byte[] sent = payload(1_000, 77);
        try (Arena arena = Arena.ofShared()) {
            ByteBuffer out = arena.allocate(sent.length).asByteBuffer().put(sent).flip();
            ByteBuffer in = arena.allocate(2_000).asByteBuffer();
            a.send(out, b.localAddress());
            assertThat(b.receive(in).bytes()).isEqualTo(sent.length);
            assertThat(contents(in)).isEqualTo(sent);
        }

        Arena arena = Arena.ofShared();
        ByteBuffer doomed = arena.allocate(40 << 20).asByteBuffer();
        var receiver = Background.start("receiver-of-closed-arena", () -> b.receive(doomed));
        Background.awaitParked(receiver.thread());
        arena.close();
        a.send(ByteBuffer.wrap(sent), b.localAddress());
        assertThat(Background.failureOf(receiver)).isInstanceOf(IllegalStateException.class);

        a.send(ByteBuffer.wrap(sent), b.localAddress());
        ByteBuffer next = ByteBuffer.allocateDirect(2_000);
        assertThat(b.receive(next).bytes()).isEqualTo(sent.length);
        assertThat(contents(next)).isEqualTo(sent);
    }

    @Test
    void manyVirtualThreadsEchoThroughOneSharedEndpoint() throws Exception {
        DatagramEndpoint server = bind(ipv4());
        int workers = 2;
        var echoes = new java.util.ArrayList<Background.Task<Object>>();
        for (int w = 0; w < workers; w++) {
            echoes.add(Background.start("echo-" + w, () -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(2_000);
                try {
                    while (true) {
                        DatagramEndpoint.Received got = server.receive(buffer.clear());
                        server.send(buffer.flip(), got.sender());
                    }
                } catch (SocketException closed) {
                    return null; // the test closed the server
                }
            }));
        }
        int clients = 8;
        int rounds = 200;
        var done = new java.util.ArrayList<Background.Task<Integer>>();
        for (int c = 0; c < clients; c++) {
            DatagramEndpoint client = bind(ipv4());
            int id = c;
            done.add(Background.start("client-" + c, () -> {
                ByteBuffer in = ByteBuffer.allocate(2_000);
                for (int r = 0; r < rounds; r++) {
                    byte[] sent = payload(1 + (id * 131 + r * 17) % 1_400, id * 1_000L + r);
                    client.send(ByteBuffer.wrap(sent), server.localAddress());
                    DatagramEndpoint.Received got = client.receive(in.clear());
                    assertThat(got.sender()).isEqualTo(server.localAddress());
                    assertThat(contents(in)).isEqualTo(sent);
                }
                return rounds;
            }));
        }
        for (var client : done) {
            assertThat(Background.await(client)).isEqualTo(rounds);
        }
        server.close();
        for (var echo : echoes) {
            Background.await(echo);
        }
    }

    // ---- connected ----

    @Test
    void connectedEndpointsReadAndWriteAndHearOnlyTheirPeer() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        DatagramEndpoint stranger = bind(ipv4());
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        assertThat(a.isConnected()).isTrue();
        assertThat(a.peer()).isEqualTo(b.localAddress());

        stranger.send(ByteBuffer.wrap(payload(50, 3)), b.localAddress()); // filtered by b's connect
        byte[] sent = payload(1_200, 4);
        assertThat(a.write(ByteBuffer.wrap(sent))).isEqualTo(sent.length);
        ByteBuffer in = ByteBuffer.allocateDirect(2_000);
        assertThat(b.read(in)).isEqualTo(sent.length);
        assertThat(contents(in)).isEqualTo(sent);

        byte[] reply = payload(30, 5);
        b.send(ByteBuffer.wrap(reply), a.localAddress()); // send to the peer itself is allowed
        ByteBuffer back = ByteBuffer.allocate(100);
        DatagramEndpoint.Received got = a.receive(back);
        assertThat(got.sender()).isEqualTo(b.localAddress());
        assertThat(contents(back)).isEqualTo(reply);
    }

    @Test
    void aDeadPeerDoesNotFailTheNextReceive() throws Exception {
        DatagramEndpoint server = bind(ipv4());
        InetSocketAddress dead;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress(ipv4(), 0))) {
            dead = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        // The ICMP port unreachable this provokes must not fail the receive below (Windows'
        // SIO_UDP_CONNRESET, turned off by weft).
        server.send(ByteBuffer.wrap(new byte[] {1}), dead);
        DatagramEndpoint client = bind(ipv4());
        client.send(ByteBuffer.wrap(new byte[] {2}), server.localAddress());
        ByteBuffer in = ByteBuffer.allocate(8);
        DatagramEndpoint.Received got = server.receive(in);
        assertThat(got.sender()).isEqualTo(client.localAddress());
        assertThat(contents(in)).containsExactly(2);
    }

    // ---- timeouts, close, interrupt ----

    @Test
    void readTimeoutThrowsAndTheEndpointStaysUsable() throws Exception {
        DatagramEndpoint a = bind(ipv4());
        DatagramEndpoint b = bind(ipv4());
        b.setReadTimeout(Duration.ofMillis(100));
        assertThatThrownBy(() -> b.receive(ByteBuffer.allocate(10)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(b.isOpen()).isTrue();
        a.send(ByteBuffer.wrap(new byte[] {42}), b.localAddress());
        b.setReadTimeout(Background.PATIENCE);
        ByteBuffer in = ByteBuffer.allocate(10);
        b.receive(in);
        assertThat(contents(in)).containsExactly(42);
    }

    @Test
    void closeWakesABlockedReceiveWithSocketClosed() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        var receiver = Background.start("receiver", () -> endpoint.receive(ByteBuffer.allocateDirect(100)));
        Background.awaitParked(receiver.thread());
        endpoint.close();
        assertThat(Background.failureOf(receiver))
                .isInstanceOf(SocketException.class).hasMessageContaining("Socket closed");
    }

    @Test
    void interruptWhileBlockedInReceiveClosesTheEndpoint() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        var receiver = Background.start("receiver", () -> {
            try {
                return endpoint.receive(ByteBuffer.allocate(100));
            } finally {
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
            }
        });
        Background.awaitParked(receiver.thread());
        receiver.thread().interrupt();
        assertThat(Background.failureOf(receiver))
                .isInstanceOf(SocketException.class).hasMessage("Closed by interrupt");
        assertThat(endpoint.isOpen()).isFalse();
    }

    @Test
    void aReceiveWithTheInterruptAlreadySetClosesTheEndpoint() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        var receiver = Background.start("receiver", () -> {
            Thread.currentThread().interrupt();
            return endpoint.receive(ByteBuffer.allocate(100));
        });
        assertThat(Background.failureOf(receiver))
                .isInstanceOf(SocketException.class).hasMessage("Closed by interrupt");
        assertThat(endpoint.isOpen()).isFalse();
    }

    @Test
    void runtimeCloseWakesABlockedReceive() throws Exception {
        WeftRuntime own = leaks.newRuntime();
        DatagramEndpoint endpoint = own.bindDatagram(new InetSocketAddress(ipv4(), 0));
        var receiver = Background.start("receiver", () -> endpoint.receive(ByteBuffer.allocateDirect(100)));
        Background.awaitParked(receiver.thread());
        own.close();
        assertThat(Background.failureOf(receiver)).isInstanceOf(SocketException.class);
        assertThat(endpoint.isOpen()).isFalse();
    }

    // ---- options ----

    @Test
    void broadcastAndBufferSizesCanBeSetAndRead() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        assertThat(endpoint.broadcast()).isFalse();
        endpoint.setBroadcast(true);
        assertThat(endpoint.broadcast()).isTrue();
        endpoint.setReceiveBufferSize(256 * 1024);
        endpoint.setSendBufferSize(128 * 1024);
        assertThat(endpoint.receiveBufferSize()).isGreaterThanOrEqualTo(128 * 1024);
        assertThat(endpoint.sendBufferSize()).isGreaterThanOrEqualTo(64 * 1024);
    }

    // ---- bad input ----

    @Test
    void badInputGetsClearExceptions() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        InetSocketAddress self = endpoint.localAddress();
        ByteBuffer one = ByteBuffer.wrap(new byte[] {1});
        assertThatThrownBy(() -> endpoint.receive(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> endpoint.receive(ByteBuffer.allocate(4).asReadOnlyBuffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> endpoint.send(null, self)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> endpoint.send(one, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> endpoint.send(one, InetSocketAddress.createUnresolved("no.such.host.invalid", 9)))
                .isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> endpoint.send(one, new InetSocketAddress(ipv4(), 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        InetSocketAddress ipv6Target = new InetSocketAddress(
                Inet6Address.getByAddress(null, new byte[16], null), 9);
        assertThatThrownBy(() -> endpoint.send(one, ipv6Target))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> endpoint.send(ByteBuffer.allocateDirect(MAX_IPV4_PAYLOAD + 1), self))
                .isInstanceOf(SocketException.class).hasMessageContaining("Message too long");
        assertThatThrownBy(() -> endpoint.send(ByteBuffer.allocate(70_000), self))
                .isInstanceOf(SocketException.class).hasMessageContaining("Message too long");
        assertThatThrownBy(() -> endpoint.read(ByteBuffer.allocate(4))).isInstanceOf(NotYetConnectedException.class);
        assertThatThrownBy(() -> endpoint.write(one)).isInstanceOf(NotYetConnectedException.class);
        assertThatThrownBy(() -> endpoint.setReadTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> endpoint.setReceiveBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weft().bindDatagram(InetSocketAddress.createUnresolved("no.such.host.invalid", 0)))
                .isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> weft().bindDatagram(null)).isInstanceOf(NullPointerException.class);

        // The endpoint still works after all of that.
        endpoint.send(one.rewind(), self);
        ByteBuffer in = ByteBuffer.allocate(4);
        endpoint.receive(in);
        assertThat(contents(in)).containsExactly(1);

        DatagramEndpoint other = bind(ipv4());
        endpoint.connect(other.localAddress());
        assertThatThrownBy(() -> endpoint.send(one.rewind(), self)).isInstanceOf(AlreadyConnectedException.class);
        assertThatThrownBy(() -> endpoint.connect(self)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClosedEndpointRefusesEverythingAndClosesTwiceQuietly() throws Exception {
        DatagramEndpoint endpoint = bind(ipv4());
        InetSocketAddress self = endpoint.localAddress();
        endpoint.close();
        endpoint.close();
        assertThat(endpoint.isOpen()).isFalse();
        assertThatThrownBy(() -> endpoint.receive(ByteBuffer.allocate(4)))
                .isInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThatThrownBy(() -> endpoint.send(ByteBuffer.allocate(4), self))
                .isInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThatThrownBy(endpoint::localAddress).isInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThatThrownBy(() -> endpoint.setBroadcast(true)).isInstanceOf(SocketException.class);
    }

    @Test
    void bindingAPortInUseFailsWithBindException() throws Exception {
        DatagramEndpoint first = bind(ipv4());
        assertThatThrownBy(() -> weft().bindDatagram(first.localAddress()))
                .isInstanceOf(java.net.BindException.class);
    }
}
