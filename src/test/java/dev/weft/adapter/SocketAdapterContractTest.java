package dev.weft.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.WeftServerSocket;
import dev.weft.WeftSocket;
import dev.weft.contract.Background.Task;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.util.Arrays;
import java.util.concurrent.Future;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WeftSocket} and {@link WeftServerSocket} behave as java.net.Socket and ServerSocket:
 * streams, timeouts, shutdown, close and interrupt, options, and interoperation with the JDK's
 * own sockets. Real sockets on loopback, on whichever backend this platform runs.
 */
class SocketAdapterContractTest extends AdapterTestBase {

    @ParameterizedTest
    @ValueSource(ints = {1, 1_000, 65_536, 1 << 20})
    void bytesEchoThroughTheStreamsUnchanged(int size) throws Exception {
        Pair pair = connectedPair();
        Future<Void> echo = background("echo", () -> {
            InputStream in = pair.accepted().getInputStream();
            OutputStream out = pair.accepted().getOutputStream();
            in.transferTo(out);
            pair.accepted().shutdownOutput();
            return null;
        });
        byte[] sent = payload(size, size);
        Future<Void> writer = background("writer", () -> {
            pair.client().getOutputStream().write(sent);
            pair.client().shutdownOutput();
            return null;
        });
        byte[] received = pair.client().getInputStream().readAllBytes();
        await(writer);
        await(echo);
        assertThat(Arrays.equals(received, sent)).as("%d bytes echoed unchanged", size).isTrue();
    }

    @Test
    void weftClientTalksToJdkServerAndJdkClientToWeftServer() throws Exception {
        ServerSocket jdkServer = track(new ServerSocket(0, 50, loopback()));
        Socket weftClient = weftClient(jdkServer);
        Socket jdkAccepted = track(jdkServer.accept());
        weftClient.getOutputStream().write("to jdk".getBytes());
        assertThat(new DataInputStream(jdkAccepted.getInputStream()).readNBytes(6)).isEqualTo("to jdk".getBytes());

        ServerSocket weftServer = weftServer();
        Socket jdkClient = track(new Socket(loopback(), weftServer.getLocalPort()));
        Socket weftAccepted = accept(weftServer);
        jdkClient.getOutputStream().write("to weft".getBytes());
        assertThat(weftAccepted.getInputStream().readNBytes(7)).isEqualTo("to weft".getBytes());
        assertThat(weftAccepted).isInstanceOf(WeftSocket.class);
        assertThat(weftAccepted.getPort()).isEqualTo(jdkClient.getLocalPort());
        assertThat(weftAccepted.getLocalPort()).isEqualTo(weftServer.getLocalPort());
        assertThat(weftAccepted.getRemoteSocketAddress())
                .isEqualTo(new InetSocketAddress(loopback(), jdkClient.getLocalPort()));
    }

    @Test
    void socketStateMatchesJavaNet() throws Exception {
        Socket unconnected = track(sockets.createSocket());
        assertThat(unconnected.isConnected()).isFalse();
        assertThatThrownBy(unconnected::getInputStream).isInstanceOf(SocketException.class)
                .hasMessageContaining("not connected");

        Pair pair = connectedPair();
        assertThat(pair.client().isConnected()).isTrue();
        assertThat(pair.client().isBound()).isTrue();
        assertThat(pair.accepted().isConnected()).isTrue();
        assertThat(pair.client().getInetAddress()).isEqualTo(loopback());
        assertThat(pair.client().getLocalAddress()).isEqualTo(loopback());
        pair.client().close();
        assertThat(pair.client().isClosed()).isTrue();
        assertThatThrownBy(() -> pair.client().getOutputStream()).isInstanceOf(SocketException.class);
        pair.client().close(); // a second close does nothing
    }

    @Test
    void readTimeoutThrowsAndTheSocketStaysUsable() throws Exception {
        Pair pair = connectedPair();
        pair.client().setSoTimeout(100);
        assertThat(pair.client().getSoTimeout()).isEqualTo(100);
        InputStream in = pair.client().getInputStream();
        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        assertThat(pair.client().isClosed()).isFalse();

        pair.accepted().getOutputStream().write(42);
        pair.client().setSoTimeout((int) PATIENCE.toMillis());
        assertThat(in.read()).isEqualTo(42);
    }

