package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Accepting: every connection to exactly one caller, timeouts that keep the listener, close that wakes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerContractTest extends ContractTestBase {

    @Test
    void concurrentAcceptorsTakeManyConnectionsEachExactlyOnce() throws Exception {
        TcpListener listener = weftListener();
        int clients = 300;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        List<Background.Task<Void>> acceptors = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            acceptors.add(Background.start("acceptor-" + a, () -> {
                while (accepted.get() < clients) {
                    TcpConnection conn;
                    try {
                        conn = track(listener.accept(Duration.ofMillis(200)));
                    } catch (SocketTimeoutException idle) {
                        continue;
                    }
                    accepted.incrementAndGet();
                    int id = new DataInputStream(conn.inputStream()).readInt();
                    if (!seen.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    conn.write(new byte[] {1}, 0, 1);
                }
                return null;
            }));
        }
        List<Background.Task<Void>> connectors = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            connectors.add(Background.start("jdk-client-" + i, () -> {
                Socket socket = jdkConnect(listener.localAddress());
                new DataOutputStream(socket.getOutputStream()).writeInt(id);
                assertThat(socket.getInputStream().read()).as("ack for client %d", id).isEqualTo(1);
                socket.close();
                return null;
            }));
        }
        for (var task : connectors) {
            Background.await(task);
        }
        for (var task : acceptors) {
            Background.await(task);
        }
        assertThat(duplicates).hasValue(0);
        assertThat(seen).hasSize(clients);
    }

    @Test
    void connectionsMadeBeforeAnyoneAcceptsAreNotLost() throws Exception {
        TcpListener listener = weftListener();
        int clients = 40;
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Socket socket = jdkConnect(listener.localAddress());
            socket.getOutputStream().write(i);
            sockets.add(socket);
        }
        Set<Integer> ids = new java.util.HashSet<>();
        for (int i = 0; i < clients; i++) {
            TcpConnection conn = weftAccept(listener);
            ids.add(conn.inputStream().read());
        }
        assertThat(ids).hasSize(clients);
        assertThatThrownBy(() -> listener.accept(Duration.ofMillis(100)))
                .as("no connection beyond those made").isInstanceOf(SocketTimeoutException.class);
    }

    /**
     * Clients that connect and reset before anyone accepts must not break the listener: the
     * accepts the backend keeps posted are renewed, and the next good connection is accepted.
     * (A reset connection may be handed out, reading as reset or end of stream, or skipped; an
     * accept may even report it, but the listener must stay open and keep accepting.)
     */
    @Test
    void connectionsResetBeforeAcceptDoNotBreakTheListener() throws Exception {
        TcpListener listener = weftListener();
        for (int i = 0; i < 20; i++) {
            resetClose(jdkConnect(listener.localAddress()));
        }
        Socket good = jdkConnect(listener.localAddress());
        good.getOutputStream().write(new byte[] {'o', 'k'});
        assertThat(acceptSkippingResets(listener, 2)).isEqualTo("ok");
        good.close();

        // Accepts complete in any order (IOCP keeps several posted), so a reset connection may
        // still come after the good one: the later connection is the next that is not reset.
        Socket another = jdkConnect(listener.localAddress());
        another.getOutputStream().write(5);
        assertThat(acceptSkippingResets(listener, 1)).as("a later connection").isEqualTo("\u0005");
    }

    /**
     * Accepts until a connection delivers {@code length} bytes, skipping those that read as reset
     * or end of stream and accepts that fail (the listener must stay open); returns the bytes.
     */
    private String acceptSkippingResets(TcpListener listener, int length) throws IOException {
        int handedOutReset = 0;
        int acceptFailures = 0;
        while (true) {
            TcpConnection conn;
            try {
                conn = track(listener.accept(Duration.ofSeconds(20)));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the good connection was never accepted (" + handedOutReset
                        + " reset connections handed out, " + acceptFailures + " accept failures)", e);
            } catch (SocketException e) {
                assertThat(listener.isClosed()).as("listener closed by a failed accept: %s", e).isFalse();
                acceptFailures++;
                continue;
            }
            byte[] bytes = new byte[length];
            int n = 0;
            try {
                while (n < length) {
                    int got = conn.read(bytes, n, length - n);
                    if (got == -1) {
                        break;
                    }
                    n += got;
                }
            } catch (SocketException reset) {
                handedOutReset++;
                continue;
            }
            if (n == 0) {
                handedOutReset++;
                continue;
            }
            System.out.println("[weft contract] after resets before accept: " + handedOutReset
                    + " reset connections handed out, " + acceptFailures + " accept failures");
            return new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void listenerCloseWakesEveryBlockedAccept() throws Exception {
        TcpListener listener = weftListener();
        List<Background.Task<TcpConnection>> acceptors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acceptors.add(Background.start("acceptor-" + i, () -> listener.accept()));
        }
        for (var acceptor : acceptors) {
            acceptor.awaitParked();
        }
        listener.close();
        for (var acceptor : acceptors) {
            assertThat(Background.failureOf(acceptor))
                    .isInstanceOf(SocketException.class).hasMessageFindingMatch("(?i)closed");
        }
        assertThat(listener.isClosed()).isTrue();
        assertThatThrownBy(listener::accept).isInstanceOf(SocketException.class);
        listener.close(); // a second close does nothing
    }

    @Test
    void acceptTimeoutThrowsAndTheListenerStaysUsable() throws Exception {
        TcpListener listener = weftListener();
        Duration timeout = Duration.ofMillis(150);
        long start = System.nanoTime();
        assertThatThrownBy(() -> listener.accept(timeout)).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.minusMillis(20));
        assertThat(listener.isClosed()).isFalse();

        Socket client = jdkConnect(listener.localAddress());
        TcpConnection conn = track(listener.accept(Duration.ofSeconds(20)));
        client.getOutputStream().write(33);
        assertThat(conn.inputStream().read()).isEqualTo(33);
    }

    @Test
    void closingTheListenerKeepsAcceptedConnectionsOpen() throws Exception {
        TcpListener listener = weftListener();
        Socket client = jdkConnect(listener.localAddress());
        TcpConnection conn = weftAccept(listener);
        listener.close();
        client.getOutputStream().write(7);
        assertThat(conn.inputStream().read()).isEqualTo(7);
        conn.write(new byte[] {8}, 0, 1);
        assertThat(client.getInputStream().read()).isEqualTo(8);
    }

    @Test
    void listenerReportsTheBoundAddressWithTheActualPort() throws Exception {
        TcpListener listener = weftListener();
        InetSocketAddress bound = listener.localAddress();
        assertThat(bound.getAddress()).isEqualTo(loopback());
        assertThat(bound.getPort()).isBetween(1, 65535);
        Socket client = jdkConnect(bound);
        assertThat(client.getRemoteSocketAddress()).isEqualTo(bound);
        weftAccept(listener);
    }

    @Test
    void listeningOnAPortInUseThrowsBindException() throws Exception {
        TcpListener first = weftListener();
        assertThatThrownBy(() -> track(weft.listen(first.localAddress())))
                .as("second weft listener on %s", first.localAddress())
                .isInstanceOf(BindException.class);
        var jdk = jdkListener();
        assertThatThrownBy(() -> track(weft.listen(jdk.getLocalSocketAddress())))
                .as("weft listener on the port of a java.net listener")
                .isInstanceOf(BindException.class);
        assertThat(first.isClosed()).isFalse();
    }

    @Test
    void portOfAClosedListenerCanBeListenedOnAgain() throws Exception {
        TcpListener first = weftListener();
        InetSocketAddress address = first.localAddress();
        Socket client = jdkConnect(address);
        TcpConnection conn = weftAccept(first);
        conn.close(); // the accepted side closes first, leaving TIME_WAIT on this port
        client.close();
        first.close();
        assertThat(awaitOpenHandles(weft, 0)).isZero();
        TcpListener second = track(weft.listen(address));
        assertThat(second.localAddress()).isEqualTo(address);
    }
}
