package dev.weft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link SocketImpl} behind {@link WeftSocket}: a {@link TcpConnection} once connected (by
 * {@code connect} or by a {@link WeftServerSocket}'s accept), and until then the options the
 * caller set, applied when the connection exists.
 *
 * <p>Threading: reads and writes go straight to the connection, which serializes readers and
 * writers itself; connecting, closing and options synchronize on this object so that an option
 * set before connect is never lost and a close racing connect closes the new connection.
 */
final class WeftSocketImpl extends SocketImpl {
    private final WeftRuntime runtime;
    /** Options set before there was a connection, legacy id to value, in the order they were set. */
    private final Map<Integer, Object> pendingOptions = new LinkedHashMap<>();
    private volatile TcpConnection connection;
    private volatile int timeoutMillis;
    private volatile boolean inputShutdown;
    private volatile boolean closed;
    private volatile InputStream input;
    private volatile OutputStream output;

    WeftSocketImpl(WeftRuntime runtime) {
        this.runtime = runtime;
    }

    // ---- creating and connecting ----

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("weft sockets are stream (TCP) sockets only");
        }
        // Nothing to create yet: the OS socket is made by connect (or accept). This may run again
        // on an accepted socket (java.net.Socket creates lazily), so it must change nothing.
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress address, int timeoutMillis) throws IOException {
        ensureOpen();
        if (connection != null) {
            throw new SocketException("Already connected");
        }
        TcpConnection connected;
        try {
            connected = runtime.connect(address, Duration.ofMillis(timeoutMillis));
        } catch (IOException e) {
            throw InterruptedIo.translate(e);
        }
        attach(connected);
    }

    /** Makes {@code connected} this socket's connection: by connect, or by a listener's accept. */
    synchronized void attach(TcpConnection connected) throws IOException {
        if (closed) {
            connected.close();
            throw new SocketException("Socket closed");
        }
        try {
            for (Map.Entry<Integer, Object> option : pendingOptions.entrySet()) {
                applyOption(connected, option.getKey(), option.getValue());
            }
            connected.setReadTimeout(Duration.ofMillis(timeoutMillis));
            InetSocketAddress remote = connected.remoteAddress();
            this.address = remote.getAddress();
            this.port = remote.getPort();
            this.localport = connected.localAddress().getPort();
        } catch (IOException | RuntimeException e) {
            connected.close();
            throw e;
        }
        pendingOptions.clear();
        connection = connected;
    }

    /**
     * java.net lets a client socket bind before connecting; weft binds it as part of connect,
     * so only the "any address, any port" bind that changes nothing is accepted.
     */
    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        if ((host != null && !host.isAnyLocalAddress()) || port != 0) {
            throw new SocketException("weft client sockets are bound by connect; binding to "
                    + host + " port " + port + " is not supported");
        }
    }

    @Override
    protected void listen(int backlog) throws IOException {
        throw new SocketException("a weft client socket cannot listen; use WeftServerSocket");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        throw new SocketException("a weft client socket cannot accept; use WeftServerSocket");
    }

    // ---- streams ----

    @Override
    protected InputStream getInputStream() throws IOException {
        TcpConnection connected = connected();
        InputStream in = input;
        if (in == null) {
            in = new Input(connected);
            input = in;
        }
        return in;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        TcpConnection connected = connected();
        OutputStream out = output;
        if (out == null) {
            out = new Output(connected);
            output = out;
        }
        return out;
    }

    /** The connection's stream, but at end of stream for good once the input is shut down. */
    private final class Input extends InputStream {
        private final TcpConnection connected;

        Input(TcpConnection connected) {
            this.connected = connected;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (inputShutdown) {
                return -1;
            }
            try {
                return connected.read(bytes, offset, length);
            } catch (IOException e) {
                throw InterruptedIo.translate(e);
            }
        }

        @Override
        public int available() throws IOException {
            return WeftSocketImpl.this.available();
        }

        @Override
        public void close() throws IOException {
            WeftSocketImpl.this.close();
        }
    }

    private final class Output extends OutputStream {
        private final TcpConnection connected;

        Output(TcpConnection connected) {
            this.connected = connected;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                connected.write(bytes, offset, length);
            } catch (IOException e) {
                throw InterruptedIo.translate(e);
            }
        }

        @Override
        public void close() throws IOException {
            WeftSocketImpl.this.close();
        }
    }

    /**
     * Always 0 while open: weft learns of bytes only by completing a receive, so it cannot say
     * how many would arrive without blocking (InputStream allows 0).
     */
    @Override
    protected int available() throws IOException {
        ensureOpen();
        return 0;
    }

    // ---- shutdown and close ----

    /**
     * Reads from now on return end of stream, as java.net's do. Unlike the JDK, the OS socket is
     * not shut down for reading: bytes the peer still sends are discarded at close.
     */
    @Override
    protected void shutdownInput() throws IOException {
        connected();
        inputShutdown = true;
    }

    @Override
    protected void shutdownOutput() throws IOException {
        connected().shutdownOutput();
    }

    @Override
    protected void close() {
        TcpConnection connected;
        synchronized (this) {
            closed = true;
            connected = connection;
        }
        if (connected != null) {
            connected.close();
        }
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported by weft sockets");
    }

    // ---- options (legacy ids, as java.net.Socket's setters pass them) ----

    @Override
    public synchronized void setOption(int optionId, Object value) throws SocketException {
        ensureOpen();
        if (optionId == SocketOptions.SO_TIMEOUT) {
            timeoutMillis = AdapterOptions.timeoutMillis(value);
            if (connection != null) {
                connection.setReadTimeout(Duration.ofMillis(timeoutMillis));
            }
            return;
        }
        if (!AdapterOptions.CONNECTION.containsValue(optionId)) {
            throw AdapterOptions.unsupported(optionId);
        }
        if (connection == null) {
            pendingOptions.put(optionId, value);
        } else {
            try {
                applyOption(connection, optionId, value);
            } catch (SocketException e) {
                throw e;
            } catch (IOException e) {
                throw new SocketException(e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized Object getOption(int optionId) throws SocketException {
        ensureOpen();
        if (optionId == SocketOptions.SO_TIMEOUT) {
            return timeoutMillis;
        }
        TcpConnection connected = connection;
        try {
            if (optionId == SocketOptions.SO_BINDADDR) {
                return connected == null ? InetAddress.ofLiteral("0.0.0.0") : connected.localAddress().getAddress();
            }
            if (!AdapterOptions.CONNECTION.containsValue(optionId)) {
                throw AdapterOptions.unsupported(optionId);
            }
            if (connected == null) {
                return pendingOrDefault(optionId);
            }
            return switch (optionId) {
                case SocketOptions.TCP_NODELAY -> connected.noDelay();
                case SocketOptions.SO_KEEPALIVE -> connected.keepAlive();
                case SocketOptions.SO_RCVBUF -> connected.receiveBufferSize();
                case SocketOptions.SO_SNDBUF -> connected.sendBufferSize();
                case SocketOptions.SO_LINGER -> lingerValue(connected.soLinger());
                default -> throw AdapterOptions.unsupported(optionId);
            };
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    private Object pendingOrDefault(int optionId) throws SocketException {
        Object value = pendingOptions.get(optionId);
        if (value != null) {
            return value;
        }
        return switch (optionId) {
            case SocketOptions.TCP_NODELAY, SocketOptions.SO_KEEPALIVE, SocketOptions.SO_LINGER -> Boolean.FALSE;
            default -> throw new SocketException(AdapterOptions.name(optionId)
                    + " is known once a weft socket is connected (the OS socket is made by connect)");
        };
    }

    /** java.net's SO_LINGER: Boolean.FALSE when off, else the seconds as an Integer. */
    private static Object lingerValue(int seconds) {
        return seconds < 0 ? Boolean.FALSE : (Object) seconds;
    }

    private static void applyOption(TcpConnection connected, int optionId, Object value) throws IOException {
        switch (optionId) {
            case SocketOptions.TCP_NODELAY -> connected.setNoDelay((Boolean) value);
            case SocketOptions.SO_KEEPALIVE -> connected.setKeepAlive((Boolean) value);
            case SocketOptions.SO_RCVBUF -> connected.setReceiveBufferSize((Integer) value);
            case SocketOptions.SO_SNDBUF -> connected.setSendBufferSize((Integer) value);
            case SocketOptions.SO_LINGER -> connected.setSoLinger(value instanceof Integer seconds ? seconds : -1);
            default -> throw AdapterOptions.unsupported(optionId);
        }
    }

    // ---- options (java.net.SocketOption, as Socket.setOption passes them) ----

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return AdapterOptions.connectionOptions();
    }

    @Override
    protected <T> void setOption(SocketOption<T> option, T value) throws IOException {
        int id = AdapterOptions.legacyId(option);
        if (option == StandardSocketOptions.SO_LINGER && value instanceof Integer seconds && seconds < 0) {
            setOption(id, Boolean.FALSE);
        } else {
            setOption(id, value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> option) throws IOException {
        Object value = getOption(AdapterOptions.legacyId(option));
        if (option == StandardSocketOptions.SO_LINGER && value instanceof Boolean) {
            value = -1;
        }
        return (T) value;
    }

    // ---- state ----

    private TcpConnection connected() throws SocketException {
        ensureOpen();
        TcpConnection connected = connection;
        if (connected == null) {
            throw new SocketException("Socket is not connected");
        }
        return connected;
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }
}
