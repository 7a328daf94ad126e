package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Socket options read back what was set; addresses agree with what the peer sees. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OptionsAndAddressesContractTest extends ContractTestBase {

    @Test
    void noDelayRoundTrips() throws Exception {
        for (TcpConnection conn : bothEnds()) {
            conn.setNoDelay(true);
            assertThat(conn.noDelay()).isTrue();
            conn.setNoDelay(false);
            assertThat(conn.noDelay()).isFalse();
        }
    }

    @Test
    void keepAliveRoundTrips() throws Exception {
        for (TcpConnection conn : bothEnds()) {
            conn.setKeepAlive(true);
            assertThat(conn.keepAlive()).isTrue();
            conn.setKeepAlive(false);
            assertThat(conn.keepAlive()).isFalse();
        }
    }

    @Test
    void bufferSizesAreAtLeastWhatWasAsked() throws Exception {
        for (TcpConnection conn : bothEnds()) {
            conn.setReceiveBufferSize(32 * 1024);
            conn.setSendBufferSize(48 * 1024);
            // Linux doubles the value for bookkeeping; Windows reports it as set.
            assertThat(conn.receiveBufferSize()).isBetween(32 * 1024, 4 * 32 * 1024);
            assertThat(conn.sendBufferSize()).isBetween(48 * 1024, 4 * 48 * 1024);
        }
    }

    @Test
    void lingerRoundTripsAndNegativeTurnsItOff() throws Exception {
        for (TcpConnection conn : bothEnds()) {
            assertThat(conn.soLinger()).as("default linger").isEqualTo(-1);
            conn.setSoLinger(5);
            assertThat(conn.soLinger()).isEqualTo(5);
            conn.setSoLinger(0);
            assertThat(conn.soLinger()).isEqualTo(0);
            conn.setSoLinger(-1);
            assertThat(conn.soLinger()).isEqualTo(-1);
        }
    }

    @Test
    void optionsOfAClosedConnectionThrow() throws Exception {
        TcpConnection conn = weftToWeft().client();
        conn.close();
        assertThatThrownBy(() -> conn.setNoDelay(true)).isInstanceOf(java.net.SocketException.class);
        assertThatThrownBy(conn::keepAlive).isInstanceOf(java.net.SocketException.class);
        assertThatThrownBy(() -> conn.setSoLinger(1)).isInstanceOf(java.net.SocketException.class);
        assertThatThrownBy(conn::localAddress).isInstanceOf(java.net.SocketException.class);
        assertThatThrownBy(conn::remoteAddress).isInstanceOf(java.net.SocketException.class);
    }

    @Test
    void addressesOfAConnectingWeftEndMatchTheJdkPeersView() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        Socket peer = pair.jdk();
        assertThat(pair.weft().localAddress()).isEqualTo(peer.getRemoteSocketAddress());
        assertThat(pair.weft().remoteAddress()).isEqualTo(peer.getLocalSocketAddress());
        assertThat(pair.weft().localAddress().getPort()).isNotZero();
    }

    @Test
    void addressesOfAnAcceptedWeftEndMatchTheJdkPeersView() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        Socket peer = pair.jdk();
        assertThat(pair.weft().localAddress()).isEqualTo(peer.getRemoteSocketAddress());
        assertThat(pair.weft().remoteAddress()).isEqualTo(peer.getLocalSocketAddress());
    }

    @Test
    void addressesOfTwoWeftEndsMirrorEachOther() throws Exception {
        WeftPair pair = weftToWeft();
        assertThat(pair.client().localAddress()).isEqualTo(pair.server().remoteAddress());
        assertThat(pair.client().remoteAddress()).isEqualTo(pair.server().localAddress());
    }

    private TcpConnection[] bothEnds() throws Exception {
        WeftPair pair = weftToWeft();
        return new TcpConnection[] {pair.client(), pair.server()};
    }
}
