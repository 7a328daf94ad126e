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
 * <p>Requires Linux 5.19+ (multishot accept); the constructor fails with an IOException when
 * io_uring cannot be set up at all.
 */
public final class IoUringBackend implements Backend {
    /** How long {@link #close()} waits for closed sockets' last completions. */
    private static final long RELEASE_TIMEOUT_SECONDS = 30;

    private final LiveHandles live = new LiveHandles();
    private final DescriptorCloser closer = new DescriptorCloser();
    private final Ring[] rings;
    private final Reaper[] reapers;
    private final AtomicInteger nextRing = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxQueuedAccepts;

    public IoUringBackend(BackendConfig config) throws IOException {
        int n = config.completionThreads();
        rings = new Ring[n];
        reapers = new Reaper[n];
        // Multishot accept keeps one accept posted; acceptsPosted sizes the queue of accepted
        // connections allowed to wait for callers before accepting pauses.
        maxQueuedAccepts = Math.max(16, config.acceptsPosted() * 8);
        try {
            for (int i = 0; i < n; i++) {
                rings[i] = Ring.open(config.queueDepth());
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
        boolean released = live.awaitReleased(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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

    @Override
    public String toString() {
        return "IoUringBackend[rings=" + rings.length + "]";
    }
}
