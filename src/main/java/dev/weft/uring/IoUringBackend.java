package dev.weft.uring;

import dev.weft.core.Backend;
import dev.weft.core.BackendConfig;
import dev.weft.core.CloseWait;
import dev.weft.core.FileAccess;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeDatagram;
import dev.weft.core.NativeFile;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Linux backend: sockets whose accept, connect, recv and send are io_uring operations.
 *
 * <p>Threads and rings: {@link BackendConfig#completionThreads()} rings (by default
 * {@link #defaultRings()}: one per carrier that may wait in the kernel). Each has an owner, its
 * {@link CompletionLoop} platform thread, which submits what must outlive any carrier (connects,
 * accepts, one-shot recvs, cancels, file operations) and sleeps in the kernel while the ring is
 * quiet; and a {@link CompletionReaper}, a virtual thread that reaps while completions keep
 * coming, waiting briefly for the next one on its carrier (see {@link Ring}). A recv, send or
 * connect goes to the ring of the CPU its thread runs on (CPU number modulo rings); the rings
 * share one {@link OpTable}, so a CQE finds its op whichever ring carried it (see {@link Rings}).
 * A listener's multishot accept and a socket's multishot recv stay on a home ring chosen
 * round-robin. Each ring's CQ has room for {@code weft.uring.cqEntries} CQEs (default
 * {@value #DEFAULT_CQ_ENTRIES}): every parked read is a CQE to come, and CQEs beyond that are kept
 * by the kernel and moved in when the ring is reaped, never lost.
 *
 * <p>Receiving: on Linux 6.0+ each socket keeps one multishot recv armed (submitted by the
 * carrier of the thread that arms it) that fills buffers the kernel picks from the ring's
 * {@link ProvidedBuffers} (see {@link MultishotReceiver}): a read that finds data costs no
 * system call. Otherwise, or with {@code -Dweft.uring.multishotRecv=false}, each read is one
 * IORING_OP_RECV into the caller's memory. Sending: a send first goes straight to the socket
 * (MSG_DONTWAIT, no CQE); only a send into a full socket buffer becomes an IORING_OP_SEND that
 * parks. So a ping-pong round trip costs one system call (measurements: bench/results).
 * System properties:
 * <ul>
 * <li>{@code weft.uring.multishotRecv} (default: true on Linux 6.0+);
 * <li>{@code weft.uring.recvBuffers} (default {@value #DEFAULT_RECV_BUFFERS}, rounded up to a
 *     power of two, at most 32768) and {@code weft.uring.recvBufferSize} (default
 *     {@value #DEFAULT_RECV_BUFFER_SIZE} bytes): the buffers per ring. They are mapped once per
 *     ring and committed as the kernel first fills them; a connection holds one only between a
 *     chunk's arrival and the read that copies it out. Only a window of them (64 at first,
 *     growing when the kernel runs out) is offered to the kernel at a time, most recently used
 *     first, so chunks land in warm memory (see {@link ProvidedBuffers});
 * <li>{@code weft.uring.recvOnRingThread} (default false): the ring's own thread submits the
 *     multishot recvs, instead of the carrier that arms them, so that their completion work never
 *     waits for a carrier busy with user code (see {@link MultishotReceiver}); it costs wake-ups
 *     of that thread (measurements: README);
 * <li>{@code weft.uring.reaperWaitMicros} (default {@value #DEFAULT_REAPER_WAIT_MICROS}): how long a
 *     ring's reaper, finding the CQ empty, waits for the next CQE in the kernel on its carrier
 *     before it ends its turn (see {@link CompletionReaper}); 0: it never waits there.
 * </ul>
 *
 * <p>Requires Linux 5.19+ (multishot accept) and, for multishot recv, 6.0+; the constructor
 * fails with an IOException when io_uring cannot be set up at all.
 */
public final class IoUringBackend implements Backend {
    static final int DEFAULT_CQ_ENTRIES = 16384;
    static final int DEFAULT_RECV_BUFFERS = 8192;
    static final int DEFAULT_RECV_BUFFER_SIZE = 8192;
    /**
     * True when sockets receive through multishot recv and provided buffers: by default when
     * the kernel has it (Linux 6.0+), or as {@code -Dweft.uring.multishotRecv} says.
     */
    static final boolean MULTISHOT_RECV = multishotRecvWanted(System.getProperty("weft.uring.multishotRecv"),
            System.getProperty("os.version", ""));
    private static final int RECV_BUFFERS = Math.min(32768, Integer.highestOneBit(
            Math.max(1, Integer.getInteger("weft.uring.recvBuffers", DEFAULT_RECV_BUFFERS)) * 2 - 1));
    private static final int CQ_ENTRIES = Math.max(16, Integer.getInteger("weft.uring.cqEntries", DEFAULT_CQ_ENTRIES));
    private static final int RECV_BUFFER_SIZE =
            Math.max(64, Integer.getInteger("weft.uring.recvBufferSize", DEFAULT_RECV_BUFFER_SIZE));
    /** True when the ring's thread, not the arming carrier, submits multishot recvs. */
    static final boolean RECV_ON_RING_THREAD = Boolean.getBoolean("weft.uring.recvOnRingThread");
    static final long DEFAULT_REAPER_WAIT_MICROS = 2000;
    /** How long a ring's reaper may wait for the next CQE on its carrier (see {@link CompletionReaper}). */
    private static final long REAPER_WAIT_NANOS = 1000 * Math.max(0,
            Long.getLong("weft.uring.reaperWaitMicros", DEFAULT_REAPER_WAIT_MICROS));

    private final LiveHandles live = new LiveHandles();
    private final DescriptorCloser closer = new DescriptorCloser();
    private final Ring[] rings;
    private final Rings ringSet;
    private final OpTable ops = new OpTable();
    private final CompletionLoop[] loops;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxQueuedAccepts;
    /** How long {@link #close()} waits for the calls in flight to return (the config's closeWait). */
    private final long closeWaitNanos;

    /**
     * Rings when neither the builder nor {@code weft.completionThreads} says: as many as carriers
     * that may wait in the kernel for completions at once ({@link CarrierWaits}: half the
     * scheduler's carriers), at least one. With more rings than that, reapers that find their CQ
     * empty compete for the waits, and one that gets none ends its turn: its ring's next
     * completions take the longer way, through the owner thread's eventfd and a wake-up of the
     * reaper (measured on 2 CPUs: bench/results/investigations.md, "One ring per two carriers").
     */
    public static int defaultRings() {
        return Math.max(1, CarrierWaits.allowed(CarrierWaits.schedulerParallelism()));
    }

    static boolean multishotRecvWanted(String setting, String kernelVersion) {
        if (setting != null && !setting.isBlank()) {
            return Boolean.parseBoolean(setting.trim());
        }
        String[] parts = kernelVersion.split("[.-]");
        try {
            return parts.length >= 1 && Integer.parseInt(parts[0]) >= 6; // multishot recv: 6.0
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public IoUringBackend(BackendConfig config) throws IOException {
        this(config, MULTISHOT_RECV ? RECV_BUFFERS : 0, RECV_BUFFER_SIZE, CQ_ENTRIES);
    }

    /**
     * @param recvBuffers    provided buffers per ring (a power of two), or 0 for one-shot recvs
     * @param recvBufferSize bytes per buffer
     * @param cqEntries      CQEs per ring (at least twice the SQ entries)
     */
    IoUringBackend(BackendConfig config, int recvBuffers, int recvBufferSize, int cqEntries) throws IOException {
        int n = config.completionThreads();
        rings = new Ring[n];
        loops = new CompletionLoop[n];
        // Multishot accept keeps one accept posted; acceptsPosted sizes the queue of accepted
        // connections allowed to wait for callers before accepting pauses.
        maxQueuedAccepts = Math.max(16, config.acceptsPosted() * 8);
        closeWaitNanos = config.closeWait().toNanos();
        try {
            for (int i = 0; i < n; i++) {
                rings[i] = Ring.open(config.queueDepth(), cqEntries, recvBuffers, recvBufferSize, ops,
                        live.accounting());
                loops[i] = new CompletionLoop(rings[i], "weft-io_uring-" + i, REAPER_WAIT_NANOS);
            }
        } catch (IOException | RuntimeException e) {
            for (Ring ring : rings) {
                if (ring != null) {
                    ring.close();
                }
            }
            throw e;
        }
        ringSet = new Rings(rings, ops);
        for (CompletionLoop loop : loops) {
            loop.start();
        }
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public NativeListener listen(InetSocketAddress local, int backlog) throws IOException {
        checkOpen();
        int fd = SocketCalls.open(Sockaddrs.family(local));
        UringListener listener;
        try {
            SocketCalls.bindAndListen(fd, local, backlog);
            listener = new UringListener(live, ringSet.next(), closer, fd, maxQueuedAccepts, this::adopt);
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
        int fd = SocketCalls.open(Sockaddrs.family(remote));
        return adopt(fd);
    }

    @Override
    public NativeDatagram openDatagram(InetSocketAddress local) throws IOException {
        checkOpen();
        int fd = SocketCalls.openDatagram(Sockaddrs.family(local));
        try {
            SocketCalls.bind(fd, local);
        } catch (IOException | RuntimeException e) {
            SocketCalls.close(fd);
            throw e;
        }
        return UringDatagram.adopt(live, ringSet, closer, fd);
    }

    private UringSocket adopt(int fd) {
        return UringSocket.adopt(live, ringSet, closer, fd);
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

    /** The rings, for tests. */
    Rings rings() {
        return ringSet;
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
        return ops.live();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closer.startDeferring();
        live.closeAll();
        closer.stopDeferring();
        for (CompletionLoop loop : loops) {
            loop.drain(); // the cancels' completions are reaped even with no carrier for a reaper
        }
        boolean released = live.awaitReleased(closeWaitNanos, TimeUnit.NANOSECONDS)
                && awaitRecvsClosed(closeWaitNanos);
        boolean interrupted = false;
        for (CompletionLoop loop : loops) {
            loop.requestStop(); // all at once: each may wait a while for its reaper
        }
        for (CompletionLoop loop : loops) {
            // Not cut short by an interrupt: the ring must not be freed under a loop still in it.
            // The wait is bounded (the reaper's stop has a limit).
            while (true) {
                try {
                    loop.awaitStopped();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
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
        return CloseWait.until(this::recvsClosed, timeoutNanos);
    }

    private boolean recvsClosed() {
        for (Ring ring : rings) {
            if (ring.recvsClosing() > 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "IoUringBackend[rings=" + rings.length + "]";
    }

    @Override
    public NativeFile openFile(Path path, FileAccess access) throws IOException {
        checkOpen();
        return UringFile.open(live, ringSet, closer, path.toString(), access);
    }
}
