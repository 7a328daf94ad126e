package dev.weft.uring;

import dev.weft.core.Backend;
import dev.weft.core.BackendConfig;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Linux backend: sockets whose accept, connect, recv and send are io_uring operations.
 *
 * <p>Threads and rings: {@link BackendConfig#completionThreads()} rings. Each is reaped by the
 * threads that submit to it (right after their io_uring_enter, see {@link Ring}) and by its own
 * {@link Reaper}, a virtual thread backed by one platform {@link IdleWaiter} for idle times. A
 * socket is assigned to a ring round-robin when it is created or accepted and keeps it for life,
 * so all of its ops and their CQEs go through one ring and the completion path needs no
 * cross-ring coordination.
 *
 * <p>Receiving: by default each read is one IORING_OP_RECV into the caller's memory. With
 * {@code -Dweft.uring.multishotRecv=true} each socket instead keeps one multishot recv armed
 * that fills buffers the kernel picks from the ring's {@link ProvidedBuffers} (see
 * {@link MultishotReceiver}): a read costs no system call, so a ping-pong round trip costs one
 * io_uring_enter (the send) instead of two. Measured at 100 x 64 B on a loaded 2-core machine:
 * 0.98 instead of 1.95 io_uring_enter and 0.33 instead of 0.42 context switches per round trip,
 * but no throughput gain beyond the noise, so it is not the default yet. System properties:
 * <ul>
 * <li>{@code weft.uring.multishotRecv} (default false);
 * <li>{@code weft.uring.recvBuffers} (default {@value #DEFAULT_RECV_BUFFERS}, rounded up to a
 *     power of two, at most 32768) and {@code weft.uring.recvBufferSize} (default
 *     {@value #DEFAULT_RECV_BUFFER_SIZE} bytes): the buffers per ring. They are mapped once per
 *     ring and committed as the kernel first fills them; a connection holds one only between a
 *     chunk's arrival and the read that copies it out.
 * </ul>
 *
 * <p>Requires Linux 5.19+ (multishot accept) and, for multishot recv, 6.0+; the constructor
 * fails with an IOException when io_uring cannot be set up at all.
 */
public final class IoUringBackend implements Backend {
    /** How long {@link #close()} waits for closed sockets' last completions. */
    private static final long RELEASE_TIMEOUT_SECONDS = 30;

    static final int DEFAULT_RECV_BUFFERS = 1024;
    static final int DEFAULT_RECV_BUFFER_SIZE = 8192;
    /** True when sockets receive through multishot recv and provided buffers. */
    static final boolean MULTISHOT_RECV =
            Boolean.parseBoolean(System.getProperty("weft.uring.multishotRecv", "false"));
    private static final int RECV_BUFFERS = Math.min(32768, Integer.highestOneBit(
            Math.max(1, Integer.getInteger("weft.uring.recvBuffers", DEFAULT_RECV_BUFFERS)) * 2 - 1));
    private static final int RECV_BUFFER_SIZE =
            Math.max(64, Integer.getInteger("weft.uring.recvBufferSize", DEFAULT_RECV_BUFFER_SIZE));

    private final LiveHandles live = new LiveHandles();
    private final DescriptorCloser closer = new DescriptorCloser();
    private final Ring[] rings;
    private final Reaper[] reapers;
    private final AtomicInteger nextRing = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxQueuedAccepts;

    public IoUringBackend(BackendConfig config) throws IOException {
        this(config, MULTISHOT_RECV ? RECV_BUFFERS : 0, RECV_BUFFER_SIZE);
    }

    /**
     * @param recvBuffers    provided buffers per ring (a power of two), or 0 for one-shot recvs
     * @param recvBufferSize bytes per buffer
     */
    IoUringBackend(BackendConfig config, int recvBuffers, int recvBufferSize) throws IOException {
        int n = config.completionThreads();
        rings = new Ring[n];
        reapers = new Reaper[n];
        // Multishot accept keeps one accept posted; acceptsPosted sizes the queue of accepted
        // connections allowed to wait for callers before accepting pauses.
        maxQueuedAccepts = Math.max(16, config.acceptsPosted() * 8);
        try {
            for (int i = 0; i < n; i++) {
                rings[i] = Ring.open(config.queueDepth(), recvBuffers, recvBufferSize, live.accounting());
                reapers[i] = new Reaper(rings[i], "weft-io_uring-" + i);
            }
        } catch (IOException | RuntimeException e) {
            for (Ring ring : rings) {
                if (ring != null) {
                    ring.close();
                }
            }
            throw e;
        }
        for (Reaper reaper : reapers) {
            reaper.start();
        }
    }

    /** Like the constructor, for callers that cannot take a checked exception. */
    public static IoUringBackend open(BackendConfig config) {
        try {
            return new IoUringBackend(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public NativeListener listen(InetSocketAddress local, int backlog) throws IOException {
        checkOpen();
        int fd = SocketCalls.open(SockaddrCodec.family(local));
        UringListener listener;
        try {
            SocketCalls.bindAndListen(fd, local, backlog);
            listener = new UringListener(live, ring(), closer, fd, maxQueuedAccepts, this::adopt);
        } catch (IOException | RuntimeException e) {
            SocketCalls.close(fd);
            throw e;
        }
        listener.arm();
        return listener;
    }

    @Override
    public NativeSocket openStream(InetSocketAddress remote) throws IOException {
        checkOpen();
        int fd = SocketCalls.open(SockaddrCodec.family(remote));
        return adopt(fd);
    }

    private UringSocket adopt(int fd) {
        return UringSocket.adopt(live, ring(), closer, fd);
    }

    private Ring ring() {
        return rings[Math.floorMod(nextRing.getAndIncrement(), rings.length)];
    }

    private void checkOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("io_uring backend is closed");
        }
    }

    @Override
    public LiveHandles liveHandles() {
        return live;
    }

    /** Ring count, for tests. */
    int ringCount() {
        return rings.length;
    }

    /** Provided buffers filled by the kernel and not yet given back, across all rings; for tests. */
    int recvBuffersOutstanding() {
        int sum = 0;
        for (Ring ring : rings) {
            ProvidedBuffers buffers = ring.recvBuffers();
            sum += buffers == null ? 0 : buffers.outstanding();
        }
        return sum;
    }

    /** Registered ops across all rings, for tests: 0 once every socket is released. */
    int registeredOps() {
        int sum = 0;
        for (Ring ring : rings) {
            sum += ring.ops().live();
        }
        return sum;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closer.startDeferring();
        live.closeAll();
        closer.stopDeferring();
        boolean released = live.awaitReleased(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                && awaitRecvsClosed(TimeUnit.SECONDS.toNanos(RELEASE_TIMEOUT_SECONDS));
        boolean interrupted = false;
        for (Reaper reaper : reapers) {
            try {
                reaper.stop();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (released) {
            for (Ring ring : rings) {
                ring.close();
            }
        } else {
            // Some op never completed (a kernel or weft bug). Its memory may still be written by
            // the kernel, so the rings and buffers are leaked rather than freed under it.
            System.err.println("weft: io_uring backend closed with " + live.count()
                    + " handle(s) still waiting for completions; their memory is leaked");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until every released socket's multishot recv has delivered its final CQE. */
    private boolean awaitRecvsClosed(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                int closing = 0;
                for (Ring ring : rings) {
                    closing += ring.recvsClosing();
                }
                if (closing == 0) {
                    return true;
                }
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "IoUringBackend[rings=" + rings.length + "]";
    }
}
