package dev.weft;

import dev.weft.core.Backend;
import dev.weft.core.BackendConfig;
import dev.weft.core.BufferPool;
import dev.weft.core.FailurePathClasses;
import dev.weft.core.FileAccess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point of weft: one completion port (Windows) or set of rings (Linux), the threads
 * that dequeue its completions, and a pool of native buffers.
 *
 * <p>Open one runtime per process and share it; its listeners and connections are meant to be
 * used from virtual threads, one thread per connection:
 *
 * <pre>{@code
 * try (WeftRuntime weft = WeftRuntime.open();
 *      TcpListener listener = weft.listen(new InetSocketAddress(9000))) {
 *     while (true) {
 *         TcpConnection conn = listener.accept();
 *         Thread.startVirtualThread(() -> echo(conn));
 *     }
 * }
 * }</pre>
 *
 * <p>Closing the runtime closes every listener and connection it made: threads blocked in them
 * wake with a {@link java.net.SocketException}, and native memory is freed once the kernel has
 * reported every outstanding operation.
 */
public final class WeftRuntime implements AutoCloseable {
    /** Default backlog of {@link #listen(SocketAddress)}. */
    public static final int DEFAULT_BACKLOG = 1024;

    private final Backend backend;
    private final BufferPool buffers = new BufferPool();
    private final AtomicBoolean closed = new AtomicBoolean();

    private WeftRuntime(Backend backend) {
        this.backend = backend;
    }

    /** Opens a runtime with the backend for this OS and default settings. */
    public static WeftRuntime open() throws IOException {
        return builder().open();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The backend in use: "iocp" or "io_uring". */
    public String backendName() {
        return backend.name();
    }

    /**
     * Binds a listener to {@code local} with the default backlog. A port of 0 picks a free
     * port; see {@link TcpListener#localAddress()}.
     */
    public TcpListener listen(SocketAddress local) throws IOException {
        return listen(local, DEFAULT_BACKLOG);
    }

    /**
     * Binds a listener to {@code local}.
     *
     * @param backlog pending connections the OS may queue; values below 1 mean the default
     * @throws java.net.BindException if the address is in use or not local
     */
    public TcpListener listen(SocketAddress local, int backlog) throws IOException {
        InetSocketAddress address = Addresses.checkResolved(local, "local");
        ensureOpen();
        int effectiveBacklog = backlog < 1 ? DEFAULT_BACKLOG : backlog;
        var listener = backend.listen(address, effectiveBacklog);
        listener.publish();
        if (listener.isClosed()) {
            throw new SocketException("weft runtime is closed"); // it closed while the listener was made
        }
        return new TcpListener(this, listener);
    }

    /** Connects to {@code remote}, waiting as long as the OS does. */
    public TcpConnection connect(SocketAddress remote) throws IOException {
        return connect(remote, Duration.ZERO);
    }

    /**
     * Connects to {@code remote}.
     *
     * @param timeout {@link Duration#ZERO} for none
     * @throws java.net.SocketTimeoutException if the timeout passes first
     * @throws java.net.ConnectException       if the connection is refused
     * @throws java.net.UnknownHostException   if {@code remote} is unresolved
     */
    public TcpConnection connect(SocketAddress remote, Duration timeout) throws IOException {
        InetSocketAddress address = Addresses.checkResolved(remote, "remote");
        if (address.getPort() == 0) {
            throw new IllegalArgumentException("remote port must not be 0: " + address);
        }
        long timeoutNanos = Timeouts.toNanos(timeout);
        ensureOpen();
        var socket = backend.openStream(address);
        socket.publish(); // connect fails with "Socket closed" if this runtime closed meanwhile
        var event = SocketEvents.beginConnect();
        try {
            socket.connect(address, timeoutNanos);
        } catch (IOException e) {
            SocketEvents.endConnect(event, address, e);
            throw e;
        }
        SocketEvents.endConnect(event, address, null);
        return new TcpConnection(this, socket);
    }

    /**
     * Opens {@code path} with the options of {@code FileChannel.open} (READ, WRITE, APPEND,
     * CREATE, CREATE_NEW, TRUNCATE_EXISTING); its reads, writes and flushes park the caller
     * instead of blocking a carrier. See {@link WeftFile}.
     */
    public WeftFile openFile(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new UnsupportedOperationException("not a file of the default file system: " + path);
        }
        FileAccess access = FileOptions.parse(options);
        ensureOpen();
        return new WeftFile(this, backend.openFile(path, access), access);
    }

    /** Convenience for {@code connect(new InetSocketAddress(host, port))}. */
    public TcpConnection connect(InetAddress host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        return connect(new InetSocketAddress(host, Addresses.checkPort(port)));
    }

