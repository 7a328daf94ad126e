package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forced partial sends through the real kernel: the sender's SO_SNDBUF and the receiver's
 * SO_RCVBUF are as small as the OS allows and the receiver reads a few bytes at a time, so a
 * send of up to 256 KiB finds room for only a few KiB and completes partially. weft must
 * resume each partial send at the right offset: the echo comes back byte for byte (checked at
 * every position), and on io_uring the resumed partial sends are counted in
 * {@link WeftStats#partialSendsResumed()}. (Windows completes an overlapped send only when it
 * is whole, so there the count may stay 0; the data check holds on both.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartialSendTest {
    private static final int BYTES = Streams.count("weft.reliability.partialSendBytes", 4 << 20, 1 << 20);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    /** How the sender hands its bytes to weft. */
    enum Style { BYTE_ARRAY, DIRECT_BUFFER, HEAP_BUFFER, GATHERING }

    @ParameterizedTest
    @EnumSource(Style.class)
    void partialSendsDuringChecksummedEchoLoseAndRepeatNoByte(Style style) throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        TcpConnection client = leaks.track(weft.connect(listener.localAddress(), Duration.ofSeconds(10)));
        TcpConnection server = leaks.track(listener.accept(Duration.ofSeconds(10)));
        for (TcpConnection c : new TcpConnection[] {client, server}) {
            c.setSendBufferSize(8 * 1024);
            c.setReceiveBufferSize(128 * 1024);
        }
        long seed = style.ordinal() * 31L + 7;
        long partialBefore = weft.stats().partialSendsResumed();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Long> echo = threads.submit(() -> slowEcho(server, seed));
            Future<Long> send = threads.submit(() -> send(client, style, seed));
            Streams.Verifier verifier = new Streams.Verifier(seed, "echo to " + style);
            byte[] in = new byte[32 * 1024];
            int n;
            while ((n = client.read(in, 0, in.length)) > 0) {
                verifier.accept(in, 0, n);
            }
            assertThat(send.get(100, TimeUnit.SECONDS)).isEqualTo(BYTES);
            assertThat(echo.get(100, TimeUnit.SECONDS)).as("bytes the echo server received").isEqualTo(BYTES);
            assertThat(verifier.position()).as("bytes echoed back, each checked").isEqualTo(BYTES);
        }
        long partial = weft.stats().partialSendsResumed() - partialBefore;
        System.out.printf("[weft reliability] %s: %d bytes echoed, %d partial sends resumed%n", style, BYTES, partial);
        if (weft.backendName().equals("io_uring")) {
            assertThat(partial).as("partial sends resumed (the fault this test injects)").isPositive();
        }
    }

    /** Sends stream {@code seed} in random pieces of up to 256 KiB, then shuts down output. */
    private static long send(TcpConnection conn, Style style, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);
        byte[] piece = new byte[256 * 1024];
        long sent = 0;
        while (sent < BYTES) {
            int length = (int) Math.min(BYTES - sent, 1 + random.nextInt(piece.length));
            Streams.fill(seed, sent, piece, 0, length);
            switch (style) {
                case BYTE_ARRAY -> conn.write(piece, 0, length);
                case DIRECT_BUFFER -> {
                    direct.clear().put(piece, 0, length).flip();
                    assertThat(conn.write(direct)).isEqualTo(length);
                    assertThat(direct.hasRemaining()).isFalse();
                }
                case HEAP_BUFFER -> {
                    ByteBuffer heap = ByteBuffer.wrap(piece, 0, length);
                    assertThat(conn.write(heap)).isEqualTo(length);
                    assertThat(heap.hasRemaining()).isFalse();
                }
                case GATHERING -> {
                    int cut = length / 3;
                    direct.clear().put(piece, cut, length - cut).flip();
                    ByteBuffer[] parts = {ByteBuffer.wrap(piece, 0, cut), direct};
                    assertThat(conn.write(parts)).isEqualTo(length);
                }
            }
            sent += length;
        }
        conn.shutdownOutput();
        return sent;
    }

    /** Reads a few bytes at a time, checks them, and sends them back; returns bytes received. */
    private static long slowEcho(TcpConnection conn, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(~seed);
        Streams.Verifier verifier = new Streams.Verifier(seed, "echo server input");
        byte[] buffer = new byte[4096];
        int n;
        while ((n = conn.read(buffer, 0, 1 + random.nextInt(buffer.length))) > 0) {
            verifier.accept(buffer, 0, n);
            conn.write(buffer, 0, n);
        }
        conn.shutdownOutput();
        return verifier.position();
    }
}
