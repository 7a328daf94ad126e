package dev.weft.uring;

import dev.weft.core.Accounting;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static dev.weft.bindings.linux.Errno.ECANCELED;
import static dev.weft.bindings.linux.Errno.ECONNRESET;
import static dev.weft.bindings.linux.Errno.ENOBUFS;
import static dev.weft.bindings.linux.Errno.ENOMEM;
import static dev.weft.bindings.linux.IoUring.IORING_CQE_BUFFER_SHIFT;
import static dev.weft.bindings.linux.IoUring.IORING_CQE_F_BUFFER;
import static dev.weft.bindings.linux.IoUring.IORING_CQE_F_MORE;
import static dev.weft.bindings.linux.IoUring.IORING_OP_RECV;
import static dev.weft.bindings.linux.IoUring.IORING_RECV_MULTISHOT;
import static dev.weft.bindings.linux.IoUring.IOSQE_BUFFER_SELECT;

/**
 * A socket's receive side as one multishot recv (IORING_RECV_MULTISHOT with
 * IOSQE_BUFFER_SELECT) armed for the connection's lifetime: each arriving chunk lands in a
 * buffer the kernel picks from the ring's {@link ProvidedBuffers}, so a read costs no system
 * call, and a connection nobody reads from holds no receive buffer.
 *
 * <p><b>Flow.</b> The thread reaping the ring ({@link #onCqe}, holding its reaping turn) copies
 * each chunk straight into the memory of a waiting reader and completes its op, when one waits
 * and nothing older is queued; otherwise it appends the chunk to a {@link ChunkQueue} (and then
 * serves a waiting reader from there). A reader ({@link #startRecv}) copies whatever is queued and
 * completes inline; with nothing queued it publishes its op in the {@code waiting} slot and
 * parks. Who serves a published op is decided by one CAS on that slot (the reaping thread
 * serving it, the reader taking it back, or a cancel failing it), so exactly one of them
 * completes the op. Both sides publish first and look second (reader: slot, then queue and
 * state; reaper: queue and state, then slot), with volatile accesses, so a chunk or the end of
 * the recv can never slip between a reader's look and its park.
 *
 * <p><b>Buffers.</b> A chunk's buffer goes back to the kernel once its last byte is copied
 * out; a partial read keeps the rest for the next. EOF and a reset are sticky entries at the
 * end of the queue (every later read sees them); other errors are reported once.
 *
 * <p><b>Re-arming.</b> A CQE without IORING_CQE_F_MORE means the recv is gone. EOF and reset end
 * receiving for good. Otherwise the recv is re-armed at once when a reader waits or little is
 * queued; else the next reader arms it (the kernel keeps the data meanwhile, which is what an
 * idle connection should cost). When the ring has no free buffer (the recv ended with ENOBUFS,
 * or the count says so) a reader is served by a one-shot recv into its own memory instead, so a
 * pool drained by connections whose readers lag can never stall another connection. A reader's
 * memory may be on the Java heap (a {@code byte[]}: this class only copies into it), except for
 * that one-shot recv: the kernel needs native memory, so it lands in a bounce buffer this
 * receiver makes on first need, and is copied to the reader when it completes.
 *
 * <p><b>Backpressure.</b> When {@link #PAUSE_CHUNKS} chunks are queued (each holds one ring
 * buffer, however small), the multishot recv is cancelled; it is re-armed when the reader has
 * brought the queue down to {@link #RESUME_CHUNKS}. Both sides decide after publishing their
 * own state, so the recv cannot stay disarmed under a short queue with a reader waiting.
 *
 * <p><b>Close.</b> {@link #close} (from the socket's release, when no read is in flight)
 * cancels the recv; the descriptor is closed and the slot freed only at the recv's final CQE,
 * and queued buffers go back to the ring.
 */
final class MultishotReceiver implements Completion {
    /** Queued chunks at which the recv is paused. */
    static final int PAUSE_CHUNKS = 16;
    /** Queued chunks at or below which a paused recv is re-armed. */
    static final int RESUME_CHUNKS = 4;

    // States of the recv.
    /** Not posted; the next reader (or a drained queue) arms it. */
    private static final int IDLE = 0;
    /** The multishot recv is posted. */
    private static final int ARMED = 1;
    /** Cancel asked for backpressure; its final CQE makes it IDLE. */
    private static final int PAUSING = 2;
    /** A one-shot recv into the reader's memory is in flight (no ring buffer was free). */
    private static final int SINGLE = 3;
    /** EOF or reset is queued: never armed again. */
    private static final int ENDED = 4;
    /** Socket released, cancel asked; the final CQE tears down. */
    private static final int CLOSING = 5;
    /** Torn down. */
    private static final int CLOSED = 6;
    /** The states by number, for {@link #describe}. */
    private static final String[] STATE_NAMES = {"IDLE", "ARMED", "PAUSING", "SINGLE", "ENDED", "CLOSING", "CLOSED"};

