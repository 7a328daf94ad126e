package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An orderly close by the peer is end of stream (-1), for every read style, and half-closes work. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndOfStreamContractTest extends ContractTestBase {

    @ParameterizedTest
    @EnumSource(Duplex.Style.class)
    void readReturnsMinusOneAfterPeerShutsDownOutput(Duplex.Style style) throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        Duplex weftEnd = style.over(pair.weft());
        Background.Task<byte[]> reader = Background.start("reader", () -> Transfers.readToEnd(weftEnd, 100));
        reader.awaitParked();
        pair.jdk().getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
        pair.jdk().shutdownOutput();

        assertThat(new String(Background.await(reader), StandardCharsets.US_ASCII)).isEqualTo("last words");
        assertThat(weftEnd.read(new byte[10], 0, 10)).as("a second read at end of stream").isEqualTo(-1);
        assertThat(pair.weft().isOpen()).as("end of stream does not close the connection").isTrue();
    }

    @Test
    void readReturnsMinusOneAfterPeerCloses() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        pair.jdk().getOutputStream().write(new byte[] {1, 2, 3});
        pair.jdk().close();
        byte[] received = Transfers.readToEnd(Duplex.Style.BYTE_ARRAY.over(pair.weft()), 10);
        assertThat(received).containsExactly(1, 2, 3);
    }

    @Test
    void readBlockedBeforeThePeerClosesWakesWithMinusOne() throws Exception {
        WeftPair pair = weftToWeft();
        Background.Task<Integer> reader = Background.start("reader",
                () -> pair.server().read(new byte[10], 0, 10)).awaitParked();
        pair.client().close();
        assertThat(Background.await(reader)).isEqualTo(-1);
    }

    @Test
    void readReturnsMinusOneAfterWeftPeerShutsDownOutputAndTheHalfCloseStillCarriesReplies() throws Exception {
        WeftPair pair = weftToWeft();
        pair.client().write(new byte[] {9, 8, 7}, 0, 3);
        pair.client().shutdownOutput();
        assertThat(Transfers.readToEnd(Duplex.Style.DIRECT_BUFFER.over(pair.server()), 2)).containsExactly(9, 8, 7);

        pair.server().write(new byte[] {6, 5}, 0, 2);
        pair.server().close();
        assertThat(Transfers.readToEnd(Duplex.Style.HEAP_BUFFER.over(pair.client()), 64)).containsExactly(6, 5);
    }

    @Test
    void shutdownOutputIsSeenAsEndOfStreamByJdkPeerWhichCanStillReply() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        pair.weft().write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
        pair.weft().shutdownOutput();

        Socket peer = pair.jdk();
        assertThat(new String(peer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        peer.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        peer.close();
        assertThat(new String(Transfers.readToEnd(Duplex.Style.STREAMS.over(pair.weft()), 16),
                StandardCharsets.US_ASCII)).isEqualTo("bye");
    }

    @Test
    void inputStreamReturnsMinusOneAtEndOfStream() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        pair.jdk().shutdownOutput();
        InputStream in = pair.weft().inputStream();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
        assertThat(in.readAllBytes()).isEmpty();
    }

    @Test
    void writeAfterShutdownOutputThrowsSocketException() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        conn.shutdownOutput();
        assertThatThrownBy(() -> conn.write(new byte[] {1}, 0, 1)).isInstanceOf(SocketException.class);
        assertThat(pair.jdk().getInputStream().read()).as("peer sees end of stream, no stray byte").isEqualTo(-1);
    }
}
