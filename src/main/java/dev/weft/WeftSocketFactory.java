package dev.weft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} making {@link WeftSocket}s, for libraries that take a factory (JDBC
 * drivers, Redis and HTTP clients). The public no-argument constructor uses one runtime shared
 * by the whole process, opened on first use and never closed, so a driver can create the
 * factory from its class name, for example PostgreSQL's
 * {@code socketFactory=dev.weft.WeftSocketFactory}.
 *
 * <p>The sockets follow {@link WeftSocket}'s semantics; binding them to a local address or port
 * is not supported.
 */
public final class WeftSocketFactory extends SocketFactory {
    private final WeftRuntime runtime;

    /** Sockets on the process-wide shared runtime (for instantiation by class name). */
    public WeftSocketFactory() {
        this.runtime = null;
    }

    /** Sockets on {@code runtime}; closing it closes them. */
    public WeftSocketFactory(WeftRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /**
     * The process-wide runtime behind the no-argument factories, opened on the first call (for
     * example to read its {@link WeftRuntime#stats()}). Do not close it while those factories'
     * sockets are in use.
     */
    public static WeftRuntime sharedRuntime() {
        return SharedRuntime.get();
    }

    private WeftRuntime runtime() {
        return runtime != null ? runtime : SharedRuntime.get();
    }

    /** An unconnected socket. */
    @Override
    public Socket createSocket() throws IOException {
        return new WeftSocket(runtime());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