    // Queue entries: kind in bits 56..58, buffer id in 32..47, length or errno in 0..31. Never 0.
    private static final long DATA = 1L << 56;
    private static final long END = 2L << 56;      // EOF (errno 0) or a sticky error
    private static final long ERROR = 3L << 56;    // reported once
    private static final long KIND = 7L << 56;

    private static final VarHandle WAITING;
    private static final VarHandle STATE;
    private static final VarHandle QUEUED;
    /** All of memory, to copy into a reader's segment from any thread. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WAITING = lookup.findVarHandle(MultishotReceiver.class, "waiting", PendingOp.class);
            STATE = lookup.findVarHandle(MultishotReceiver.class, "state", int.class);
            QUEUED = lookup.findVarHandle(MultishotReceiver.class, "queuedChunks", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ring ring;
    private final ProvidedBuffers buffers;
    private final Accounting accounting;
    private final int fd;
    private final int slot;
    private final Runnable closeDescriptor;
    /** The socket's read op, which also carries the one-shot recvs. */
    private final UringOp reader;
    private final ChunkQueue queue = new ChunkQueue();
    // Fields, not AtomicIntegers: both are touched on every chunk, and with thousands of
    // connections one object fewer per chunk is one cache miss fewer.
    private volatile int state = IDLE; // through STATE
    private volatile int queuedChunks; // through QUEUED
    @SuppressWarnings("unused") // through WAITING
    private volatile PendingOp waiting;
    /**
     * The memory of the op in {@code waiting}: native memory as {@link #ALL} and its address
     * (the reader's segment may belong to a confined arena, and the reaping thread writes it as
     * the kernel would), heap memory as the reader's segment and 0. Written before the op is
     * published; the reader keeps it alive until done.
     */
    private MemorySegment waitingTarget;
    private long waitingBase;
    private long waitingSize;
    /** Native memory for one-shot recvs on behalf of heap readers; made on first need, freed at release. */
    private Arena bounceArena;
    private MemorySegment bounce;
    /** The heap reader the one-shot recv in flight is for (copied to at its CQE); null for none. */
    private volatile MemorySegment singleTarget;
    /** Consumer side: bytes of the head chunk already copied out. */
    private long headOffset;
    private volatile long userData;
    private volatile int arms;
    private volatile int oneShots;
    /** Chunks copied to a waiting reader without being queued; written by the reaping thread only. */
    private int handOvers;

    /**
     * @param closeDescriptor closes the socket's descriptor; runs once, after the recv's last CQE
     */
    MultishotReceiver(Ring ring, int fd, UringOp reader, Runnable closeDescriptor, Accounting accounting) {
        this.ring = ring;
        this.buffers = ring.recvBuffers();
        this.accounting = accounting;
        this.fd = fd;
        this.reader = reader;
        this.closeDescriptor = closeDescriptor;
        this.slot = ring.ops().register(this);
        reader.beforeFinish(this::singleDone);
        reader.describedBy(this::describe);
    }

    // ---- the reader's side ----

    /**
     * Serves a read into {@code dst}: completes {@code op} now from queued data, or leaves it to
     * be completed by the reaping thread. Runs on the reader's thread, or on the reaping thread
     * for an op it took from {@code waiting}; either way the caller owns {@code op} and no other
     * thread consumes the queue meanwhile. Never throws.
     */
    void startRecv(PendingOp op, MemorySegment dst) {
        if (dst.isNative()) {
            startRecv(op, ALL, dst.address(), dst.byteSize());
        } else {
            startRecv(op, dst, 0, dst.byteSize());
        }
    }

