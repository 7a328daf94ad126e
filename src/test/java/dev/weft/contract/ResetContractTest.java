package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.net.Socket;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A reset (RST) by the peer is an exception that says so, never end of stream. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResetContractTest extends ContractTestBase {

    @Test
    void readBlockedWhenJdkPeerResetsThrowsConnectionReset() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        Background.Task<Integer> reader = Background.start("reader",
                () -> pair.weft().read(new byte[10], 0, 10)).awaitParked();
        resetClose(pair.jdk());
        assertThat(Background.failureOf(reader))
                .isInstanceOf(SocketException.class)
                .hasMessageFindingMatch("(?i)reset");
    }

    @Test
    void readAfterJdkPeerResetThrowsConnectionReset() throws Exception {
        ResetOracle.assumeResetBeforeReadIsReported();
        WeftAndJdk pair = weftServerOfJdkClient();
        resetClose(pair.jdk());
        assertThatThrownBy(() -> Transfers.readToEnd(Duplex.Style.DIRECT_BUFFER.over(pair.weft()), 10))
                .isInstanceOf(SocketException.class)
                .hasMessageFindingMatch("(?i)reset");
    }

    @Test
    void readKeepsReportingResetAfterTheFirstReportNeverEndOfStream() throws Exception {
        ResetOracle.assumeResetBeforeReadIsReported();
        WeftAndJdk pair = weftClientOfJdkServer();
        resetClose(pair.jdk());
        TcpConnection conn = pair.weft();
        assertThatThrownBy(() -> conn.read(new byte[10], 0, 10))
                .isInstanceOf(SocketException.class)
                .hasMessageFindingMatch("(?i)reset");
        // java.net.Socket remembers the reset; a second read must not turn it into end of stream
        // (on Linux the kernel reports ECONNRESET once, then recv returns 0).
        int secondRead;
        try {
            secondRead = conn.read(new byte[10], 0, 10);
        } catch (SocketException expected) {
            assertThat(expected).hasMessageFindingMatch("(?i)reset");
            return;
        }
        throw new AssertionError("second read after a reset returned " + secondRead
                + (secondRead == -1 ? " (end of stream)" : "") + " instead of throwing Connection reset");
    }

    @ParameterizedTest(name = "[{index}] the {0} end resets")
    @ValueSource(strings = {"connecting", "accepted"})
    void readBlockedWhenWeftPeerClosesWithLingerZeroThrowsConnectionReset(String resetting) throws Exception {
        WeftPair pair = weftToWeft();
        TcpConnection closer = resetting.equals("connecting") ? pair.client() : pair.server();
        TcpConnection reader = closer == pair.client() ? pair.server() : pair.client();
        Background.Task<Integer> blocked = Background.start("reader",
                () -> reader.read(new byte[10], 0, 10)).awaitParked();
        closer.setSoLinger(0);
        closer.close();
        assertThat(Background.failureOf(blocked))
                .isInstanceOf(SocketException.class)
                .hasMessageFindingMatch("(?i)reset");
    }

    @Test
    void weftCloseWithLingerZeroIsSeenAsResetByBlockedJdkPeer() throws Exception {
        // The java.net reader is a platform thread blocked in a plain recv before the RST arrives,
        // on a socket that never had a timeout: under Wine, java.net's poll-based reads (virtual
        // threads, or any socket once it had a timeout) and reads after the RST see end of
        // stream instead (see ResetOracle). read0 is java.net's blocking recv (SocketDispatcher,
        // JDK 25 on Linux and Windows).
        TcpListener listener = weftListener();
        Socket peer = track(new Socket());
        peer.connect(listener.localAddress());
        TcpConnection conn = weftAccept(listener);
        Background.Task<Integer> peerReader = Background.startPlatform("jdk-reader",
                () -> peer.getInputStream().read());
        Background.awaitInNativeCall(peerReader.thread(), "read0");
        conn.setSoLinger(0);
        conn.close();
        assertThat(Background.failureOf(peerReader))
                .isInstanceOf(SocketException.class)
                .hasMessageFindingMatch("(?i)reset");
    }

    @Test
    void writeToResetPeerEventuallyThrowsSocketException() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        resetClose(pair.jdk());
        TcpConnection conn = pair.weft();
        byte[] chunk = new byte[64 * 1024];
        IOException failure = null;
        int writes = 0;
        // The first write may be accepted by the local stack before the RST is processed; a
        // bounded number of further writes must fail.
        while (failure == null && writes < 1000) {
            try {
                conn.write(chunk, 0, chunk.length);
                writes++;
            } catch (IOException e) {
                failure = e;
            }
        }
        System.out.println("[weft contract] write to reset peer failed after " + writes + " writes: " + failure);
        assertThat(failure).as("exception from writing to a reset peer (after %d writes)", writes)
                .isInstanceOf(SocketException.class);
    }
}
