package dev.weft.uring;

import dev.weft.bindings.linux.IoCqringOffsets;
import dev.weft.bindings.linux.IoSqringOffsets;
import dev.weft.bindings.linux.IoUringCqe;
import dev.weft.bindings.linux.IoUringParams;
import dev.weft.bindings.linux.IoUringSqe;
import dev.weft.bindings.linux.LibC;
import dev.weft.core.Accounting;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EBUSY;
import static dev.weft.bindings.linux.Errno.EINTR;
import static dev.weft.bindings.linux.Errno.ETIME;
import static dev.weft.bindings.linux.IoUring.*;
import static dev.weft.bindings.linux.Mman.*;

/**
 * One io_uring instance: its file descriptor, the mapped SQ and CQ rings, and the table of
 * completions its user_data values refer to.
 *
 * <p>One lock guards both rings from weft's side (the SQ has one producer index, the CQ one
 * consumer index) and the errno capture buffer. Any thread may submit: under the lock it writes
 * the SQE, publishes the tail, calls io_uring_enter, and then reaps every CQE already posted.
 * io_uring issues a recv or send at once during io_uring_enter, so when the data (or the
 * socket buffer space) is already there the submitter finds its own CQE and returns without
 * parking; CQEs of other ops it finds on the way wake their threads from this carrier, with no
 * hop through another thread. CQEs that arrive later are reaped by the ring's {@link Reaper}.
 *
 * <p>SQEs published but not consumed (io_uring_enter failed with EAGAIN/EBUSY) are picked up by
 * the next io_uring_enter of any submitter or of the idle waiter, which always offers to submit.
 */
final class Ring implements AutoCloseable {
    private final int fd;
    private final MemorySegment ringMemory;
    private final long ringSize;
    private final MemorySegment cqRingMemory; // same as ringMemory with IORING_FEAT_SINGLE_MMAP
    private final long cqRingSize;
    private final MemorySegment sqeMemory;
    private final long sqeSize;
    private final Accounting accounting;
    /** The mapped regions and this ring's arena, as reported to {@link #accounting}. */
    private final long nativeBytes;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final OpTable ops = new OpTable();
    private final CompletionRouter router;
    private final ReentrantLock lock = new ReentrantLock();
    /** True while a thread dispatches CQEs: a completion that submits (a re-armed accept) must
     *  not start a second reap over the same, not yet released, CQ entries. Guarded by lock. */
    private boolean reaping;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment submitErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final MemorySegment waitErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final MemorySegment briefErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final TimedWait briefWait = new TimedWait(arena, Reaper.BRIEF_WAIT_NANOS);
    /** The provided buffer ring multishot recvs select from; null when they are off. */
    private ProvidedBuffers recvBuffers;
    /** Multishot recvs of released sockets whose final CQE has not arrived yet. */
    private final AtomicInteger recvsClosing = new AtomicInteger();
    private boolean closed;

    private Ring(int fd, MemorySegment params, Accounting accounting) throws IOException {
        this.fd = fd;
        this.accounting = accounting;
        MemorySegment sqOff = IoUringParams.sq_off(params);
        MemorySegment cqOff = IoUringParams.cq_off(params);
        int sqEntries = IoUringParams.sq_entries(params);
        int cqEntries = IoUringParams.cq_entries(params);
        long sqSize = IoSqringOffsets.array(sqOff) + 4L * sqEntries;
        long cqSize = IoCqringOffsets.cqes(cqOff) + IoUringCqe.sizeof() * cqEntries;
        boolean single = (IoUringParams.features(params) & IORING_FEAT_SINGLE_MMAP) != 0;
        MemorySegment sqRing = null;
        MemorySegment cqRing = null;
        MemorySegment sqes = null;
        try {
            if (single) {
                ringSize = Math.max(sqSize, cqSize);
                cqRingSize = ringSize;
                sqRing = map(ringSize, IORING_OFF_SQ_RING);
                cqRing = sqRing;
            } else {
                ringSize = sqSize;
                cqRingSize = cqSize;
                sqRing = map(sqSize, IORING_OFF_SQ_RING);
                cqRing = map(cqSize, IORING_OFF_CQ_RING);
            }
            sqeSize = IoUringSqe.sizeof() * sqEntries;
            sqes = map(sqeSize, IORING_OFF_SQES);
        } catch (IOException e) {
            unmap(sqRing, sqSize);
            if (cqRing != sqRing) {
                unmap(cqRing, cqSize);
            }
            throw e;
        }
        this.ringMemory = sqRing;
        this.cqRingMemory = cqRing;
        this.sqeMemory = sqes;
        this.sq = new SubmissionQueue(sqRing, sqes, sqOff);
        this.cq = new CompletionQueue(cqRing, cqOff);
        this.router = new CompletionRouter(ops, toString());
        long arenaBytes = submitErrno.byteSize() + waitErrno.byteSize() + briefErrno.byteSize()
                + briefWait.arg().byteSize();
        this.nativeBytes = ringSize + (cqRing != sqRing ? cqRingSize : 0) + sqeSize + arenaBytes;
        accounting.allocated(nativeBytes); // last: a constructor that throws has reported nothing
    }