    /** Serves a read into {@code size} bytes of {@code target} from {@code base}; see {@link #waitingTarget}. */
    private void startRecv(PendingOp op, MemorySegment target, long base, long size) {
        while (true) {
            if (consume(op, target, base, size)) {
                return;
            }
            int s = state;
            switch (s) {
                case IDLE -> {
                    if (buffers.exhausted()) {
                        if (STATE.compareAndSet(this, IDLE, SINGLE)) {
                            receiveOnce(op, target, base, size);
                            return;
                        }
                    } else {
                        arm();
                    }
                }
                case ARMED, PAUSING -> {
                    waitingTarget = target;
                    waitingBase = base;
                    waitingSize = size;
                    WAITING.setVolatile(this, op);
                    int now = state;
                    if (queue.isEmpty() && (now == ARMED || now == PAUSING) && !op.cancelRequested()) {
                        return; // the reaping thread completes it, or a cancel takes it back
                    }
                    if (!WAITING.compareAndSet(this, op, null)) {
                        return; // the reaping thread or a cancel owns it now
                    }
                    if (op.cancelRequested()) {
                        op.fail(SocketError.CANCELLED, ECANCELED);
                        return;
                    }
                    // data queued or the recv ended while publishing: look again
                }
                case ENDED -> {
                    // the sticky entry is queued before this state is set: consume() finds it
                }
                default -> {
                    // SINGLE, CLOSING, CLOSED: no reader can be here then (each waits for its op)
                    op.fail(SocketError.OTHER, 0);
                    return;
                }
            }
        }
    }

    /**
     * A one-shot recv straight into the reader's native memory, or into the bounce buffer for a
     * heap reader; the state is SINGLE until its CQE.
     */
    private void receiveOnce(PendingOp op, MemorySegment target, long base, long size) {
        if (op != reader) {
            state = IDLE;
            op.fail(SocketError.OTHER, 0); // a weft bug: only the socket's read op reads
            return;
        }
        long address = base;
        int len = (int) Math.min(size, Integer.MAX_VALUE);
        if (target != ALL) {
            MemorySegment landing = bounce();
            len = (int) Math.min(len, landing.byteSize());
            address = landing.address();
            singleTarget = target.asSlice(base, len);
        }
        oneShots++;
        // The reader keeps its memory alive until the op completes; no segment to pin here.
        long submitted = reader.submit(IORING_OP_RECV, fd, null, address, len, 0, 0);
        // A cancel that looked before the submission had no user_data to cancel. This may run on
        // the reaping thread while the reader has already had this recv's result and started its
        // next read: cancel this submission only, never whatever the op does by now.
        if (op.cancelRequested()) {
            reader.cancel(submitted);
        }
    }

    /**
     * The one-shot recv's CQE (or its failed submission, {@code res} &lt; 0): runs before its op
     * completes, so a heap reader finds its bytes copied when it wakes.
     */
    private void singleDone(int res) {
        MemorySegment target = singleTarget;
        if (target != null) {
            singleTarget = null;
            if (res > 0) {
                MemorySegment.copy(bounce, 0, target, 0, res);
            }
        }
        STATE.compareAndSet(this, SINGLE, IDLE);
    }

    /** The bounce buffer, one ring buffer's size; made by the one reader that needs it. */
    private MemorySegment bounce() {
        if (bounce == null) {
            bounceArena = Arena.ofShared();
            bounce = bounceArena.allocate(buffers.bufferSize());
            accounting.allocated(bounce.byteSize());
        }
        return bounce;
    }

    /**
     * Cancels a read for a timeout, an interrupt or a close: fails {@code op} if it is still
     * waiting, asks the kernel to cancel it if it is a one-shot recv, does nothing if the
     * reaping thread already took it (it completes it). The multishot recv stays armed.
     */
    void cancel(PendingOp op) {
        if (state == SINGLE) {
            reader.cancel();
            return;
        }
        if (WAITING.compareAndSet(this, op, null)) {
            op.fail(SocketError.CANCELLED, ECANCELED);
        }
    }

    /**
     * Copies queued data into {@code dst} and completes {@code op}; fails it at a queued error.
     *
     * @return false when nothing is queued (the op is untouched)
     */
    private boolean consume(PendingOp op, MemorySegment target, long base, long room) {
        long e = queue.peek();
        if (e == 0) {
            return false;
        }
        if ((e & KIND) != DATA) {
            int errno = (int) e;
            if ((e & KIND) == ERROR) {
                queue.remove();
            }
            if (errno == 0) {
                op.complete(0);
            } else {
                op.fail(Errors.toSocketError(errno, false), errno);
            }
            return true;
        }
        long copied = 0;
        while (e != 0 && (e & KIND) == DATA && copied < room) {
            int bid = (int) (e >>> 32) & 0xFFFF;
            int length = (int) e;
            long take = Math.min(length - headOffset, room - copied);
            MemorySegment.copy(buffers.data(), buffers.offset(bid) + headOffset, target, base + copied, take);
            copied += take;
            if (headOffset + take < length) {
                headOffset += take;
                break;
            }
            headOffset = 0;
            queue.remove();
            QUEUED.getAndAdd(this, -1);
            buffers.give(bid);
            e = queue.peek();
        }
        if (state == IDLE && queuedChunks <= RESUME_CHUNKS && !buffers.exhausted()) {
            arm(); // a paused recv: the reader has caught up
        }
        op.complete(copied);
        return true;
    }

