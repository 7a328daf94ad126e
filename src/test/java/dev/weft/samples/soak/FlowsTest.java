package dev.weft.samples.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's stall watchdog on real connections: a reader that waits for bytes that never come
 * is reported, with the connection and the thread's stack, and its read ends once the watchdog
 * closes the connection; a connection that keeps moving is left alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowsTest {
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void aReadThatGetsNoByteIsReportedAndEndedByClosingItsConnection() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(Soak.loopback(), 0));
             TcpConnection client = weft.connect(listener.localAddress(), Duration.ofSeconds(10));
             TcpConnection server = listener.accept();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Flows flows = new Flows(STALL_NANOS);
            Flows.Flow flow = flows.open("silent client", client);
            Future<Integer> read = threads.submit(() -> {
                flow.doing = "reading";
                return client.read(new byte[16], 0, 16);
            });

            assertThat(flows.closeStalled()).as("before the stall time").isNull();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(2 * STALL_NANOS));
            String report = flows.closeStalled();

            assertThat(report).contains("silent client", "reading").contains("TcpConnection.read");
            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
            assertThat(flows.closeStalled()).as("reported once").isNull();
            server.write(new byte[] {1}, 0, 1); // the server end was not touched
        }
    }

    @Test
    void aConnectionThatKeepsMovingIsLeftOpen() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(Soak.loopback(), 0));
             TcpConnection client = weft.connect(listener.localAddress(), Duration.ofSeconds(10));
             TcpConnection server = listener.accept()) {
            Flows flows = new Flows(STALL_NANOS);
            Flows.Flow flow = flows.open("busy client", client);
            byte[] one = new byte[1];
            long until = System.nanoTime() + 3 * STALL_NANOS;
            while (System.nanoTime() - until < 0) {
                server.write(one, 0, 1);
                flow.received(client.read(one, 0, 1));
                assertThat(flows.closeStalled()).isNull();
                Thread.sleep(20);
            }
            assertThat(client.isOpen()).isTrue();
        }
    }
}
