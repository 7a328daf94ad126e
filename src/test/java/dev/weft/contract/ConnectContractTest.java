package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connecting: refused, timed out, and over both IP families on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectContractTest extends ContractTestBase {
    /** TEST-NET-1 (RFC 5737): reserved for documentation, never routed to a host. */
    private static final InetSocketAddress UNROUTABLE = new InetSocketAddress(ipv4(192, 0, 2, 1), 9);

    @Test
    void connectToAPortNobodyListensOnIsRefused() throws Exception {
        InetSocketAddress closed;
        try (ServerSocket probe = new ServerSocket(0, 1, loopback())) {
            closed = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        assertThatThrownBy(() -> track(weft.connect(closed)))
                .isInstanceOf(ConnectException.class)
                .hasMessageFindingMatch("(?i)refused");
        assertThat(awaitOpenHandles(weft, 0)).as("handles after a refused connect").isZero();
    }

    @Test
    void connectTimeoutToAnAddressThatNeverAnswersThrowsSocketTimeoutExceptionAndLeaksNothing() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        InetSocketAddress silent = addressWhereJdkConnectTimesOut(timeout);
        long start = System.nanoTime();
        assertThatThrownBy(() -> track(weft.connect(silent, timeout)))
                .as("connect to %s", silent)
                .isInstanceOf(SocketTimeoutException.class);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("time the connect waited").isGreaterThanOrEqualTo(timeout.minusMillis(20))
                .isLessThan(Duration.ofSeconds(10));
        assertThat(awaitOpenHandles(weft, 0)).as("handles after a timed-out connect").isZero();
    }

    @Test
    void interruptWhileBlockedInConnectThrowsSocketExceptionAndKeepsInterruptStatus() throws Exception {
        InetSocketAddress silent = addressWhereJdkConnectTimesOut(Duration.ofMillis(300));
        java.util.concurrent.atomic.AtomicBoolean interruptedAfter = new java.util.concurrent.atomic.AtomicBoolean();
        Background.Task<TcpConnection> connector = Background.start("connector", () -> {
            try {
                return track(weft.connect(silent, Duration.ofSeconds(20)));
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        }).awaitParked();

        connector.thread().interrupt();

        assertThat(Background.failureOf(connector)).isInstanceOf(java.net.SocketException.class);
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
        assertThat(awaitOpenHandles(weft, 0)).as("handles after an interrupted connect").isZero();
    }

    /**
     * An address whose SYNs go unanswered, as java.net sees it (java.net is the oracle: if it
     * times out, weft must too): an unroutable address if this network drops its packets, else
     * a loopback listener whose accept queue is full (Linux drops SYNs to such a listener).
     * Aborts the test with the reason when neither can be had.
     */
    private InetSocketAddress addressWhereJdkConnectTimesOut(Duration timeout) throws IOException {
        StringBuilder tried = new StringBuilder();
        if (jdkConnectTimesOut(UNROUTABLE, timeout, tried)) {
            return UNROUTABLE;
        }
        ServerSocket full = track(new ServerSocket(0, 1, loopback()));
        InetSocketAddress address = (InetSocketAddress) full.getLocalSocketAddress();
        for (int i = 0; i < 16; i++) {
            if (jdkConnectTimesOut(address, timeout, tried)) {
                return address;
            }
        }
        Assumptions.abort("no address where a connect can time out on this host: " + tried);
        throw new AssertionError("unreachable");
    }

    private boolean jdkConnectTimesOut(InetSocketAddress target, Duration timeout, StringBuilder tried) {
        Socket probe = track(new Socket());
        try {
            probe.connect(target, (int) timeout.toMillis());
            tried.append(target).append(" connected; ");
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } catch (IOException e) {
            tried.append(target).append(" failed with ").append(e).append("; ");
            return false;
        }
    }

    @Test
    void connectsAndEchoesOverIpv4Loopback() throws Exception {
        echoOver(ipv4(127, 0, 0, 1));
    }

    @Test
    void connectsAndEchoesOverIpv6Loopback() throws Exception {
        InetAddress ipv6 = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, ipv6)) {
            assertThat(probe.getInetAddress()).isInstanceOf(Inet6Address.class);
        } catch (IOException e) {
            Assumptions.abort("::1 is not available on this host: " + e);
        }
        echoOver(ipv6);
    }

    private void echoOver(InetAddress address) throws Exception {
        TcpListener listener = track(weft.listen(new InetSocketAddress(address, 0)));
        assertThat(listener.localAddress().getAddress()).isEqualTo(address);
        TcpConnection client = track(weft.connect(address, listener.localAddress().getPort()));
        TcpConnection server = weftAccept(listener);
        assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
        assertThat(client.localAddress()).isEqualTo(server.remoteAddress());
        assertThat(server.localAddress()).isEqualTo(client.remoteAddress());
        assertThat(client.localAddress().getAddress()).isEqualTo(address);

        byte[] payload = Payloads.random(50_000, 4);
        var echo = Background.start("echo", () ->
                Transfers.echoUntilEndOfStream(Duplex.Style.BYTE_ARRAY.over(server), 4096));
        Payloads.assertSameBytes(
                Transfers.sendAndReceiveToEnd(Duplex.Style.DIRECT_BUFFER.over(client), payload, 5000, 3000),
                payload, "echo over " + address);
        Background.await(echo);

        // and a java.net client of the weft listener on the same family
        Socket jdk = jdkConnect(listener.localAddress());
        TcpConnection accepted = weftAccept(listener);
        assertThat(accepted.remoteAddress()).isEqualTo(jdk.getLocalSocketAddress());
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
