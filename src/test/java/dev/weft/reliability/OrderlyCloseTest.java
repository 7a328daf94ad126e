package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code close()} with request bytes still unread is an orderly close, as java.net's is: the
 * peer reads the final response and then a clean end of stream, not a reset that may destroy
 * the response. Only SO_LINGER 0 asks for the reset.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderlyCloseTest {
    private static final int ROUNDS = Streams.count("weft.reliability.orderlyCloseRounds", 30, 10);
    private static final byte[] RESPONSE = "HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void closeWithUnreadInputLetsThePeerReadTheResponseAndAnEndOfStream() throws Exception {
        TcpListener listener = leaks.track(leaks.runtime().listen(Streams.anyLoopbackPort()));
        for (int round = 0; round < ROUNDS; round++) {
            try (Socket client = new Socket(Streams.loopback(), listener.localAddress().getPort())) {
                client.setSoTimeout(10_000);
                TcpConnection server = listener.accept(Duration.ofSeconds(10));
                // A request the server never reads; on loopback it is in the server's receive
                // queue when write returns (delivered within the sending call).
                client.getOutputStream().write(new byte[4096]);
                server.write(RESPONSE, 0, RESPONSE.length);
                server.close(); // returns after the close(2) below weft: the peer has it all now

                InputStream in = client.getInputStream();
                assertThat(in.readNBytes(RESPONSE.length)).as("round %d: the response", round).isEqualTo(RESPONSE);
                assertThat(in.read()).as("round %d: then a clean end of stream", round).isEqualTo(-1);
            }
        }
    }

    @Test
    void closeAfterSoLingerZeroStillResets() throws Exception {
        // Under Wine the IOCP backend's closesocket after SO_LINGER 0 reached the peer as an
        // orderly close, not a reset (seen on the Windows lane); on Linux it must reset.
        assumeFalse(Streams.isWindows(), "SO_LINGER 0 does not reset under Wine");
        TcpListener listener = leaks.track(leaks.runtime().listen(Streams.anyLoopbackPort()));
        try (Socket client = new Socket(Streams.loopback(), listener.localAddress().getPort())) {
            client.setSoTimeout(10_000);
            TcpConnection server = listener.accept(Duration.ofSeconds(10));
            client.getOutputStream().write(new byte[4096]);
            server.setSoLinger(0);
            server.close();

            assertThatThrownBy(() -> client.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }
}
