package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A read timeout throws SocketTimeoutException and leaves the connection usable: no byte that
 * raced with the timeout is lost or reordered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadTimeoutContractTest extends ContractTestBase {

    @Test
    void readTimeoutThrowsAndTheNextReadGetsEveryByteInOrder() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        Duration timeout = Duration.ofMillis(200);
        conn.setReadTimeout(timeout);

        long start = System.nanoTime();
        assertThatThrownBy(() -> conn.read(new byte[100], 0, 100)).isInstanceOf(SocketTimeoutException.class);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("time a timed-out read waited").isGreaterThanOrEqualTo(timeout.minusMillis(20));
        assertThat(conn.isOpen()).as("connection open after a read timeout").isTrue();

        byte[] payload = Payloads.random(100_000, 3);
        pair.jdk().getOutputStream().write(payload);
        conn.setReadTimeout(Duration.ofSeconds(20));
        byte[] received = Transfers.readExactly(Duplex.Style.BYTE_ARRAY.over(conn), payload.length);
        Payloads.assertSameBytes(received, payload, "bytes after the timeout");

        conn.write(new byte[] {77}, 0, 1);
        assertThat(pair.jdk().getInputStream().read()).as("the connection still writes").isEqualTo(77);
    }

    @Test
    void readTimeoutRoundTripsAndZeroMeansWaitForever() throws Exception {
        WeftPair pair = weftToWeft();
        TcpConnection conn = pair.client();
        assertThat(conn.readTimeout()).as("default read timeout").isEqualTo(Duration.ZERO);
        conn.setReadTimeout(Duration.ofMillis(250));
        assertThat(conn.readTimeout()).isEqualTo(Duration.ofMillis(250));
        conn.setReadTimeout(Duration.ZERO);
        assertThat(conn.readTimeout()).isEqualTo(Duration.ZERO);

        Background.Task<Integer> reader = Background.start("reader", () -> conn.read(new byte[4], 0, 4)).awaitParked();
        pair.server().write(new byte[] {1, 2}, 0, 2);
        assertThat(Background.await(reader)).isEqualTo(2);
    }

    static Stream<Arguments> stormCases() {
        return Stream.of(Duplex.Style.values()).flatMap(style ->
                Stream.of(Arguments.of(style, "jdk"), Arguments.of(style, "weft")));
    }

    /**
     * The sender pauses at random between small chunks while the reader uses a 1 ms timeout, so
     * timeouts fire while data is arriving; every few chunks the sender also waits for a timeout,
     * so timeouts certainly happen. The checksummed stream must arrive intact.
     */
    @ParameterizedTest(name = "[{index}] {0}, sender {1}")
    @MethodSource("stormCases")
    void manyShortTimeoutsInterleavedWithDataLoseNoBytes(Duplex.Style style, String sender) throws Exception {
        Duplex senderEnd;
        TcpConnection readerConn;
        if (sender.equals("jdk")) {
            WeftAndJdk pair = weftServerOfJdkClient();
            senderEnd = Duplex.over(pair.jdk());
            readerConn = pair.weft();
        } else {
            WeftPair pair = weftToWeft();
            senderEnd = Duplex.Style.BYTE_ARRAY.over(pair.client());
            readerConn = pair.server();
        }
        byte[] payload = Payloads.random(300_000, style.ordinal());
        Semaphore timeoutsSeen = new Semaphore(0);

        Background.Task<Void> writer = Background.start("paced-sender", () -> {
            SplittableRandom random = new SplittableRandom(42);
            int offset = 0;
            int chunkIndex = 0;
            while (offset < payload.length) {
                int chunk = Math.min(payload.length - offset, 1 + random.nextInt(3000));
                senderEnd.write(payload, offset, chunk);
                offset += chunk;
                if (++chunkIndex % 25 == 0) {
                    timeoutsSeen.drainPermits();
                    if (!timeoutsSeen.tryAcquire(20, TimeUnit.SECONDS)) {
                        throw new AssertionError("reader saw no timeout while the sender waited");
                    }
                } else if (random.nextInt(3) == 0) {
                    LockSupport.parkNanos(random.nextLong(3_000_000));
                }
            }
            senderEnd.shutdownOutput();
            return null;
        });

        readerConn.setReadTimeout(Duration.ofMillis(1));
        Duplex reader = style.over(readerConn);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[2048];
        int timeouts = 0;
        while (true) {
            int n;
            try {
                n = reader.read(buffer, 0, buffer.length);
            } catch (SocketTimeoutException expected) {
                timeouts++;
                timeoutsSeen.release();
                continue;
            }
            if (n < 0) {
                break;
            }
            received.write(buffer, 0, n);
        }
        Background.await(writer);
        System.out.println("[weft contract] " + timeouts + " read timeouts while receiving "
                + payload.length + " bytes (" + style + ", sender " + sender + ")");
        assertThat(timeouts).as("timeouts the reader saw").isPositive();
        Payloads.assertSameBytes(received.toByteArray(), payload, "stream read through short timeouts");
    }
}