    @Test
    void acceptTimeoutThrowsAndTheServerStaysOpen() throws Exception {
        ServerSocket server = weftServer();
        server.setSoTimeout(100);
        assertThat(server.getSoTimeout()).isEqualTo(100);
        assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        assertThat(server.isClosed()).isFalse();
        Socket client = weftClient(server);
        server.setSoTimeout((int) PATIENCE.toMillis());
        Socket accepted = track(server.accept());
        assertThat(accepted.getPort()).isEqualTo(client.getLocalPort());
    }

    @Test
    void shutdownOutputSendsEndOfStreamAndTheOtherDirectionStillWorks() throws Exception {
        Pair pair = connectedPair();
        pair.client().getOutputStream().write(7);
        pair.client().shutdownOutput();
        assertThat(pair.client().isOutputShutdown()).isTrue();
        InputStream in = pair.accepted().getInputStream();
        assertThat(in.read()).isEqualTo(7);
        assertThat(in.read()).isEqualTo(-1);

        pair.accepted().getOutputStream().write(8);
        assertThat(pair.client().getInputStream().read()).isEqualTo(8);
        assertThatThrownBy(() -> pair.client().getOutputStream()).isInstanceOf(SocketException.class)
                .hasMessageContaining("shutdown");
    }

    @Test
    void shutdownInputMakesReadsReturnEndOfStream() throws Exception {
        Pair pair = connectedPair();
        InputStream in = pair.client().getInputStream();
        pair.client().shutdownInput();
        assertThat(pair.client().isInputShutdown()).isTrue();
        pair.accepted().getOutputStream().write(1);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
        pair.client().getOutputStream().write(2); // output still open
        assertThat(pair.accepted().getInputStream().read()).isEqualTo(2);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRead() throws Exception {
        Pair pair = connectedPair();
        Task<Integer> reader = background("reader", () -> pair.client().getInputStream().read());
        reader.awaitParked();
        pair.client().close();
        assertThat(failureOf(reader)).isInstanceOf(SocketException.class);
        assertThat(pair.accepted().getInputStream().read()).as("peer sees the close").isEqualTo(-1);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedAccept() throws Exception {
        ServerSocket server = weftServer();
        Task<Socket> acceptor = background("acceptor", server::accept);
        acceptor.awaitParked();
        server.close();
        assertThat(failureOf(acceptor)).isInstanceOf(SocketException.class);
        assertThat(server.isClosed()).isTrue();
    }

    @Test
    void interruptingABlockedReadClosesTheSocket() throws Exception {
        Pair pair = connectedPair();
        Task<Boolean> reader = background("reader", () -> {
            try {
                pair.client().getInputStream().read();
                return false;
            } catch (SocketException e) {
                assertThat(e).hasMessage("Closed by interrupt");
                return Thread.currentThread().isInterrupted();
            }
        });
        reader.awaitParked();
        reader.thread().interrupt();
        assertThat(await(reader)).as("interrupt status kept").isTrue();
        assertThat(pair.client().isClosed()).isTrue();
        assertThat(pair.accepted().getInputStream().read()).as("peer sees the close").isEqualTo(-1);
    }

    @Test
    void interruptingABlockedAcceptClosesTheServerSocket() throws Exception {
        ServerSocket server = weftServer();
        Task<String> acceptor = background("acceptor", () -> {
            try {
                server.accept();
                return "accepted";
            } catch (SocketException e) {
                return e.getMessage() + ", interrupted=" + Thread.currentThread().isInterrupted();
            }
        });
        acceptor.awaitParked();
        acceptor.thread().interrupt();
        assertThat(await(acceptor)).isEqualTo("Closed by interrupt, interrupted=true");
        assertThat(server.isClosed()).isTrue();
    }

    @Test
    void writeWithInterruptStatusSetClosesTheSocket() throws Exception {
        Pair pair = connectedPair();
        Future<String> writer = background("writer", () -> {
            Thread.currentThread().interrupt();
            try {
                pair.client().getOutputStream().write(1);
                return "written";
            } catch (SocketException e) {
                return e.getMessage();
            }
        });
        assertThat(await(writer)).isEqualTo("Closed by interrupt");
        assertThat(pair.client().isClosed()).isTrue();
    }

    @Test
    void optionsSetBeforeConnectApplyOnceConnected() throws Exception {
        ServerSocket server = weftServer();
        Socket socket = track(sockets.createSocket());
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        socket.setSoLinger(true, 3);
        socket.setSoTimeout(1234);
        assertThat(socket.getTcpNoDelay()).isTrue();
        socket.connect(addressOf(server), (int) PATIENCE.toMillis());
        accept(server);
        assertThat(socket.getTcpNoDelay()).isTrue();
        assertThat(socket.getKeepAlive()).isTrue();
        assertThat(socket.getSoLinger()).isEqualTo(3);
        assertThat(socket.getSoTimeout()).isEqualTo(1234);

        socket.setTcpNoDelay(false);
        socket.setSoLinger(false, 0);
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, false);
        assertThat(socket.getTcpNoDelay()).isFalse();
        assertThat(socket.getSoLinger()).isEqualTo(-1);
        assertThat(socket.getOption(StandardSocketOptions.SO_KEEPALIVE)).isFalse();
        socket.setReceiveBufferSize(65_536);
        assertThat(socket.getReceiveBufferSize()).isPositive();
        assertThat(socket.supportedOptions()).contains(StandardSocketOptions.TCP_NODELAY)
                .doesNotContain(StandardSocketOptions.SO_REUSEADDR);
    }

    @Test
    void unsupportedOptionsAndCallsFailWithAClearMessage() throws Exception {
        Pair pair = connectedPair();
        Socket socket = pair.client();
        assertThatThrownBy(() -> socket.setReuseAddress(true)).isInstanceOf(SocketException.class)
                .hasMessageContaining("SO_REUSEADDR").hasMessageContaining("not supported");
        assertThatThrownBy(() -> socket.setTrafficClass(4)).isInstanceOf(SocketException.class)
                .hasMessageContaining("IP_TOS");
        assertThatThrownBy(() -> socket.setOption(StandardSocketOptions.IP_TOS, 4))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("IP_TOS");
        assertThatThrownBy(() -> socket.sendUrgentData(1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> socket.setSoTimeout(-1)).isInstanceOf(IllegalArgumentException.class);

        Socket unbound = track(sockets.createSocket());
        assertThatThrownBy(() -> unbound.bind(new InetSocketAddress(loopback(), 0)))
                .isInstanceOf(SocketException.class).hasMessageContaining("bound by connect");

        ServerSocket server = weftServer();
        assertThatThrownBy(() -> server.setReceiveBufferSize(1 << 16)).isInstanceOf(SocketException.class)
                .hasMessageContaining("SO_RCVBUF");
        assertThat(pair.client().getOutputStream()).isNotNull(); // still usable after the refusals
    }

    @Test
    void connectToAClosedPortIsRefusedAndClosesTheSocket() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, loopback())) { // a JDK listener closes at once
            port = probe.getLocalPort();
        }
        Socket socket = track(sockets.createSocket());
        assertThatThrownBy(() -> socket.connect(new InetSocketAddress(loopback(), port)))
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(socket.isClosed()).isTrue();
    }

    @Test
    void theNoArgumentFactoryWorksWhenMadeFromItsClassName() throws Exception {
        ServerSocket server = weftServer();
        SocketFactory byName = (SocketFactory) Class.forName("dev.weft.WeftSocketFactory")
                .getConstructor().newInstance();
        Future<Socket> accepted = background("accept", () -> accept(server));
        try (Socket socket = byName.createSocket("127.0.0.1", server.getLocalPort())) {
            assertThat(socket).isInstanceOf(WeftSocket.class);
            socket.getOutputStream().write(9);
            assertThat(await(accepted).getInputStream().read()).isEqualTo(9);
        }
        ServerSocket sharedServer = (ServerSocket) Class.forName("dev.weft.WeftServerSocketFactory")
                .getMethod("createServerSocket", int.class).invoke(
                        Class.forName("dev.weft.WeftServerSocketFactory").getConstructor().newInstance(), 0);
        try (sharedServer) {
            assertThat(sharedServer).isInstanceOf(WeftServerSocket.class);
            assertThat(sharedServer.getLocalPort()).isPositive();
        }
    }
}
