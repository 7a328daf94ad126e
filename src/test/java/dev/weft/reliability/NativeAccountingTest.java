package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backend's native memory is really counted: {@link WeftStats#liveNativeBytes()} is positive
 * while a runtime is open (rings or completion arrays, op contexts), grows with connections
 * (io_uring: each connect's sockaddr; IOCP: op-context chunks once the first is used up), comes
 * back to what the runtime held at open once the connections are closed, and is 0 once the
 * runtime is closed. Without this test, {@link LeakCheck}'s native-byte check could not fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NativeAccountingTest {
    /** Enough that IOCP needs a second chunk of 256 op contexts (4 per connection: 2 per socket). */
    private static final int MANY = 80;

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void nativeBytesArePositiveWhileOpenAndZeroAfterClose() throws Exception {
        WeftRuntime weft = leaks.runtime();
        long atOpen = weft.stats().liveNativeBytes();
        assertThat(atOpen).as("native bytes of a runtime with no connection").isPositive();

        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        List<TcpConnection> connections = connectAndEcho(weft, listener, 2);
        long open = weft.stats().liveNativeBytes();
        assertThat(open).as("native bytes with 2 open connections").isGreaterThanOrEqualTo(atOpen);

        closeAll(connections);
        listener.close();
        WeftStats settled = LeakCheck.awaitBaseline(weft, weft.stats());
        assertThat(settled.openHandles()).isZero();
        assertThat(settled.liveNativeBytes()).as("native bytes once every handle is released").isEqualTo(atOpen);

        weft.close();
        assertThat(weft.stats().liveNativeBytes()).as("native bytes after runtime close").isZero();
    }

    @Test
    void nativeBytesGrowWithConnectionsAndComeBackWhenTheyClose() throws Exception {
        WeftRuntime weft = leaks.runtime();
        long atOpen = weft.stats().liveNativeBytes();
        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        List<TcpConnection> connections = connectAndEcho(weft, listener, 1);
        long one = weft.stats().liveNativeBytes();
        connections.addAll(connectAndEcho(weft, listener, MANY - 1));
        long many = weft.stats().liveNativeBytes();
        System.out.printf("[weft reliability] %s native bytes: %d at open, %d with 1 connection, %d with %d%n",
                weft.backendName(), atOpen, one, many, MANY);
        assertThat(many).as("native bytes with %d connections vs. 1", MANY).isGreaterThan(one);

        closeAll(connections);
        listener.close();
        WeftStats settled = LeakCheck.awaitBaseline(weft, weft.stats());
        assertThat(settled.liveNativeBytes()).as("native bytes once every handle is released (%s)", settled)
                .isEqualTo(atOpen);

        weft.close();
        assertThat(weft.stats().liveNativeBytes()).as("native bytes after runtime close").isZero();
    }

    @Test
    void runtimeCloseWithOpenConnectionsFreesEveryByte() throws Exception {
        WeftRuntime weft = leaks.runtime();
        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        connectAndEcho(weft, listener, 4); // left open: the runtime's close must release them
        assertThat(weft.stats().liveNativeBytes()).isPositive();

        weft.close();
        assertThat(weft.stats().openHandles()).isZero();
        assertThat(weft.stats().liveNativeBytes()).as("native bytes after runtime close").isZero();
    }

    /** Opens {@code count} connections to {@code listener}, each proven with a one-byte echo. */
    private static List<TcpConnection> connectAndEcho(WeftRuntime weft, TcpListener listener, int count)
            throws IOException {
        List<TcpConnection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TcpConnection client = weft.connect(listener.localAddress());
            connections.add(client);
            TcpConnection server = listener.accept();
            connections.add(server);
            client.write(new byte[] {(byte) i}, 0, 1);
            byte[] in = new byte[1];
            assertThat(server.read(in, 0, 1)).isEqualTo(1);
            assertThat(in[0]).isEqualTo((byte) i);
        }
        return connections;
    }

    private static void closeAll(List<TcpConnection> connections) {
        for (TcpConnection c : connections) {
            c.close();
        }
    }
}
