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

    @Test
    void readWriteAcceptAndConnectAreRecordedWithPeerBytesAndDuration() throws Exception {
        Map<String, List<RecordedEvent>> seen = new ConcurrentHashMap<>();
        CountDownLatch allSeen = new CountDownLatch(NAMES.size());
        try (RecordingStream stream = new RecordingStream()) {
            for (String name : NAMES) {
                stream.enable(name).withThreshold(Duration.ZERO);
                stream.onEvent(name, event -> {
                    if (seen.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).isEmpty()) {
                        allSeen.countDown();
                    }
                    seen.get(name).add(event);
                });
            }
            stream.startAsync();

            TcpListener listener = track(weft.listen(new InetSocketAddress(loopback(), 0)));
            var accepted = background("accept", () -> track(listener.accept(PATIENCE)));
            TcpConnection client = track(weft.connect(listener.localAddress(), PATIENCE));
            TcpConnection server = await(accepted);
            client.write(new byte[1234], 0, 1234);
            byte[] buffer = new byte[4096];
            int total = 0;
            while (total < 1234) {
                total += server.read(buffer, 0, buffer.length);
            }

            assertThat(allSeen.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .as("events seen: %s", seen.keySet()).isTrue();
        }
        RecordedEvent connect = seen.get("dev.weft.SocketConnect").getFirst();
        int serverPort = connect.getInt("port");
        assertThat(connect.getString("address")).isEqualTo("127.0.0.1");
        assertThat(connect.getString("exceptionMessage")).isNull();
        assertThat(connect.getDuration()).isPositive();

        RecordedEvent accept = seen.get("dev.weft.SocketAccept").getFirst();
        assertThat(accept.getInt("localPort")).isEqualTo(serverPort);
        assertThat(accept.getString("address")).isEqualTo("127.0.0.1");

        long written = seen.get("dev.weft.SocketWrite").stream()
                .filter(e -> e.getInt("port") == serverPort).mapToLong(e -> e.getLong("bytesWritten")).sum();
        assertThat(written).isEqualTo(1234);
        long read = seen.get("dev.weft.SocketRead").stream()
                .filter(e -> e.getInt("port") != serverPort).mapToLong(e -> e.getLong("bytesRead")).sum();
        assertThat(read).isEqualTo(1234);
        assertThat(seen.get("dev.weft.SocketRead").getFirst().getStackTrace()).isNotNull();
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
                events.add(event);
                recorded.countDown();
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
        assertThat(events.getFirst().getInt("port")).isEqualTo(closedPort);
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
