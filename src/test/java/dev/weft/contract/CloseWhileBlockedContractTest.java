package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing a connection from another thread wakes whoever is blocked in it with "Socket closed". */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloseWhileBlockedContractTest extends ContractTestBase {

    @Test
    void closeFromAnotherThreadWakesBlockedReaderAndBlockedWriter() throws Exception {
        // The java.net peer never reads, so the writer fills both windows and blocks.
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        Background.Task<Integer> reader = Background.start("reader",
                () -> conn.read(new byte[100], 0, 100)).awaitParked();
        AtomicLong written = new AtomicLong();
        Background.Task<Void> writer = startWriterUntilFailure(conn, written);

        conn.close();

        assertThat(Background.failureOf(reader)).as("blocked reader")
                .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        assertThat(Background.failureOf(writer)).as("blocked writer, after %d bytes", written.get())
                .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        assertThat(conn.isOpen()).isFalse();
        assertThat(awaitOpenHandles(weft, 0)).as("handles once the woken operations completed").isZero();
    }

    @Test
    void closeWakesBlockedReaderOfWeftToWeftConnectionAndPeerSeesEndOfStream() throws Exception {
        WeftPair pair = weftToWeft();
        Background.Task<Integer> reader = Background.start("reader",
                () -> pair.client().read(new byte[100], 0, 100)).awaitParked();
        pair.client().close();
        assertThat(Background.failureOf(reader))
                .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        assertThat(pair.server().read(new byte[1], 0, 1)).as("peer's read after the close").isEqualTo(-1);
    }

    @Test
    void readAndWriteAfterCloseThrowSocketClosed() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        TcpConnection conn = pair.weft();
        conn.close();
        assertThatThrownBy(() -> conn.read(new byte[1], 0, 1))
                .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        assertThatThrownBy(() -> conn.write(new byte[1], 0, 1))
                .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        assertThat(pair.jdk().getInputStream().read()).as("peer sees end of stream").isEqualTo(-1);
    }

    @Test
    void closingTheInputStreamClosesTheConnection() throws Exception {
        WeftPair pair = weftToWeft();
        pair.client().inputStream().close();
        assertThat(pair.client().isOpen()).isFalse();
        pair.server().outputStream().close();
        assertThat(pair.server().isOpen()).isFalse();
    }

    @Test
    void manyReadersBlockedOnManyConnectionsAllWakeWhenEachIsClosed() throws Exception {
        int connections = 50;
        TcpConnection[] clients = new TcpConnection[connections];
        @SuppressWarnings("unchecked")
        Background.Task<Integer>[] readers = new Background.Task[connections];
        var listener = weftListener();
        for (int i = 0; i < connections; i++) {
            clients[i] = weftConnect(listener.localAddress());
            weftAccept(listener);
            TcpConnection conn = clients[i];
            readers[i] = Background.start("reader-" + i, () -> conn.read(new byte[10], 0, 10));
        }
        for (Background.Task<Integer> reader : readers) {
            reader.awaitParked();
        }
        for (TcpConnection conn : clients) {
            conn.close();
        }
        for (Background.Task<Integer> reader : readers) {
            assertThat(Background.failureOf(reader)).isInstanceOf(SocketException.class);
        }
    }
}
