package dev.weft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;
import javax.net.ServerSocketFactory;

/**
 * A {@link ServerSocketFactory} making {@link WeftServerSocket}s. The public no-argument
 * constructor uses the process-wide shared runtime, as {@link WeftSocketFactory}'s does.
 */
public final class WeftServerSocketFactory extends ServerSocketFactory {
    private final WeftRuntime runtime;

    /** Server sockets on the process-wide shared runtime (for instantiation by class name). */
    public WeftServerSocketFactory() {
        this.runtime = null;
    }

    /** Server sockets on {@code runtime}; closing it closes them. */
    public WeftServerSocketFactory(WeftRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** An unbound server socket. */
    @Override
    public ServerSocket createServerSocket() {
        return new WeftServerSocket(runtime != null ? runtime : SharedRuntime.get());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return bound(new InetSocketAddress(port), 0);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return bound(new InetSocketAddress(port), backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        return bound(new InetSocketAddress(ifAddress, port), backlog);
    }

    private ServerSocket bound(InetSocketAddress local, int backlog) throws IOException {
        ServerSocket socket = createServerSocket();
        try {
            socket.bind(local, backlog);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
