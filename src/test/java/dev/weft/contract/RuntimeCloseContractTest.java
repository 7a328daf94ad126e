package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing the runtime ends everything it made, wakes every blocked thread, and leaks nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeCloseContractTest extends ContractTestBase {

    @Test
    void runtimeCloseWakesEveryThreadBlockedInReadWriteOrAcceptPromptlyAndReleasesAllHandles() throws Exception {
        // The peers are java.net sockets that stay open: had both ends been weft, closing one end
        // would send the other a FIN that may legitimately complete its read with end of stream
        // before the runtime gets to close it.
        List<Background.Task<?>> blocked = new ArrayList<>();
        TcpListener listener = weftListener();
        for (int i = 0; i < 20; i++) {
            jdkConnect(listener.localAddress());
            TcpConnection accepted = weftAccept(listener);
            blocked.add(Background.start("server-reader-" + i, () -> accepted.read(new byte[10], 0, 10)));
        }
        for (int i = 0; i < 20; i++) {
            TcpConnection conn = weftClientOfJdkServer().weft();
            blocked.add(Background.start("client-reader-" + i,
                    () -> conn.read(java.nio.ByteBuffer.allocateDirect(16))));
        }
        TcpListener idle = weftListener();
        for (int i = 0; i < 5; i++) {
            blocked.add(Background.start("acceptor-" + i, () -> idle.accept()));
        }
        for (Background.Task<?> task : blocked) {
            task.awaitParked();
        }
        AtomicLong written = new AtomicLong();
        blocked.add(startWriterUntilFailure(weftClientOfJdkServer().weft(), written));
        assertThat(weft.openHandles()).as("handles before the runtime closes").isGreaterThanOrEqualTo(43);

        long start = System.nanoTime();
        weft.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);

        for (Background.Task<?> task : blocked) {
            assertThat(Background.failureOf(task)).as("outcome of %s", task.thread().getName())
                    .isInstanceOf(IOException.class);
        }
        Duration allWoken = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("[weft contract] runtime close took " + closing.toMillis() + " ms; "
                + blocked.size() + " blocked threads woken within " + allWoken.toMillis() + " ms");
        assertThat(allWoken).as("time to wake %d blocked threads", blocked.size()).isLessThan(Duration.ofSeconds(10));
        assertThat(weft.openHandles()).as("handles after runtime close returned").isZero();
        assertThat(listener.isClosed()).isTrue();
        assertThat(idle.isClosed()).isTrue();
    }

    @Test
    void connectionsAndListenersOfAClosedRuntimeAreClosed() throws Exception {
        WeftPair pair = weftToWeft();
        TcpListener listener = weftListener();
        weft.close();
        assertThat(pair.client().isOpen()).isFalse();
        assertThat(pair.server().isOpen()).isFalse();
        assertThat(listener.isClosed()).isTrue();
        assertThatThrownBy(() -> pair.client().read(new byte[1], 0, 1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> pair.server().write(new byte[1], 0, 1)).isInstanceOf(SocketException.class);
        assertThatThrownBy(listener::accept).isInstanceOf(SocketException.class);
        assertThat(weft.openHandles()).isZero();
    }

    @Test
    void closedRuntimeRefusesNewListenersAndConnectionsAndClosesTwiceQuietly() throws Exception {
        TcpListener listener = weftListener();
        var address = listener.localAddress();
        weft.close();
        weft.close();
        assertThat(weft.isClosed()).isTrue();
        assertThatThrownBy(() -> weft.listen(anyPort(loopback()))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> weft.connect(address)).isInstanceOf(IOException.class);
        assertThat(weft.openHandles()).isZero();
    }
}