    /**
     * Sets up a ring with at least {@code entries} SQEs (clamped to the kernel's maximum) and,
     * if {@code recvBufferCount > 0}, a provided buffer ring for multishot recvs. Its native
     * memory is reported to {@code accounting} until {@link #close}.
     */
    static Ring open(int entries, int recvBufferCount, int recvBufferSize, Accounting accounting)
            throws IOException {
        Ring ring = open(entries, accounting);
        if (recvBufferCount > 0) {
            try {
                ring.recvBuffers = ProvidedBuffers.register(ring.fd, recvBufferCount, recvBufferSize, accounting);
            } catch (IOException | RuntimeException e) {
                ring.close();
                throw e;
            }
        }
        return ring;
    }

    /** Sets up a ring with at least {@code entries} SQEs (clamped to the kernel's maximum). */
    static Ring open(int entries, Accounting accounting) throws IOException {
        try (Arena setup = Arena.ofConfined()) {
            MemorySegment errno = setup.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment params = setup.allocate(IoUringParams.layout());
            // COOP_TASKRUN: io_uring finishes a recv whose data arrived later as task work on the thread
            // that submitted it (a carrier). Without this flag a running carrier is interrupted
            // (IPI) for it; with it the work waits for that carrier's next system call, which
            // on a busy ring is its next io_uring_enter, which then reaps the CQE too. A sleeping
            // carrier is still woken either way. Measured: about 2x fewer server CPU-seconds per
            // round trip at 100 connections.
            IoUringParams.flags(params, IORING_SETUP_CLAMP | IORING_SETUP_COOP_TASKRUN);
            long fd = LibC.io_uring_setup(errno, entries, params);
            if (fd < 0) {
                int code = LibC.errno(errno);
                throw new IOException("io_uring_setup failed, errno " + code
                        + (code == 38 ? " (ENOSYS: kernel without io_uring)"
                        : code == 1 ? " (EPERM: io_uring disabled by sysctl or seccomp)" : ""));
            }
            try {
                return new Ring((int) fd, params, accounting);
            } catch (IOException | RuntimeException e) {
                SocketCalls.close((int) fd);
                throw e;
            }
        }
    }