    /**
     * Posts the multishot recv if it is IDLE. The kernel runs the recv's completion work for
     * every chunk (filling a buffer, posting the CQE) on the thread that submitted it, so who
     * submits matters. By default the calling thread does ({@link Ring#submitFromCaller}): a
     * reader's carrier, or the reaper's; a carrier under load enters the kernel all the time
     * anyway, so the work rides on those entries. But a carrier that runs user code without a
     * system call holds that work until its next one or its next timer tick (up to 4 ms at 250
     * Hz). With {@link IoUringBackend#RECV_ON_RING_THREAD} the ring's own thread submits instead
     * ({@link Ring#submit}), which runs nothing else and is woken for the work: reads never wait
     * for a busy carrier, at the price of those wake-ups (see README). A carrier retired by the
     * scheduler ends the recv with ECANCELED, which re-arms it like any other end (see {@link
     * #onCqe}).
     *
     * A submission the ring refuses fails a waiting reader (see {@link #post}).
     */
    private void arm() {
        if (!STATE.compareAndSet(this, IDLE, ARMED)) {
            return;
        }
        arms++;
        post();
    }

    /** Submits the multishot recv the state says is ARMED (or CLOSING since). */
    private void post() {
        long ud = ring.ops().nextUserData(slot);
        userData = ud;
        boolean submitted = IoUringBackend.RECV_ON_RING_THREAD
                ? ring.submit(IORING_OP_RECV, fd, 0, 0, 0, IORING_RECV_MULTISHOT, 0, IOSQE_BUFFER_SELECT,
                        ProvidedBuffers.GROUP, ud)
                : ring.submitFromCaller(IORING_OP_RECV, fd, 0, 0, 0, IORING_RECV_MULTISHOT, 0, IOSQE_BUFFER_SELECT,
                        ProvidedBuffers.GROUP, ud);
        if (!submitted) {
            // The ring is closed or broken: no CQE will come.
            if (STATE.compareAndSet(this, ARMED, IDLE)) {
                PendingOp op = (PendingOp) WAITING.getAndSet(this, null);
                if (op != null) {
                    op.fail(SocketError.NO_RESOURCES, ENOMEM);
                }
            } else if (STATE.compareAndSet(this, CLOSING, CLOSED)) {
                tearDown();
            }
            return;
        }
        // A close that switched ARMED to CLOSING before userData was set cancelled nothing.
        if (state == CLOSING) {
            cancelRecv(ud);
        }
    }

    /**
     * Cancels the recv submitted as {@code ud}, the way it was submitted: a cancel queued for the
     * ring's thread cannot overtake the recv queued before it, and one from the caller goes to
     * the kernel at once, after the recv it already handed over.
     */
    private void cancelRecv(long ud) {
        if (IoUringBackend.RECV_ON_RING_THREAD) {
            ring.cancel(ud);
        } else {
            ring.cancelFromCaller(ud);
        }
    }

    // ---- the reaping thread's side ----

    @Override
    public long userData() {
        return userData;
    }

    @Override
    public void onCqe(int res, int flags) {
        boolean more = (flags & IORING_CQE_F_MORE) != 0;
        if ((flags & IORING_CQE_F_BUFFER) != 0) {
            buffers.taken();
            int bid = flags >>> IORING_CQE_BUFFER_SHIFT;
            if (res > 0 && state != CLOSING) {
                if (!(more && handOver(bid, res))) {
                    QUEUED.getAndAdd(this, 1);
                    queue.offer(DATA | ((long) bid << 32) | res);
                }
            } else {
                buffers.give(bid);
            }
        }
        if (more) {
            if (queuedChunks >= PAUSE_CHUNKS && STATE.compareAndSet(this, ARMED, PAUSING)) {
                cancelRecv(userData);
            }
            serveWaiting();
            return;
        }
        // The recv is gone.
        if (-res == ENOBUFS) {
            buffers.starved();
        }
        long entry = 0;
        int next = IDLE;
        if (res == 0) {
            entry = END;
            next = ENDED;
        } else if (res < 0 && -res != ECANCELED && -res != ENOBUFS) {
            boolean sticky = -res == ECONNRESET; // Linux reports it once; recv then returns 0
            entry = (sticky ? END : ERROR) | (-res);
            next = sticky ? ENDED : IDLE;
        }
        if (state != CLOSING && entry != 0) {
            queue.offer(entry);
        }
        int s;
        do {
            s = state;
            if (s == CLOSING) {
                tearDown();
                return;
            }
        } while (!STATE.compareAndSet(this, s, next));
        serveWaiting();
        if (next != IDLE) {
            return;
        }
        PendingOp op = (PendingOp) WAITING.getVolatile(this);
        if (op != null) {
            if (WAITING.compareAndSet(this, op, null)) {
                startRecv(op, waitingTarget, waitingBase, waitingSize); // arms again (or, out of buffers, fails over)
            }
        } else if (-res != ENOBUFS && queuedChunks <= RESUME_CHUNKS) {
            arm();
        }
    }