    /**
     * Opens a UDP endpoint bound to {@code local} (IPv4 or IPv6, as its address is). A port of
     * 0 picks a free port; see {@link DatagramEndpoint#localAddress()}.
     *
     * @throws java.net.BindException        if the address is in use or not local
     * @throws java.net.UnknownHostException if {@code local} is unresolved
     */
    public DatagramEndpoint bindDatagram(SocketAddress local) throws IOException {
        InetSocketAddress address = Addresses.checkResolved(local, "local");
        ensureOpen();
        var socket = backend.openDatagram(address);
        socket.publish();
        if (socket.isClosed()) {
            throw new SocketException("weft runtime is closed"); // it closed while the socket was made
        }
        return new DatagramEndpoint(this, socket, address.getAddress() instanceof java.net.Inet6Address);
    }

    BufferPool buffers() {
        return buffers;
    }

    /** Open listeners and connections, plus closed ones still waiting for the kernel. */
    public int openHandles() {
        return backend.liveHandles().count();
    }

    /**
     * A snapshot of the operations, handles and native memory this runtime holds; cheap enough
     * to call often (it walks the live handles once).
     */
    public WeftStats stats() {
        var live = backend.liveHandles();
        return new WeftStats(live.operationsInFlight(), live.count(), live.accounting().nativeBytes(),
                buffers.allocatedBytes(), buffers.buffersInUse(), live.accounting().partialSends(),
                live.accounting().acceptsDropped(), live.accounting().acceptRetries(),
                live.accounting().connectionsWithoutFastPath());
    }

    /**
     * Why this runtime is broken, if it is: its backend's completion thread failed (for example
     * the completion port vanished), every pending operation was failed with an exception naming
     * this cause, and no new one can start. Empty while the runtime works.
     */
    public Optional<IOException> failure() {
        return Optional.ofNullable(backend.failure());
    }

    /** Native bytes held by the buffer pool. */
    public long pooledNativeBytes() {
        return buffers.allocatedBytes();
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void ensureOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("weft runtime is closed");
        }
    }

    /**
     * Closes every listener and connection of this runtime, waits for the kernel to report their
     * outstanding operations, stops the completion threads and frees native memory. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            backend.close();
            // A pooled buffer may be the target of a receive still in the kernel if the backend
            // gave up waiting for some completion; then the pool is deliberately left allocated,
            // as the backend leaves its own contexts, rather than freed under the kernel.
            if (backend.liveHandles().count() == 0) {
                buffers.close();
            }
        }
    }

    @Override
    public String toString() {
        return "WeftRuntime[" + backend.name() + (closed.get() ? ", closed]" : "]");
    }

    /** Settings for {@link WeftRuntime#open()}. */
    public static final class Builder {
        private String backend = Backends.defaultName();
        /** 0 until {@link #completionThreads} is called: then the backend's default applies. */
        private int completionThreads;
        private int queueDepth = BackendConfig.DEFAULT_QUEUE_DEPTH;
        private int acceptsPosted = BackendConfig.DEFAULT_ACCEPTS_POSTED;
        private Duration closeWait = BackendConfig.DEFAULT_CLOSE_WAIT;

        private Builder() {
        }

        /** "iocp" or "io_uring"; the default is the OS's own (or the weft.backend property). */
        public Builder backend(String name) {
            this.backend = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Threads that dequeue completions; io_uring: rings. Default: {@code -Dweft.completionThreads}
         * if set, else on IOCP one per CPU and on io_uring one per two carriers of the virtual-thread
         * scheduler (at least one), as many as may wait in the kernel for completions at once.
         */
        public Builder completionThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("completionThreads must be at least 1: " + threads);
            }
            this.completionThreads = threads;
            return this;
        }

        /** Ring entries (io_uring) or completions dequeued per call (IOCP). */
        public Builder queueDepth(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("queueDepth must be at least 1: " + entries);
            }
            this.queueDepth = entries;
            return this;
        }

        /** Accept operations each listener keeps posted to the kernel. */
        public Builder acceptsPosted(int accepts) {
            if (accepts < 1) {
                throw new IllegalArgumentException("acceptsPosted must be at least 1: " + accepts);
            }
            this.acceptsPosted = accepts;
            return this;
        }

        /**
         * How long {@link WeftRuntime#close()} waits for the calls in flight when it starts: it
         * closes every socket, which wakes each thread blocked in a weft call with a {@link
         * java.net.SocketException}, and a socket's native memory is freed only once every call
         * on it has returned (the kernel, or the returning call, may still use it). A woken virtual
         * thread needs a carrier to return; with every carrier busy it may not get one for a long
         * time. Past this wait the close gives up on such calls: it returns and leaks the native
         * memory instead of freeing it under them, and says so on standard error. Default 30 s.
         *
         * @throws IllegalArgumentException if {@code wait} is not positive
         */
        public Builder closeWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("closeWait must be positive: " + wait);
            }
            this.closeWait = wait;
            return this;
        }

        public WeftRuntime open() throws IOException {
            FailurePathClasses.loadAll(); // before any descriptor can run out
            int threads = completionThreads > 0 ? completionThreads : Backends.defaultCompletionThreads(backend);
            var config = new BackendConfig(threads, queueDepth, acceptsPosted, closeWait);
            return new WeftRuntime(Backends.open(backend, config));
        }
    }
}
