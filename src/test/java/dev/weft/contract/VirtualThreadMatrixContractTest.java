package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cells of the virtual-thread matrix (OpenJDK's {@code NetSockets} test: each of read,
 * write, accept, connect against peer close, interrupt already set, async close) that the other
 * contract tests leave out. Every blocking call runs on a virtual thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadMatrixContractTest extends ContractTestBase {

    @Test
    void writeBlockedWhenThePeerClosesInOrderFailsInsteadOfHanging() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        AtomicLong written = new AtomicLong();
        Background.Task<Void> writer = startWriterUntilFailure(pair.weft(), written);

        pair.jdk().close(); // an ordinary close; the bytes it never read make the kernel reset

        assertThat(Background.failureOf(writer))
                .as("the blocked write after %d bytes", written.get())
                .isInstanceOf(SocketException.class);
    }

    @Test
    void writeWithInterruptAlreadySetThrowsClosesConnectionAndKeepsInterruptStatus() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        TcpConnection conn = pair.weft();

        failsWithInterruptAlreadySet("writer", () -> {
            conn.write(new byte[] {1, 2, 3}, 0, 3);
            return null;
        });

        assertThat(conn.isOpen()).as("connection open after the interrupted write").isFalse();
        assertThat(pair.jdk().getInputStream().read()).as("what the peer reads").isEqualTo(-1);
    }

    @Test
    void acceptWithInterruptAlreadySetThrowsClosesListenerAndKeepsInterruptStatus() throws Exception {
        TcpListener listener = weftListener();

        failsWithInterruptAlreadySet("acceptor", () -> track(listener.accept()));

        assertThat(listener.isClosed()).as("listener closed by the interrupt").isTrue();
    }

    @Test
    void connectWithInterruptAlreadySetThrowsAndLeavesNoHandle() throws Exception {
        ServerSocket server = jdkListener();

        failsWithInterruptAlreadySet("connector",
                () -> track(weft.connect(server.getLocalSocketAddress(), Duration.ofSeconds(20))));

        assertThat(awaitOpenHandles(weft, 0)).as("handles after the interrupted connect").isZero();
    }

    /**
     * Runs {@code call} on a virtual thread whose interrupt status is set before the call, and
     * checks that it throws "Closed by interrupt" and leaves the status set, as java.net does.
     */
    private static void failsWithInterruptAlreadySet(String name, Callable<?> call) throws InterruptedException {
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Background.Task<Object> task = Background.start(name, () -> {
            Thread.currentThread().interrupt();
            try {
                return call.call();
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(Background.failureOf(task)).isInstanceOf(SocketException.class)
                .hasMessageContaining("interrupt");
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
    }

    @Test
    void closingTheRuntimeWakesAThreadBlockedInConnect() throws Exception {
        InetSocketAddress silent = fullListener();
        Background.Task<TcpConnection> connector = Background.start("connector",
                () -> track(weft.connect(silent, Duration.ofSeconds(20)))).awaitParked();
        // Parked but maybe not yet in the kernel: the close must wake it either way.

        weft.close();

        assertThat(Background.failureOf(connector))
                .as("the connect blocked while the runtime closed")
                .isInstanceOf(SocketException.class)
                .isNotInstanceOf(SocketTimeoutException.class);
        assertThat(weft.openHandles()).as("handles after the runtime closed").isZero();
    }

    /**
     * A loopback listener whose accept queue is full and whose SYNs therefore go unanswered
     * (Linux, and Wine on Linux, drop them), so a connect to it blocks. Aborts the test where
     * this host answers them anyway.
     */
    private InetSocketAddress fullListener() throws IOException {
        ServerSocket full = track(new ServerSocket(0, 1, loopback()));
        InetSocketAddress address = (InetSocketAddress) full.getLocalSocketAddress();
        for (int i = 0; i < 16; i++) {
            Socket probe = track(new Socket());
            try {
                probe.connect(address, 300);
            } catch (SocketTimeoutException queueFull) {
                return address;
            }
        }
        Assumptions.abort("a loopback listener with a full accept queue still answers connects here");
        throw new AssertionError("unreachable");
    }
}
