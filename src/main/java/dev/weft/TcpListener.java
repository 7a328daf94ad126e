package dev.weft;

import dev.weft.core.NativeListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A TCP socket listening for connections; made by {@link WeftRuntime#listen}.
 *
 * <p>The backend keeps several accepts posted to the kernel, so connections are taken off the
 * OS backlog even while no thread is in {@link #accept()}. Any number of threads may call
 * {@link #accept()} at once; each connection goes to exactly one of them.
 *
 * <p>Closing the listener wakes every thread blocked in {@code accept} with a
 * {@link java.net.SocketException}. Interrupting a virtual thread blocked in {@code accept}
 * closes the listener and throws {@code SocketException("Closed by interrupt")}, as
 * java.net.ServerSocket does.
 */
public final class TcpListener implements AutoCloseable {
    private final WeftRuntime runtime;
    private final NativeListener socket;
    private final InetSocketAddress localAddress;

    TcpListener(WeftRuntime runtime, NativeListener socket) throws IOException {
        this.runtime = runtime;
        this.socket = socket;
        try {
            this.localAddress = socket.localAddress();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Waits for the next connection. */
    public TcpConnection accept() throws IOException {
        return accept(0);
    }

    /**
     * Waits at most {@code timeout} for the next connection.
     *
     * @param timeout {@link Duration#ZERO} for none
     * @throws java.net.SocketTimeoutException if none arrives in time; the listener stays open
     */
    public TcpConnection accept(Duration timeout) throws IOException {
        return accept(Timeouts.toNanos(timeout));
    }

    private TcpConnection accept(long timeoutNanos) throws IOException {
        var event = SocketEvents.beginAccept();
        TcpConnection accepted = new TcpConnection(runtime, socket.accept(timeoutNanos));
        SocketEvents.endAccept(event, this, accepted);
        return accepted;
    }

    /** The bound address, with the actual port when bound to port 0. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Stops listening and wakes blocked {@code accept} calls. A second close does nothing. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "TcpListener[" + localAddress + (isClosed() ? ", closed]" : "]");
    }
}
