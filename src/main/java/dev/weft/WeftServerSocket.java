package dev.weft;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;

/**
 * A {@link java.net.ServerSocket} whose listening and accepting run on weft; {@link #accept()}
 * returns {@link WeftSocket}s. Bind it as any ServerSocket ({@code bind}, or a
 * {@link WeftServerSocketFactory}).
 *
 * <p>As java.net.ServerSocket: {@code setSoTimeout} bounds {@code accept} (then
 * {@link java.net.SocketTimeoutException}, the socket stays open); closing it wakes blocked
 * accepts with {@link java.net.SocketException}; interrupting a virtual thread blocked in
 * {@code accept} closes it and throws {@code SocketException("Closed by interrupt")}. The
 * listener keeps accepts posted in the kernel, so connections are taken off the backlog even
 * while no thread is in {@code accept}. Options other than {@code SO_TIMEOUT} (for example
 * {@code SO_REUSEADDR}, {@code SO_RCVBUF}) throw {@link java.net.SocketException}: weft sets
 * address reuse itself as the JDK does on each OS.
 */
public final class WeftServerSocket extends ServerSocket {
    private final WeftRuntime runtime;

    /** An unbound server socket whose listener will be made by {@code runtime}. */
    public WeftServerSocket(WeftRuntime runtime) {
        super(new WeftServerSocketImpl(Objects.requireNonNull(runtime, "runtime")));
        this.runtime = runtime;
    }

    /** Waits for the next connection and returns it as a connected {@link WeftSocket}. */
    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        WeftSocket socket = new WeftSocket(runtime);
        implAccept(socket);
        return socket;
    }
}
