package dev.weft.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.jfr.SocketReadEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/**
 * weft's JFR events, seen by a {@link RecordingStream} as a monitoring tool sees them: one per
 * read, write, accept and connect, naming the peer, the bytes and the duration; the default
 * threshold is the JDK's socket events' (20 ms).
 */
class JfrEventsTest extends AdapterTestBase {
    private static final List<String> NAMES =
            List.of("dev.weft.SocketConnect", "dev.weft.SocketAccept", "dev.weft.SocketWrite", "dev.weft.SocketRead");

    /**
     * The stream sees every event of the JVM, other tests' lingering sockets too: so the test
     * waits for the events of its own connection (by port), not for the first event of each kind.
     */
    @Test
    void readWriteAcceptAndConnectAreRecordedWithPeerBytesAndDuration() throws Exception {
        Map<String, List<RecordedEvent>> seen = new ConcurrentHashMap<>();
        int serverPort;
        int clientPort;
        try (RecordingStream stream = new RecordingStream()) {
            for (String name : NAMES) {
                seen.put(name, new CopyOnWriteArrayList<>());
                stream.enable(name).withThreshold(Duration.ZERO);
                stream.onEvent(name, event -> seen.get(name).add(event));
            }
            stream.startAsync();

            TcpListener listener = track(weft.listen(new InetSocketAddress(loopback(), 0)));
            var accepted = background("accept", () -> track(listener.accept(PATIENCE)));
            TcpConnection client = track(weft.connect(listener.localAddress(), PATIENCE));
            TcpConnection server = await(accepted);
            serverPort = listener.localAddress().getPort();
            clientPort = client.localAddress().getPort();
            client.write(new byte[1234], 0, 1234);
            byte[] buffer = new byte[4096];
            int total = 0;
            while (total < 1234) {
                total += server.read(buffer, 0, buffer.length);
            }

            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!(has(seen, "dev.weft.SocketConnect", "port", serverPort)
                    && has(seen, "dev.weft.SocketAccept", "localPort", serverPort)
                    && bytes(seen, "dev.weft.SocketWrite", serverPort, "bytesWritten") >= 1234
                    && bytes(seen, "dev.weft.SocketRead", clientPort, "bytesRead") >= 1234)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        RecordedEvent connect = first(seen, "dev.weft.SocketConnect", "port", serverPort);
        assertThat(connect.getString("address")).isEqualTo("127.0.0.1");
        assertThat(connect.getString("exceptionMessage")).isNull();
        assertThat(connect.getDuration()).isPositive();

        RecordedEvent accept = first(seen, "dev.weft.SocketAccept", "localPort", serverPort);
        assertThat(accept.getString("address")).isEqualTo("127.0.0.1");
        assertThat(accept.getInt("port")).as("the accepted peer's port").isEqualTo(clientPort);

        assertThat(bytes(seen, "dev.weft.SocketWrite", serverPort, "bytesWritten")).isEqualTo(1234);
        assertThat(bytes(seen, "dev.weft.SocketRead", clientPort, "bytesRead")).isEqualTo(1234);
        assertThat(first(seen, "dev.weft.SocketRead", "port", clientPort).getStackTrace()).isNotNull();
    }

    private static boolean has(Map<String, List<RecordedEvent>> seen, String name, String field, int value) {
        return seen.get(name).stream().anyMatch(e -> e.getInt(field) == value);
    }

    private static RecordedEvent first(Map<String, List<RecordedEvent>> seen, String name, String field, int value) {
        return seen.get(name).stream().filter(e -> e.getInt(field) == value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " event with " + field + " " + value
                        + " among " + seen.get(name).size()));
    }

    /** The bytes of the events of one connection, named by its peer's port. */
    private static long bytes(Map<String, List<RecordedEvent>> seen, String name, int peerPort, String field) {
        return seen.get(name).stream().filter(e -> e.getInt("port") == peerPort).mapToLong(e -> e.getLong(field)).sum();
    }

    @Test
    void aFailedConnectIsRecordedWithItsReason() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0, 1, loopback())) {
            closedPort = probe.getLocalPort();
        }
        CountDownLatch recorded = new CountDownLatch(1);
        List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable("dev.weft.SocketConnect").withThreshold(Duration.ZERO);
            stream.onEvent("dev.weft.SocketConnect", event -> {
                if (event.getInt("port") == closedPort) { // not another test's lingering connect
                    events.add(event);
                    recorded.countDown();
                }
            });
            stream.startAsync();
            try {
                weft.connect(new InetSocketAddress(loopback(), closedPort), PATIENCE);
                throw new AssertionError("connect to a closed port succeeded");
            } catch (java.net.ConnectException expected) {
                // recorded below
            }
            assertThat(recorded.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        assertThat(events.getFirst().getString("exceptionMessage")).isNotBlank();
    }

    @Test
    void defaultThresholdIsTheJdkSocketEventsThreshold() {
        EventType type = EventType.getEventType(SocketReadEvent.class);
        assertThat(type.getName()).isEqualTo("dev.weft.SocketRead");
        assertThat(type.getSettingDescriptors())
                .filteredOn(setting -> setting.getName().equals("threshold"))
                .extracting(setting -> setting.getDefaultValue())
                .containsExactly("20 ms");
        assertThat(type.getFields()).extracting(f -> f.getName())
                .contains("host", "address", "port", "bytesRead", "endOfStream", "timeout");
    }
}
