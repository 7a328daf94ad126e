package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.MsWsock;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.bindings.windows.WsaData;
import dev.weft.core.Backend;
import dev.weft.core.BackendConfig;
import dev.weft.core.FileAccess;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeDatagram;
import dev.weft.core.NativeFile;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Windows backend: one I/O completion port, {@code completionThreads} threads dequeuing it
 * in batches, and sockets whose operations are overlapped Winsock calls (WSARecv, WSASend,
 * AcceptEx, ConnectEx) that complete through it.
 *
 * <p>Every socket is created with WSA_FLAG_OVERLAPPED and associated with the port before its
 * first operation. When the system property {@value #SKIP_PROPERTY} is true (the default), each
 * connection is also put in FILE_SKIP_COMPLETION_PORT_ON_SUCCESS mode, so an operation that
 * completes at once is finished by its submitter without a packet, a thread hop or a park; set it
 * to false to measure or test the packet-only path. Microsoft warns that the mode is unsafe with
 * non-IFS layered service providers, so it is used only when WSAEnumProtocolsW lists none
 * (as Go and .NET check); otherwise it stays off, which the log says once and
 * {@code WeftStats.connectionsWithoutFastPath} counts.
 *
 * <p>Native memory: the per-operation contexts live in {@link OpTable}, in chunks; they are
 * returned to the pool by a handle's release (after its last completion), chunks beyond the
 * first are freed when no context is in use, and the rest by {@link #close()}. The completion
 * threads' entry arrays and scratch come from this backend's arena, freed by {@link #close()}.
 * All of it is reported to the runtime's {@link dev.weft.core.Accounting}.
 */
public final class IocpBackend implements Backend {
    private static final System.Logger LOG = System.getLogger("dev.weft.iocp");
    /** System property: "false" turns off the skip-completion-port-on-success fast path, "always" forces it. */
    public static final String SKIP_PROPERTY = "weft.iocp.skipCompletionPortOnSuccess";
    /** System property: "false" pins the read buffer while a read waits (no zero-byte receive first). */
    public static final String ZERO_BYTE_PROPERTY = "weft.iocp.zeroByteReceive";
    private static final long THREAD_STOP_TIMEOUT_MILLIS = 10_000;
    private static final int DEFAULT_BACKLOG = 50;
    /** GetQueuedCompletionStatusEx batch, at most; queueDepth may ask for less. */
    private static final int MAX_BATCH = 1024;

    private final BackendConfig config;
    private final LiveHandles live = new LiveHandles();
    private final Arena arena = Arena.ofShared();
    private final OpTable table = new OpTable(live.accounting());
    /** Bytes allocated from {@link #arena} (completion threads' arrays), reported to the accounting. */
    private long arenaBytes;
    private final MemorySegment port;
    private final ExtensionFunctions functions;
    private final boolean skipOnSuccess;
    private final boolean zeroByteReceives = Boolean.parseBoolean(System.getProperty(ZERO_BYTE_PROPERTY, "true"));
    private final CompletionLoop[] threads;
    /**
     * One daemon thread, started with the backend: when descriptors run out, starting a thread
     * may fail too, and the retry must still run.
     */
    private final ScheduledThreadPoolExecutor retries = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("weft-accept-retry").daemon().factory());
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The port handle was reported invalid: it is not ours to close any more. */
    private volatile boolean portGone;
    /** Set once, when a completion thread could no longer dequeue: the backend is broken. */
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    /** Operations the submitter finished itself (skip-on-success); for measurements and tests. */
    private final LongAdder completedInline = new LongAdder();

    public IocpBackend(BackendConfig config) throws IOException {
        this.config = config;
        loadFailurePathClasses();
        try (Arena temp = Arena.ofConfined()) {
            int error = Ws2_32.WSAStartup(CallState.allocate(temp), Ws2_32.WINSOCK_VERSION, WsaData.allocate(temp));
            if (error != 0) {
                table.close();
                arena.close();
                throw Errors.exception("WSAStartup", error);
            }
        }
        this.skipOnSuccess = skipOnSuccessWanted();
        MemorySegment openedPort = MemorySegment.NULL;
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(temp);
            openedPort = Kernel32.CreateIoCompletionPort(state, MemorySegment.ofAddress(Kernel32.INVALID_HANDLE_VALUE),
                    MemorySegment.NULL, 0, config.completionThreads());
            if (openedPort.address() == 0) {
                throw Errors.exception("CreateIoCompletionPort", CallState.GetLastError(state));
            }
            this.functions = ExtensionFunctions.load();
        } catch (IOException | RuntimeException e) {
            try (Arena temp = Arena.ofConfined()) {
                if (openedPort.address() != 0) {
                    Kernel32.CloseHandle(CallState.allocate(temp), openedPort);
                }
                Ws2_32.WSACleanup(CallState.allocate(temp));
            }
            table.close();
            arena.close();
            throw e;
        }
        this.port = openedPort;
        int batch = Math.min(config.queueDepth(), MAX_BATCH);
        threads = new CompletionLoop[config.completionThreads()];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new CompletionLoop("weft-iocp-" + i, this, port, table, batch, arena);
            arenaBytes += threads[i].nativeBytes();
        }
        live.accounting().allocated(arenaBytes);
        for (CompletionLoop thread : threads) {
            thread.start();
        }
        retries.prestartCoreThread();
    }

    /**
     * Loads now every binding holder (each downcall's class is loaded on its first call) and the
     * error mapping: at the descriptor limit the JVM cannot open a class file, and the calls a
     * failure, a back-off or a close makes must not die with NoClassDefFoundError there.
     */
    private static void loadFailurePathClasses() {
        try {
            for (Class<?> library : List.of(Kernel32.class, Ws2_32.class, MsWsock.class)) {
                for (Class<?> holder : library.getDeclaredClasses()) {
                    Class.forName(holder.getName(), true, library.getClassLoader());
                }
            }
            Class.forName(Errors.class.getName(), true, Errors.class.getClassLoader());
            Class.forName(dev.weft.core.SocketError.class.getName(), true, Errors.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * {@value #SKIP_PROPERTY}: "true" (the default) uses the mode when every protocol provider is
     * IFS, "always" uses it regardless (for tests, and for users who know their providers),
     * "false" never. Runs after WSAStartup.
     */
    private static boolean skipOnSuccessWanted() {
        return switch (System.getProperty(SKIP_PROPERTY, "true")) {
            case "always" -> true;
            case "false" -> false;
            default -> ProviderCheck.ALL_IFS;
        };
    }

    /** Installed providers rarely change: checked once per process, and said once. */
    private static final class ProviderCheck {
        static final boolean ALL_IFS = check();

        private static boolean check() {
            String unsafe = SocketCalls.nonIfsProviders();
            if (unsafe != null) {
                LOG.log(System.Logger.Level.INFO, "skip-completion-port-on-success stays off (" + unsafe
                        + "): every operation completes through the port; -D" + SKIP_PROPERTY + "=always forces it");
            }
            return unsafe == null;
        }
    }

    @Override
    public String name() {
        return "iocp";
    }

    @Override
    public NativeListener listen(InetSocketAddress local, int backlog) throws IOException {
        checkOpen();
        int family = Sockaddrs.family(local);
        long s = SocketCalls.open(family);
        IocpListener listener;
        try (Arena temp = Arena.ofConfined()) {
            // Not SO_REUSEADDR: on Windows it lets another socket steal a bound port. Exclusive
            // use is the safe reading of "this port is mine".
            SocketCalls.setInt(s, Ws2_32.SOL_SOCKET, Ws2_32.SO_EXCLUSIVEADDRUSE, 1);
            SocketCalls.bind(s, local);
            SocketCalls.listen(s, backlog < 1 ? DEFAULT_BACKLOG : backlog);
            SocketCalls.associate(port, s, CallState.allocate(temp));
            listener = new IocpListener(this, s, family, SocketCalls.localAddress(s), config.acceptsPosted());
        } catch (IOException | RuntimeException e) {
            SocketCalls.closeQuietly(s);
            throw e;
        }
        listener.start();
        return listener;
    }

    @Override
    public NativeSocket openStream(InetSocketAddress remote) throws IOException {
        checkOpen();
        int family = Sockaddrs.family(remote);
        long s = SocketCalls.open(family);
        try (Arena temp = Arena.ofConfined()) {
            SocketCalls.bind(s, Sockaddrs.wildcard(family)); // ConnectEx needs a bound socket
            return adopt(s, family, CallState.allocate(temp));
        } catch (IOException | RuntimeException e) {
            SocketCalls.closeQuietly(s);
            throw e;
        }
    }

    @Override
    public NativeDatagram openDatagram(InetSocketAddress local) throws IOException {
        checkOpen();
        long s = SocketCalls.openDatagram(Sockaddrs.family(local));
        try (Arena temp = Arena.ofConfined()) {
            SocketCalls.ignoreUdpPortUnreachable(s);
            SocketCalls.bind(s, local);
            SocketCalls.associate(port, s, CallState.allocate(temp));
            return IocpDatagram.create(this, s);
        } catch (IOException | RuntimeException e) {
            SocketCalls.closeQuietly(s);
            throw e;
        }
    }

    /**
     * Associates a new connection with the port, puts it in skip-on-success mode when enabled
     * (checking that the call took effect) and wraps it. Called on a completion thread for
     * accepted sockets: it blocks on nothing.
     */
    IocpSocket adopt(long s, int family, MemorySegment state) throws IOException {
        SocketCalls.associate(port, s, state);
        boolean skip = skipOnSuccess && SocketCalls.skipCompletionPortOnSuccess(s, state);
        if (!skip) {
            live.accounting().connectionWithoutFastPath();
        }
        return IocpSocket.create(this, s, family, skip);
    }

    @Override
    public LiveHandles liveHandles() {
        return live;
    }

    OpTable opTable() {
        return table;
    }

    /** Runs listeners' delayed accept retries (see AcceptBackoff); never a completion thread. */
    ScheduledExecutorService retryScheduler() {
        return retries;
    }

    /** The completion port handle; tests close it to force a completion-thread failure. */
    MemorySegment port() {
        return port;
    }

    MemorySegment acceptEx() {
        return functions.acceptEx();
    }

    MemorySegment connectEx() {
        return functions.connectEx();
    }

    boolean zeroByteReceives() {
        return zeroByteReceives;
    }

    void countInline() {
        completedInline.increment();
    }

    /** Operations finished by their submitter without a completion packet. */
    long completedInline() {
        return completedInline.sum();
    }

    /** Completion packets dequeued so far, over all completion threads. */
    long packetsDequeued() {
        long sum = 0;
        for (CompletionLoop thread : threads) {
            sum += thread.packets();
        }
        return sum;
    }

    /** Packets whose handling threw on a completion thread; must stay 0. */
    long dispatchFailures() {
        long sum = 0;
        for (CompletionLoop thread : threads) {
            sum += thread.failures();
        }
        return sum;
    }

    /** Whether connections are put in skip-completion-port-on-success mode. */
    boolean skipsCompletionPortOnSuccess() {
        return skipOnSuccess;
    }

    private void checkOpen() throws IOException {
        IOException broken = failure.get();
        if (broken != null) {
            throw new IOException(broken.getMessage(), broken);
        }
        if (closed.get()) {
            throw new IOException("weft iocp backend is closed");
        }
    }

    /**
     * On a completion thread whose GetQueuedCompletionStatusEx failed: no packet can be trusted
     * to arrive any more. Logs, records the failure (the runtime then reports itself broken),
     * closes every handle and fails every operation still waiting for a packet. The native
     * contexts of those operations are leaked on purpose: the kernel may still write them.
     */
    void completionPortFailed(String thread, int error) {
        IOException cause = new IOException("weft iocp backend is broken: GetQueuedCompletionStatusEx failed on "
                + thread + " (os error " + error + ")");
        if (!failure.compareAndSet(null, cause)) {
            return;
        }
        portGone = error == Kernel32.ERROR_INVALID_HANDLE || error == Kernel32.ERROR_ABANDONED_WAIT_0;
        LOG.log(System.Logger.Level.ERROR, cause.getMessage()
                + "; every pending operation fails and the runtime must be reopened");
        live.closeAll();
        table.abandonAll();
    }

    @Override
    public IOException failure() {
        return failure.get();
    }

    /** A handle's closed-socket exception, naming the backend's failure when there is one. */
    SocketException closedException(SocketException closed) {
        IOException broken = failure.get();
        if (broken == null) {
            return closed;
        }
        SocketException e = new SocketException(closed.getMessage() + ": " + broken.getMessage());
        e.initCause(broken);
        return e;
    }

    /**
     * Closes every socket and listener, waits until each has seen its last completion, then
     * stops the completion threads with one wake packet each, closes the port and cleans up
     * Winsock. If a handle is still not released after the config's {@code closeWait} its native
     * memory is deliberately leaked rather than freed under a pending operation.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        live.closeAll();
        retries.shutdownNow();
        boolean allReleased = live.awaitReleased(config.closeWait().toNanos(), TimeUnit.NANOSECONDS);
        boolean stopped = true;
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(temp);
            for (int i = 0; i < threads.length; i++) {
                Kernel32.PostQueuedCompletionStatus(state, port, 0, CompletionLoop.WAKE_KEY, MemorySegment.NULL);
            }
            for (CompletionLoop thread : threads) {
                // A broken port may never wake a thread blocked on it (Wine does not when the
                // handle is closed): don't wait for it; its arrays are leaked below instead.
                thread.join(failure.get() == null ? THREAD_STOP_TIMEOUT_MILLIS : 1);
                stopped &= !thread.isAlive();
            }
            if (!portGone) {
                Kernel32.CloseHandle(state, port);
            }
            Ws2_32.WSACleanup(state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        // Handles born during the close may still hold op contexts: wait for those too.
        if (allReleased && stopped && table.closeWhenUnused(config.closeWait().toMillis())) {
            arena.close();
            live.accounting().freed(arenaBytes);
        } else if (!allReleased) {
            // As the io_uring backend says it: a call still in flight past closeWait.
            System.err.println("weft: IOCP backend closed with " + live.count()
                    + " handle(s) still waiting for completions; their memory is leaked");
        }
    }

    /**
     * Opens a file for overlapped I/O, associated with the port. Skip-on-success is used unless
     * {@value #SKIP_PROPERTY} is "false": the layered-provider caveat concerns sockets only.
     */
    @Override
    public NativeFile openFile(Path path, FileAccess access) throws IOException {
        checkOpen();
        long handle = FileCalls.open(path.toAbsolutePath().toString(), access);
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(temp);
            SocketCalls.associate(port, handle, state);
            boolean skip = !"false".equals(System.getProperty(SKIP_PROPERTY))
                    && SocketCalls.skipCompletionPortOnSuccess(handle, state);
            IocpFile file = new IocpFile(this, handle, skip);
            file.publish();
            return file;
        } catch (IOException | RuntimeException e) {
            FileCalls.closeQuietly(handle);
            throw e;
        }
    }
}
