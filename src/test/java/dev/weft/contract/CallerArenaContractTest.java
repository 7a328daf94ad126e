package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Direct buffers whose memory belongs to an arena: the memory must never be touched after it is
 * freed. A shared arena can be closed by any thread while a read or write waits on its memory;
 * the call must then fail with IllegalStateException, and no byte may be written into (or sent
 * from) the freed memory. Those tests' buffers are large, so their memory is unmapped when
 * freed: a write into it would crash the JVM, and a kernel operation on it would fail.
 */
class CallerArenaContractTest extends ContractTestBase {
    /** More than socket buffers hold, and more than one pooled buffer. */
    private static final int LARGE = 4 << 20;
    /**
     * Larger than glibc's largest mmap threshold (32 MiB; Windows' heap maps far smaller blocks
     * on their own too): such memory is unmapped when its arena closes, so a late write into it
     * faults instead of landing unseen in memory that was freed but kept.
     */
    private static final int UNMAPPED_WHEN_FREED = 40 << 20;

    @Test
    void aSharedArenaBufferCarriesEveryByteBothWays() throws Exception {
        WeftPair pair = weftToWeft();
        byte[] payload = Payloads.random(LARGE + 12_345, 21);
        try (Arena arena = Arena.ofShared()) {
            ByteBuffer out = arena.allocate(payload.length).asByteBuffer().put(payload).flip();
            var writer = Background.start("shared-arena-writer", () -> {
                int n = pair.client().write(out);
                pair.client().shutdownOutput();
                return n;
            });
            ByteBuffer in = arena.allocate(payload.length).asByteBuffer();
            while (pair.server().read(in) > 0) {
                if (!in.hasRemaining()) {
                    assertThat(pair.server().read(ByteBuffer.allocate(1))).as("read after the whole payload").isEqualTo(-1);
                    break;
                }
            }
            assertThat(Background.await(writer)).isEqualTo(payload.length);
            byte[] received = new byte[in.flip().remaining()];
            in.get(received);
            Payloads.assertSameBytes(received, payload, "through shared-arena buffers");
        }
    }

    @Test
    void closingTheArenaUnderAWaitingReadFailsTheReadAndKeepsTheConnection() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        TcpConnection conn = pair.weft();
        Arena arena = Arena.ofShared();
        ByteBuffer buffer = arena.allocate(UNMAPPED_WHEN_FREED).asByteBuffer();
        var reader = Background.start("reader-of-closed-arena", () -> conn.read(buffer));
        Background.awaitParked(reader.thread());
        arena.close(); // another thread frees the memory the read waits to fill
        pair.jdk().getOutputStream().write(new byte[] {1, 2, 3});
        assertThat(Background.failureOf(reader))
                .as("a read whose buffer was freed while it waited")
                .isInstanceOf(IllegalStateException.class);

        // the connection is still usable: what the peer sends next arrives intact
        byte[] next = {4, 5, 6, 7};
        pair.jdk().getOutputStream().write(next);
        ByteBuffer fresh = ByteBuffer.allocateDirect(64);
        while (fresh.position() < next.length) {
            assertThat(conn.read(fresh)).isPositive();
        }
        byte[] got = new byte[fresh.flip().remaining()];
        fresh.get(got);
        assertThat(got).as("the bytes sent after the failed read").isEqualTo(next);
    }

    @Test
    void closingTheArenaUnderAWaitingWriteSendsOnlyTheBytesItHeld() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        byte[] payload = Payloads.random(UNMAPPED_WHEN_FREED, 22);
        Arena arena = Arena.ofShared();
        ByteBuffer out = arena.allocate(payload.length).asByteBuffer().put(payload);
        AtomicLong written = new AtomicLong();
        var writer = Background.start("writer-of-closed-arena", () -> {
            while (true) { // until the socket buffers are full and a write waits
                conn.write(out.clear());
                written.addAndGet(payload.length);
            }
        });
        Background.awaitStalled(writer.thread(), written::get);
        arena.close(); // another thread frees the memory the write waits to send
        var drained = Background.start("drain", () -> pair.jdk().getInputStream().readAllBytes());
        assertThat(Background.failureOf(writer))
                .as("a write whose buffer was freed while it waited, after %d bytes", written.get())
                .isInstanceOf(IllegalStateException.class);
        conn.shutdownOutput();
        byte[] received = Background.await(drained);
        assertThat((long) received.length).as("bytes the peer got").isBetween(written.get(), written.get() + payload.length - 1);
        for (int i = 0; i < received.length; i++) {
            if (received[i] != payload[i % payload.length]) {
                throw new AssertionError("byte " + i + " of " + received.length + " is not the buffer's: "
                        + received[i] + " instead of " + payload[i % payload.length]);
            }
        }
    }

    @Test
    void aBufferConfinedToAnotherThreadIsRefused() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        pair.jdk().getOutputStream().write(new byte[] {1, 2, 3});
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer mine = arena.allocate(64).asByteBuffer();
            var other = Background.start("not-the-owner", () -> pair.weft().read(mine));
            assertThat(Background.failureOf(other)).isInstanceOf(WrongThreadException.class);
            var otherWrite = Background.start("not-the-owner", () -> pair.weft().write(mine));
            assertThat(Background.failureOf(otherWrite)).isInstanceOf(WrongThreadException.class);
            // the owner's own read gets the bytes the refused read left alone
            assertThat(pair.weft().read(mine)).isPositive();
            assertThat(mine.get(0)).isEqualTo((byte) 1);
        }
    }

    @Test
    void aConfinedArenaBufferOfTheCallerIsUsedInPlace() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        Socket peer = pair.jdk();
        byte[] payload = Payloads.random(100_000, 23);
        peer.getOutputStream().write(payload);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(payload.length);
            ByteBuffer in = memory.asByteBuffer();
            while (in.hasRemaining()) {
                assertThat(pair.weft().read(in)).isPositive();
            }
            Payloads.assertSameBytes(memory.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), payload,
                    "read into a confined arena's buffer");
            in.flip();
            assertThat(pair.weft().write(in)).isEqualTo(payload.length);
        }
        pair.weft().shutdownOutput();
        InputStream echo = peer.getInputStream();
        Payloads.assertSameBytes(echo.readAllBytes(), payload, "written from a confined arena's buffer");
    }
}
