package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad arguments get a clear exception before anything happens: the connection stays open, no
 * byte is consumed or sent, and no native handle is created.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputContractTest extends ContractTestBase {

    @Test
    void badReadArgumentsThrowAndConsumeNoByte() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        TcpConnection conn = pair.weft();
        pair.jdk().getOutputStream().write(new byte[] {1, 2, 3});

        assertThatThrownBy(() -> conn.read((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.read((byte[]) null, 0, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.read((ByteBuffer[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.read(new ByteBuffer[] {ByteBuffer.allocate(4), null}))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.read(ByteBuffer.allocate(8).asReadOnlyBuffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> conn.read(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> conn.read(new ByteBuffer[] {ByteBuffer.allocate(4).asReadOnlyBuffer()}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.read(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.read(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.read(new byte[4], 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.read(new ByteBuffer[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        InputStream in = conn.inputStream();
        assertThatThrownBy(() -> in.read(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> in.read(null, 0, 1)).isInstanceOf(NullPointerException.class);

        assertThat(conn.isOpen()).isTrue();
        assertThat(Transfers.readExactly(Duplex.Style.BYTE_ARRAY.over(conn), 3))
                .as("bytes waiting before the bad calls").containsExactly(1, 2, 3);
    }

    @Test
    void badWriteArgumentsThrowAndSendNoByte() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();

        assertThatThrownBy(() -> conn.write((ByteBuffer) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.write((byte[]) null, 0, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.write((ByteBuffer[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.write(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {9}), null}))
                .as("gathering write with a null buffer after a good one").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> conn.write(new byte[4], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.write(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.write(new byte[4], 0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.write(new ByteBuffer[1], 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.outputStream().write(new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);

        assertThat(conn.isOpen()).isTrue();
        conn.write(new byte[] {42}, 0, 1);
        conn.shutdownOutput();
        assertThat(pair.jdk().getInputStream().readAllBytes())
                .as("all the peer received: only the one good write").containsExactly(42);
    }

    @Test
    void negativeOrNullTimeoutsAreRejectedAndChangeNothing() throws Exception {
        WeftPair pair = weftToWeft();
        TcpConnection conn = pair.client();
        conn.setReadTimeout(Duration.ofSeconds(7));
        assertThatThrownBy(() -> conn.setReadTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.setReadTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThat(conn.readTimeout()).isEqualTo(Duration.ofSeconds(7));

        TcpListener listener = weftListener();
        assertThatThrownBy(() -> listener.accept(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(listener.isClosed()).isFalse();

        int handles = weft.openHandles();
        assertThatThrownBy(() -> weft.connect(listener.localAddress(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(weft.openHandles()).as("handles after a rejected connect").isEqualTo(handles);
    }

    @Test
    void badAddressesAreRejectedWithoutOpeningAnything() throws Exception {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("no-such-host.invalid", 80);
        SocketAddress unix = UnixDomainSocketAddress.of("weft-contract.sock");
        SocketAddress foreign = new SocketAddress() { };

        assertThatThrownBy(() -> weft.connect(unresolved)).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("no-such-host.invalid");
        assertThatThrownBy(() -> weft.listen(unresolved)).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> weft.connect(unix)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weft.listen(unix)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weft.connect(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weft.connect((SocketAddress) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> weft.listen(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> weft.connect(null, 80)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> weft.connect(loopback(), 65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> weft.connect(loopback(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weft.connect(loopback(), 0)).as("connect to port 0")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> weft.connect(new InetSocketAddress(loopback(), 0)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(weft.openHandles()).as("handles after rejected addresses").isZero();
        assertThat(weft.isClosed()).isFalse();
    }

    @Test
    void badOptionValuesAreRejectedAndChangeNothing() throws Exception {
        TcpConnection conn = weftToWeft().client();
        int receive = conn.receiveBufferSize();
        int send = conn.sendBufferSize();
        assertThatThrownBy(() -> conn.setReceiveBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.setSendBufferSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(conn.receiveBufferSize()).isEqualTo(receive);
        assertThat(conn.sendBufferSize()).isEqualTo(send);
    }

    @Test
    void useAfterCloseThrowsSocketExceptionAndDoubleCloseIsANoOp() throws Exception {
        WeftPair pair = weftToWeft();
        TcpConnection conn = pair.client();
        int handlesBefore = weft.openHandles();
        conn.close();
        conn.close();
        conn.inputStream().close();
        assertThat(conn.isOpen()).isFalse();
        assertThatThrownBy(() -> conn.read(ByteBuffer.allocate(1))).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> conn.write(ByteBuffer.allocate(1))).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> conn.inputStream().read()).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> conn.outputStream().write(1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(conn::shutdownOutput).isInstanceOf(SocketException.class);

        TcpListener listener = weftListener();
        listener.close();
        listener.close();
        assertThatThrownBy(listener::accept).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> listener.accept(Duration.ofSeconds(1))).isInstanceOf(SocketException.class);
        assertThat(awaitOpenHandles(weft, handlesBefore - 1))
                .as("handles after closing one connection and one listener, twice each")
                .isEqualTo(handlesBefore - 1);
    }
}