    /**
     * Serves a waiting reader straight from the chunk that just arrived, when nothing older is
     * queued: the common case of a reader that keeps up (ping-pong, request-response). The chunk
     * never enters the queue, and its buffer goes back to the kernel before the reader wakes
     * unless the reader's memory was too small for all of it (the rest is then queued, the
     * reader's next read starts there).
     *
     * @return false when no reader waits or older data is queued (the caller queues the chunk)
     */
    private boolean handOver(int bid, int length) {
        PendingOp op = (PendingOp) WAITING.getVolatile(this);
        if (op == null || !queue.isEmpty() || !WAITING.compareAndSet(this, op, null)) {
            return false;
        }
        // This thread owns the op, so no reader consumes meanwhile: the queue is still empty.
        long take = Math.min(length, waitingSize);
        MemorySegment.copy(buffers.data(), buffers.offset(bid), waitingTarget, waitingBase, take);
        if (take < length) {
            headOffset = take;
            QUEUED.getAndAdd(this, 1);
            queue.offer(DATA | ((long) bid << 32) | length);
        } else {
            buffers.give(bid);
        }
        handOvers++;
        op.complete(take);
        return true;
    }

    /** Completes a waiting reader from the queue, if both are there. */
    private void serveWaiting() {
        PendingOp op = (PendingOp) WAITING.getVolatile(this);
        if (op != null && !queue.isEmpty() && WAITING.compareAndSet(this, op, null)) {
            consume(op, waitingTarget, waitingBase, waitingSize);
        }
    }

    // ---- close ----

    /** Stops receiving; call once, when no read is in flight (the socket's release). */
    void close() {
        while (true) {
            int s = state;
            if (s == ARMED || s == PAUSING) {
                if (STATE.compareAndSet(this, s, CLOSING)) {
                    ring.recvClosing(1);
                    cancelRecv(userData);
                    return;
                }
            } else if (s == IDLE || s == ENDED || s == SINGLE) {
                if (STATE.compareAndSet(this, s, CLOSED)) {
                    release();
                    return;
                }
            } else {
                return;
            }
        }
    }

    private void tearDown() {
        state = CLOSED;
        try {
            release();
        } finally {
            ring.recvClosing(-1);
        }
    }

    private void release() {
        long e;
        while ((e = queue.peek()) != 0) {
            if ((e & KIND) == DATA) {
                buffers.give((int) (e >>> 32) & 0xFFFF);
            }
            queue.remove();
        }
        ring.ops().unregister(slot);
        closeDescriptor.run();
        if (bounceArena != null) { // no one-shot recv is in flight: the socket's read op is done
            bounceArena.close();
            accounting.freed(bounce.byteSize());
        }
    }

    /** The receiver's state, for a report of its reader (see {@link UringOp#describedBy}). */
    String describe() {
        return "receiver " + STATE_NAMES[state] + ", chunks queued " + queuedChunks + ", a reader waiting: "
                + (WAITING.getVolatile(this) != null) + ", ring buffers exhausted: " + buffers.exhausted()
                + ", armed " + arms + " times, " + oneShots + " one-shot recvs";
    }

    // ---- for tests ----

    /** How many times a multishot recv was posted for this socket. */
    int arms() {
        return arms;
    }

    /** How many reads were served by a one-shot recv because no ring buffer was free. */
    int oneShots() {
        return oneShots;
    }

    /** How many chunks went straight to a waiting reader (read after that reader woke). */
    int handOvers() {
        return handOvers;
    }

    /** True while a multishot recv is posted. */
    boolean armed() {
        int s = state;
        return s == ARMED || s == PAUSING;
    }
}
