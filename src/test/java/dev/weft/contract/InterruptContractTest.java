package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interrupting a virtual thread blocked in weft closes the socket and throws
 * SocketException, keeping the interrupt status, as java.net.Socket does on virtual threads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InterruptContractTest extends ContractTestBase {

    @Test
    void interruptWhileBlockedInReadThrowsClosesConnectionAndKeepsInterruptStatus() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Background.Task<Integer> reader = Background.start("reader", () -> {
            try {
                return conn.read(new byte[10], 0, 10);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        }).awaitParked();

        reader.thread().interrupt();

        assertThat(Background.failureOf(reader)).isInstanceOf(SocketException.class);
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
        assertThat(conn.isOpen()).as("connection open after the interrupt").isFalse();
        assertThat(pair.jdk().getInputStream().read()).as("peer sees the connection closed").isEqualTo(-1);
    }

    @Test
    void readWithInterruptStatusAlreadySetThrowsAndClosesConnection() throws Exception {
        WeftAndJdk pair = weftServerOfJdkClient();
        TcpConnection conn = pair.weft();
        pair.jdk().getOutputStream().write(1); // even with data ready, the interrupt wins
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Background.Task<Integer> reader = Background.start("reader", () -> {
            Thread.currentThread().interrupt();
            try {
                return conn.read(new byte[10], 0, 10);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(Background.failureOf(reader)).isInstanceOf(SocketException.class);
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void interruptWhileBlockedInWriteThrowsClosesConnectionAndKeepsInterruptStatus() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer(); // the peer never reads
        TcpConnection conn = pair.weft();
        AtomicLong written = new AtomicLong();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Background.Task<Void> writer = Background.start("writer", () -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    conn.write(chunk, 0, chunk.length);
                    written.addAndGet(chunk.length);
                }
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        Background.awaitStalled(writer.thread(), written::get);

        writer.thread().interrupt();

        assertThat(Background.failureOf(writer)).isInstanceOf(SocketException.class);
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void interruptWhileBlockedInAcceptThrowsClosesListenerAndKeepsInterruptStatus() throws Exception {
        TcpListener listener = weftListener();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Background.Task<TcpConnection> acceptor = Background.start("acceptor", () -> {
            try {
                return listener.accept();
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        }).awaitParked();

        acceptor.thread().interrupt();

        assertThat(Background.failureOf(acceptor)).isInstanceOf(SocketException.class);
        assertThat(interruptedAfter).as("interrupt status after the exception").isTrue();
        assertThat(listener.isClosed()).as("listener closed by the interrupt").isTrue();
    }

    @Test
    void interruptOfOneReaderLeavesOtherConnectionsWorking() throws Exception {
        WeftPair victim = weftToWeft();
        WeftPair bystander = weftToWeft();
        Background.Task<Integer> reader = Background.start("reader",
                () -> victim.client().read(new byte[10], 0, 10)).awaitParked();
        Background.Task<Integer> other = Background.start("other",
                () -> bystander.client().read(new byte[10], 0, 10)).awaitParked();
        reader.thread().interrupt();
        assertThat(Background.failureOf(reader)).isInstanceOf(SocketException.class);

        bystander.server().write(new byte[] {5}, 0, 1);
        assertThat(Background.await(other)).isEqualTo(1);
        assertThat(bystander.client().isOpen()).isTrue();
    }
}
