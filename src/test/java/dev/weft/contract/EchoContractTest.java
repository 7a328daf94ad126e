package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bytes arrive complete and in order, both ways, for every size from 1 byte to 8 MiB, through
 * every way of reading and writing (heap and direct buffers, arrays, streams), with weft on the
 * connecting side, the accepting side, or both.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoContractTest extends ContractTestBase {
    /** Sizes around the pooled-buffer limit (64 KiB) and the usual socket buffer sizes. */
    private static final int[] SIZES = {1, 2, 1000, 65_535, 65_536, 65_537, (1 << 20) + 13, 8 << 20};

    /** Which ends are weft; the others are java.net. */
    enum Ends { WEFT_CLIENT_JDK_SERVER, JDK_CLIENT_WEFT_SERVER, WEFT_CLIENT_WEFT_SERVER }

    static Stream<Arguments> echoCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Ends ends : Ends.values()) {
            for (Duplex.Style style : Duplex.Style.values()) {
                for (int size : SIZES) {
                    cases.add(Arguments.of(size, style, ends));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} bytes, {1}, {2}")
    @MethodSource("echoCases")
    void echoReturnsEveryByteInOrderBothWays(int size, Duplex.Style style, Ends ends) throws Exception {
        byte[] payload = Payloads.random(size, size * 31L + style.ordinal());
        int maxChunk = Math.max(1, Math.min(size, 200_000));
        int readSize = 1 + (size % 70_000);

        Future<Payloads.Tally> echoed;
        Duplex client;
        switch (ends) {
            case WEFT_CLIENT_JDK_SERVER -> {
                ServerSocket server = jdkListener();
                echoed = Background.start("jdk-echo", () ->
                        Transfers.echoUntilEndOfStream(Duplex.over(jdkAccept(server)), 8192));
                client = style.over(weftConnect(server.getLocalSocketAddress()));
            }
            case JDK_CLIENT_WEFT_SERVER -> {
                TcpListener listener = weftListener();
                echoed = Background.start("weft-echo", () ->
                        Transfers.echoUntilEndOfStream(style.over(weftAccept(listener)), readSize));
                client = Duplex.over(jdkConnect(listener.localAddress()));
            }
            case WEFT_CLIENT_WEFT_SERVER -> {
                TcpListener listener = weftListener();
                echoed = Background.start("weft-echo", () ->
                        Transfers.echoUntilEndOfStream(style.over(weftAccept(listener)), 65_536));
                client = style.over(weftConnect(listener.localAddress()));
            }
            default -> throw new AssertionError(ends);
        }

        byte[] received = Transfers.sendAndReceiveToEnd(client, payload, maxChunk, readSize);

        Payloads.Tally atServer = Background.await(echoed);
        assertThat(atServer.bytes()).as("bytes the server received").isEqualTo(size);
        assertThat(atServer.crc()).as("CRC32 of what the server received").isEqualTo(Payloads.crc(payload));
        Payloads.assertSameBytes(received, payload, "echo received by the client");
    }

    @Test
    void gatheringWriteAndScatteringReadKeepTheOrderOfBuffers() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        byte[] payload = Payloads.random(200_000, 7);
        Future<Payloads.Tally> echoed = Background.start("jdk-echo", () ->
                Transfers.echoUntilEndOfStream(Duplex.over(pair.jdk()), 4096));

        ByteBuffer first = ByteBuffer.wrap(payload, 0, 1000);
        ByteBuffer second = ByteBuffer.allocateDirect(100_000).put(payload, 1000, 100_000).flip();
        ByteBuffer third = ByteBuffer.wrap(payload, 101_000, 99_000).slice().asReadOnlyBuffer();
        ByteBuffer[] sources = {ByteBuffer.allocate(0), first, second, third};
        Future<Long> writer = Background.start("gathering-writer", () -> {
            long written = pair.weft().write(sources, 1, 3);
            pair.weft().shutdownOutput();
            return written;
        });

        ByteBuffer[] destinations = {
            ByteBuffer.allocate(5), ByteBuffer.allocateDirect(70_000), ByteBuffer.allocate(129_995)
        };
        long total = 0;
        while (total < payload.length) {
            long n = pair.weft().read(destinations);
            assertThat(n).as("scattering read after %d bytes", total).isPositive();
            total += n;
        }
        assertThat(pair.weft().read(destinations)).as("read with every buffer full").isZero();

        assertThat(Background.await(writer)).as("gathering write's count").isEqualTo(payload.length);
        assertThat(first.hasRemaining() || second.hasRemaining() || third.hasRemaining())
                .as("source buffers left with bytes").isFalse();
        byte[] received = new byte[payload.length];
        int at = 0;
        for (ByteBuffer destination : destinations) {
            destination.flip();
            int n = destination.remaining();
            destination.get(received, at, n);
            at += n;
        }
        Payloads.assertSameBytes(received, payload, "scattered echo");
        assertThat(Background.await(echoed).crc()).isEqualTo(Payloads.crc(payload));
    }

    /**
     * With a small send buffer and a peer that reads slowly in small pieces, one large write
     * completes through many partial sends; every byte must still arrive once and in order.
     */
    @Test
    void oneLargeWriteThroughSmallBuffersToASlowReaderArrivesWhole() throws Exception {
        ServerSocket server = jdkListener();
        server.setReceiveBufferSize(4096);
        TcpConnection conn = weftConnect(server.getLocalSocketAddress());
        conn.setSendBufferSize(4096);
        Socket peer = jdkAccept(server);
        byte[] payload = Payloads.random(3 << 20, 99);
        ByteBuffer direct = ByteBuffer.allocateDirect(payload.length).put(payload).flip();

        Future<Integer> writer = Background.start("one-big-write", () -> {
            int written = conn.write(direct);
            conn.shutdownOutput();
            return written;
        });
        byte[] received = Transfers.readToEnd(Duplex.over(peer), 1000);
        assertThat(Background.await(writer)).isEqualTo(payload.length);
        assertThat(direct.hasRemaining()).as("direct buffer fully consumed").isFalse();
        Payloads.assertSameBytes(received, payload, "one large write");
    }

    @Test
    void readFillsOnlyTheRemainingSpaceOfTheBuffer() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        byte[] payload = Payloads.random(64, 11);
        pair.jdk().getOutputStream().write(payload);

        for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(32), ByteBuffer.allocateDirect(32)}) {
            buffer.put(0, (byte) 0x55).put(31, (byte) 0x66).position(1).limit(31);
            int n = 0;
            while (buffer.hasRemaining()) {
                n += pair.weft().read(buffer);
            }
            assertThat(n).isEqualTo(30);
            assertThat(buffer.position()).isEqualTo(31);
            assertThat(buffer.get(0)).as("byte before the position").isEqualTo((byte) 0x55);
            assertThat(buffer.limit(32).get(31)).as("byte past the limit").isEqualTo((byte) 0x66);
        }
        byte[] rest = new byte[4];
        assertThat(pair.weft().read(rest, 0, 4)).isPositive();
    }

    /**
     * A loop that keeps passing the same buffer or array (weft remembers its segment) must still
     * get each read at the window asked for this time: the same window twice, then others, then
     * another buffer and back, for direct buffers, heap buffers and arrays.
     */
    @Test
    void readsIntoReusedBuffersLandInTheWindowOfEachCall() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        byte[] payload = Payloads.random(20_000, 17);
        Future<Void> writer = Background.start("jdk-writer", () -> {
            for (int at = 0; at < payload.length; at += 700) {
                pair.jdk().getOutputStream().write(payload, at, Math.min(700, payload.length - at));
            }
            return null;
        });
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        ByteBuffer otherDirect = ByteBuffer.allocateDirect(64);
        ByteBuffer heap = ByteBuffer.allocate(64);
        byte[] array = new byte[64];
        int[][] windows = {{0, 64}, {0, 64}, {5, 40}, {5, 40}, {0, 64}, {63, 64}, {10, 11}, {20, 64}};
        int received = 0;
        for (int step = 0; received < payload.length; step++) {
            int[] w = windows[step % windows.length];
            int from = w[0];
            int to = Math.min(w[1], from + payload.length - received); // never read past the payload
            byte[] seen = new byte[64];
            int n;
            switch ((step / 3) % 4) {
                case 0, 1 -> {
                    ByteBuffer b = (step / 3) % 4 == 0 ? direct : (step % 2 == 0 ? otherDirect : heap);
                    b.clear();
                    for (int i = 0; i < 64; i++) {
                        b.put(i, (byte) 0x5A);
                    }
                    b.position(from).limit(to);
                    n = pair.weft().read(b);
                    assertThat(b.position()).as("position after step %d", step).isEqualTo(from + n);
                    b.clear().get(seen);
                }
                default -> {
                    java.util.Arrays.fill(array, (byte) 0x5A);
                    n = pair.weft().read(array, from, to - from);
                    System.arraycopy(array, 0, seen, 0, 64);
                }
            }
            assertThat(n).as("bytes read at step %d", step).isBetween(1, to - from);
            for (int i = 0; i < 64; i++) {
                byte expected = i >= from && i < from + n ? payload[received + i - from] : (byte) 0x5A;
                assertThat(seen[i]).as("byte %d after step %d (window %d..%d, %d read)", i, step, from, to, n)
                        .isEqualTo(expected);
            }
            received += n;
        }
        Background.await(writer);
    }

    /** The same for writes: a reused buffer or array sends the window of each call, in order. */
    @Test
    void writesFromReusedBuffersSendTheWindowOfEachCall() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        byte[] payload = Payloads.random(6_000, 23);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        ByteBuffer heap = ByteBuffer.allocate(64);
        byte[] array = new byte[64];
        int[][] windows = {{0, 64}, {0, 64}, {7, 30}, {7, 30}, {63, 64}, {0, 1}, {12, 64}};
        Future<Void> writer = Background.start("weft-writer", () -> {
            int sent = 0;
            for (int step = 0; sent < payload.length; step++) {
                int[] w = windows[step % windows.length];
                int from = w[0];
                int to = Math.min(w[1], from + payload.length - sent);
                switch ((step / 3) % 3) { // three calls in a row with each
                    case 0, 1 -> {
                        ByteBuffer b = (step / 3) % 3 == 0 ? direct : heap;
                        b.clear().position(from);
                        b.put(payload, sent, to - from).flip().position(from);
                        assertThat(pair.weft().write(b)).isEqualTo(to - from);
                    }
                    default -> {
                        System.arraycopy(payload, sent, array, from, to - from);
                        pair.weft().write(array, from, to - from);
                    }
                }
                sent += to - from;
            }
            pair.weft().shutdownOutput();
            return null;
        });
        byte[] received = Transfers.readToEnd(Duplex.over(pair.jdk()), 500);
        Background.await(writer);
        Payloads.assertSameBytes(received, payload, "writes from reused buffers");
    }

    /** Memory freed under a buffer (its arena closed) is refused, never handed to the kernel. */
    @Test
    void aBufferWhoseArenaIsClosedIsRefused() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        pair.jdk().getOutputStream().write(new byte[] {1, 2, 3});
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
        ByteBuffer buffer = arena.allocate(64).asByteBuffer();
        assertThat(pair.weft().read(buffer)).isPositive();
        arena.close();
        pair.jdk().getOutputStream().write(new byte[] {4, 5, 6}); // a read would not wait
        buffer.clear();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pair.weft().read(buffer))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pair.weft().write(buffer))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void singleByteStreamReadsAndWritesRoundTripEveryByteValue() throws Exception {
        WeftPair pair = weftToWeft();
        TcpConnection client = pair.client();
        Future<Void> writer = Background.start("byte-writer", () -> {
            for (int b = 0; b < 256; b++) {
                client.outputStream().write(b);
            }
            client.shutdownOutput();
            return null;
        });
        var in = pair.server().inputStream();
        for (int b = 0; b < 256; b++) {
            assertThat(in.read()).as("byte %d", b).isEqualTo(b);
        }
        assertThat(in.read()).as("read() at end of stream").isEqualTo(-1);
        Background.await(writer);
    }

    @Test
    void zeroLengthReadsAndWritesReturnAtOnceAndSendNothing() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        assertThat(conn.read(new byte[4], 2, 0)).isZero();
        assertThat(conn.read(ByteBuffer.allocate(0))).isZero();
        assertThat(conn.read(ByteBuffer.allocateDirect(8).position(8))).isZero();
        conn.write(new byte[4], 1, 0);
        assertThat(conn.write(ByteBuffer.allocate(0))).isZero();
        conn.write(new byte[] {42}, 0, 1);
        conn.shutdownOutput();
        Socket peer = pair.jdk();
        assertThat(peer.getInputStream().readAllBytes()).containsExactly(42);
    }
}
