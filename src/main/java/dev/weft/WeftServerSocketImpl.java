package dev.weft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOptions;
import java.time.Duration;

/**
 * The {@link SocketImpl} behind {@link WeftServerSocket}: a {@link TcpListener}, made when
 * java.net.ServerSocket calls {@code bind} then {@code listen}; {@code accept} hands each
 * connection to the {@link WeftSocketImpl} of the Socket that ServerSocket.accept fills in.
 *
 * <p>Threading: any number of threads may accept at once (the listener allows it); binding and
 * closing synchronize on this object so a close racing bind closes the new listener.
 */
final class WeftServerSocketImpl extends SocketImpl {
    private final WeftRuntime runtime;
    private InetAddress bindAddress;
    private int bindPort;
    private volatile TcpListener listener;
    private volatile int timeoutMillis;
    private volatile boolean closed;

    WeftServerSocketImpl(WeftRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("weft sockets are stream (TCP) sockets only");
        }
    }

    @Override
    protected synchronized void bind(InetAddress host, int port) throws IOException {
        ensureOpen();
        bindAddress = host;
        bindPort = port;
    }

    @Override
    protected synchronized void listen(int backlog) throws IOException {
        ensureOpen();
        TcpListener bound = runtime.listen(new InetSocketAddress(bindAddress, bindPort), backlog);
        InetSocketAddress local = bound.localAddress();
        this.address = local.getAddress();
        this.localport = local.getPort();
        listener = bound;
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (!(s instanceof WeftSocketImpl target)) {
            throw new SocketException("a weft server socket accepts into weft sockets only, not "
                    + s.getClass().getName());
        }
        TcpListener bound = listener;
        if (bound == null) {
            ensureOpen();
            throw new SocketException("Socket is not bound yet");
        }
        TcpConnection accepted;
        try {
            accepted = bound.accept(Duration.ofMillis(timeoutMillis));
        } catch (IOException e) {
            throw InterruptedIo.translate(e);
        }
        target.attach(accepted);
    }

    @Override
    protected void close() {
        TcpListener bound;
        synchronized (this) {
            closed = true;
            bound = listener;
        }
        if (bound != null) {
            bound.close();
        }
    }

    // ---- options: only the accept timeout and the bound address ----

    @Override
    public void setOption(int optionId, Object value) throws SocketException {
        ensureOpen();
        if (optionId != SocketOptions.SO_TIMEOUT) {
            throw AdapterOptions.unsupported(optionId);
        }
        timeoutMillis = AdapterOptions.timeoutMillis(value);
    }

    @Override
    public Object getOption(int optionId) throws SocketException {
        ensureOpen();
        return switch (optionId) {
            case SocketOptions.SO_TIMEOUT -> timeoutMillis;
            case SocketOptions.SO_BINDADDR -> address;
            default -> throw AdapterOptions.unsupported(optionId);
        };
    }

    // ---- what a listening socket does not have ----

    @Override
    protected void connect(String host, int port) throws IOException {
        throw notAConnection();
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        throw notAConnection();
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        throw notAConnection();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        throw notAConnection();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        throw notAConnection();
    }

    @Override
    protected int available() throws IOException {
        throw notAConnection();
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw notAConnection();
    }

    private static SocketException notAConnection() {
        return new SocketException("a weft server socket only listens and accepts");
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }
}