    private MemorySegment map(long size, long offset) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment at = LibC.mmap(errno, MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, fd, offset);
            if (at.address() == -1L) {
                throw new IOException("mmap of io_uring region failed, errno " + LibC.errno(errno));
            }
            return at.reinterpret(size);
        }
    }

    private static void unmap(MemorySegment region, long size) {
        if (region != null) {
            try (Arena a = Arena.ofConfined()) {
                LibC.munmap(a.allocate(LibC.CAPTURE_STATE_LAYOUT), region, size);
            }
        }
    }

    OpTable ops() {
        return ops;
    }

    /** The receive buffers of multishot recvs; null when they are off. */
    ProvidedBuffers recvBuffers() {
        return recvBuffers;
    }

    /** Counts a released socket's multishot recv in (+1) or out (-1) of its closing. */
    void recvClosing(int delta) {
        recvsClosing.addAndGet(delta);
    }

    /** Multishot recvs of released sockets still waiting for their final CQE. */
    int recvsClosing() {
        return recvsClosing.get();
    }

    /** True when at least one CQE waits to be reaped; a plain memory read, no lock. */
    boolean hasCompletions() {
        return cq.ready();
    }

    /**
     * Reaps every CQE now posted, unless another thread holds the lock (it reaps before it
     * lets go, or the caller tries again).
     *
     * @return CQEs reaped
     */
    int tryReap() {
        if (!lock.tryLock()) {
            return 0;
        }
        try {
            return closed ? 0 : reapLocked();
        } finally {
            lock.unlock();
        }
    }

    private int reapLocked() {
        if (reaping) {
            return 0;
        }
        reaping = true;
        try {
            return cq.reap(router);
        } finally {
            reaping = false;
        }
    }

    int entries() {
        return sq.entries();
    }

    /**
     * Submits one SQE. Fields not named are zero.
     *
     * @param ioprio   the ioprio field (IORING_ACCEPT_MULTISHOT for accept)
     * @param opFlags  the op-specific flags word (msg_flags, accept_flags, cancel_flags)
     * @return false if no SQE could be had or the kernel refused the submission outright; the
     *         caller then fails the operation itself, no CQE will come
     */
    boolean submit(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                   long userData) {
        return submit(opcode, socketFd, addr, len, off, ioprio, opFlags, 0, 0, userData);
    }

    /**
     * Submits one SQE with SQE flags (IOSQE_*) and a buffer group (for IOSQE_BUFFER_SELECT).
     *
     * @see #submit(int, int, long, int, long, int, int, long)
     */
    boolean submit(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                   int sqeFlags, int bufGroup, long userData) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            MemorySegment sqe = sq.next();
            if (sqe == null) {
                // Entries still unconsumed (an earlier io_uring_enter was refused): push them now.
                enter(sq.pending(), 0, 0);
                sqe = sq.next();
                if (sqe == null) {
                    return false;
                }
            }
            IoUringSqe.opcode(sqe, (byte) opcode);
            IoUringSqe.fd(sqe, socketFd);
            IoUringSqe.addr(sqe, addr);
            IoUringSqe.len(sqe, len);
            IoUringSqe.off(sqe, off);
            IoUringSqe.ioprio(sqe, (short) ioprio);
            IoUringSqe.rw_flags(sqe, opFlags);
            IoUringSqe.flags(sqe, (byte) sqeFlags);
            IoUringSqe.buf_index(sqe, (short) bufGroup); // buf_group shares the field
            IoUringSqe.user_data(sqe, userData);
            sq.publish();
            int rc = enter(sq.pending(), 0, 0);
            // rc < 0 with EAGAIN/EBUSY: the SQE stays published and a later io_uring_enter
            // submits it, so the op is still pending. Any other failure means the ring itself
            // is broken.
            if (rc < 0 && rc != -EAGAIN && rc != -EBUSY) {
                return false;
            }
            reapLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the kernel to cancel the submission {@code target} (an op's user_data). */
    void cancel(long target) {
        submit(IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, 0, 0, UserData.withTag(target, UserData.TAG_CANCEL));
    }

    /** Posts a CQE that only wakes a thread waiting in the kernel. */
    boolean wake() {
        return submit(IORING_OP_NOP, -1, 0, 0, 0, 0, 0, UserData.TAG_WAKE);
    }

    /** io_uring_enter under the submit lock; returns the result or -errno. EINTR is retried. */
    private int enter(int toSubmit, int minComplete, int flags) {
        while (true) {
            long rc = LibC.io_uring_enter(submitErrno, fd, toSubmit, minComplete, flags, MemorySegment.NULL, 0);
            if (rc >= 0) {
                return (int) rc;
            }
            int errno = LibC.errno(submitErrno);
            if (errno != EINTR) {
                return -errno;
            }
        }
    }

    /**
     * Blocks the calling thread in the kernel until at least one CQE is ready, submitting any
     * SQEs left behind by a refused submission on the way. Takes no lock: it touches neither
     * ring's memory, and only the {@link IdleWaiter} calls it.
     *
     * @return 0, or -errno (EINTR included: the caller just loops)
     */
    int waitForCompletions() {
        long rc = LibC.io_uring_enter(waitErrno, fd, sq.entries(), 1, IORING_ENTER_GETEVENTS,
                MemorySegment.NULL, 0);
        return rc >= 0 ? 0 : -LibC.errno(waitErrno);
    }

    /**
     * Waits in the kernel up to {@link Reaper#BRIEF_WAIT_NANOS} for a CQE; only the reaper calls
     * it, blocking its carrier for that long at most (see {@link Reaper} for why).
     *
     * @return false if the time ran out with no CQE
     */
    boolean waitBriefly() {
        long rc = LibC.io_uring_enter(briefErrno, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                briefWait.arg(), TimedWait.ARG_SIZE);
        return rc >= 0 || LibC.errno(briefErrno) != ETIME;
    }

    /** Unmaps the rings and closes the descriptor; in-flight requests are cancelled by the kernel. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            unmap(sqeMemory, sqeSize);
            if (cqRingMemory != ringMemory) {
                unmap(cqRingMemory, cqRingSize);
            }
            unmap(ringMemory, ringSize);
            SocketCalls.close(fd);
            if (recvBuffers != null) {
                recvBuffers.close(); // after the ring: no recv can write into them any more
            }
        } finally {
            lock.unlock();
        }
        arena.close();
        accounting.freed(nativeBytes);
    }

    @Override
    public String toString() {
        return "io_uring[fd=" + fd + ", entries=" + sq.entries() + "]";
    }
}
