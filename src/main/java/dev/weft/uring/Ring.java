package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import dev.weft.core.Accounting;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EBUSY;
import static dev.weft.bindings.linux.Errno.EINTR;
import static dev.weft.bindings.linux.IoUring.IORING_ENTER_GETEVENTS;
import static dev.weft.bindings.linux.IoUring.IORING_OP_ASYNC_CANCEL;
import static dev.weft.bindings.linux.IoUring.IORING_OP_NOP;

/**
 * One io_uring instance as weft drives it: submitting SQEs, reaping CQEs into the
 * {@link Completion}s the backend's {@link OpTable} names, and waiting in the kernel.
 *
 * <p><b>Submitting</b> ({@link #submit}): any thread writes its SQE into the shared queue (a
 * short monitor, no system call inside) and then calls io_uring_enter itself, with no lock
 * held, to hand the published entries to the kernel. Concurrent io_uring_enter calls on one
 * ring are serialized by the kernel; an entry published by one thread may be consumed by
 * another's call, which is fine: each call only says how many are waiting. io_uring issues a
 * recv or send at once during io_uring_enter, so when the data (or the socket buffer space) is
 * already there the submitter finds the CQE right after its call, reaps it and returns without
 * parking. A full queue or a kernel that says "busy" is backpressure: the submitter makes room
 * and tries again; an operation is never failed for it, and a submission (a cancel included)
 * is never left for another thread to finish.
 *
 * <p><b>Reaping</b> ({@link #tryReap}): one thread at a time consumes the CQ, whoever holds the
 * reaping turn: a submitter after its io_uring_enter, or the ring's {@link CompletionLoop}.
 * Completions only record results and unpark. When the kernel had to keep CQEs aside because
 * the CQ was full (IORING_SQ_CQ_OVERFLOW), the reaper moves them in with io_uring_enter(GETEVENTS).
 *
 * <p><b>Waiting</b> ({@link #waitForCompletions}): only the ring's owner, its
 * {@link CompletionLoop} thread, blocks in the kernel. Requests that stay armed for a socket's
 * lifetime are submitted by the owner ({@link #runOnOwner}), so the kernel's completion work for
 * them runs in that wait.
 */
final class Ring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.weft.uring");

    private final MappedRing mapped;
    private final int fd;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final OpTable ops;
    private final CompletionRouter router;
    private final Accounting accounting;
    private final long nativeBytes;
    /** The reaping turn: held by the one thread consuming the CQ. */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private final Arena arena = Arena.ofShared();
    /**
     * Where every io_uring_enter writes errno. Written by concurrent calls and therefore never
     * read: a call that fails has consumed nothing, so it is repeated under {@link #errno}'s
     * monitor to learn why (see {@link #enter}).
     */
    private final MemorySegment scratchErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    /** The provided buffer ring multishot recvs select from; null when they are off. */
    private ProvidedBuffers recvBuffers;
    /** Multishot recvs of released sockets whose final CQE has not arrived yet. */
    private final AtomicInteger recvsClosing = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean broken;
    /** The ring's {@link CompletionLoop} thread; see {@link #runOnOwner}. */
    private volatile Thread owner;
    private final ConcurrentLinkedQueue<Runnable> ownerTasks = new ConcurrentLinkedQueue<>();

    private Ring(MappedRing mapped, OpTable ops, Accounting accounting) {
        this.mapped = mapped;
        this.ops = ops;
        this.fd = mapped.fd;
        this.sq = mapped.sq;
        this.cq = mapped.cq;
        this.accounting = accounting;
        this.router = new CompletionRouter(ops, toString());
        this.nativeBytes = mapped.mappedBytes + scratchErrno.byteSize() + errno.byteSize();
        accounting.allocated(nativeBytes);
    }

    /**
     * Sets up a ring with at least {@code sqEntries} SQEs and {@code cqEntries} CQEs and, if
     * {@code recvBufferCount > 0}, a provided buffer ring for multishot recvs. Its CQEs are
     * routed through {@code ops}. Its native memory is reported to {@code accounting} until
     * {@link #close}.
     */
    static Ring open(int sqEntries, int cqEntries, int recvBufferCount, int recvBufferSize, OpTable ops,
                     Accounting accounting) throws IOException {
        Ring ring = new Ring(MappedRing.open(sqEntries, cqEntries), ops, accounting);
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

    /** SQ and CQ sizes as the kernel granted them; for tests. */
    int sqEntries() {
        return sq.entries();
    }

    int cqEntries() {
        return cq.entries();
    }

    /** Names the thread that owns this ring (its completion loop); set once, before it starts. */
    void ownedBy(Thread thread) {
        owner = thread;
    }

    /**
     * Runs {@code task} on the ring's owner thread: now if the caller is that thread, else as
     * soon as the owner wakes (a NOP wakes it). For submissions whose completion work should
     * run on the owner rather than on the submitting carrier (see {@link CompletionLoop}).
     */
    void runOnOwner(Runnable task) {
        if (Thread.currentThread() == owner) {
            task.run();
            return;
        }
        ownerTasks.add(task);
        wake();
    }

    /** True when tasks wait for the owner. */
    boolean hasOwnerTasks() {
        return !ownerTasks.isEmpty();
    }

    /** Runs the tasks queued by {@link #runOnOwner}; the owner thread only. */
    void runOwnerTasks() {
        Runnable task;
        while ((task = ownerTasks.poll()) != null) {
            task.run();
        }
    }

    /** True when at least one CQE waits to be reaped; a plain memory read. */
    boolean hasCompletions() {
        return !closed && cq.ready();
    }

    /**
     * Reaps every CQE now posted, unless another thread holds the reaping turn (it reaps what
     * is there before it lets go, or the completion loop comes by).
     *
     * @return CQEs reaped
     */
    int tryReap() {
        if (!reaping.compareAndSet(false, true)) {
            return 0;
        }
        int n;
        try {
            if (closed) {
                return 0;
            }
            n = cq.reap(router);
            if (sq.cqOverflowed()) {
                enter(0, 0, IORING_ENTER_GETEVENTS); // moves the kept-aside CQEs into the CQ
                n += cq.reap(router);
            }
        } finally {
            reaping.set(false);
        }
        if (n > 0 && !ownerTasks.isEmpty() && Thread.currentThread() != owner) {
            // The CQEs just reaped may include the NOP that was to wake the owner for those
            // tasks: post another, and leave it for the owner to find.
            postWake();
        }
        return n;
    }

    /**
     * Submits one SQE. Fields not named are zero.
     *
     * @param ioprio   the ioprio field (IORING_ACCEPT_MULTISHOT, IORING_RECV_MULTISHOT)
     * @param opFlags  the op-specific flags word (msg_flags, accept_flags, cancel_flags)
     * @return false only if the ring is closed or broken; the caller then fails the operation
     *         itself, no CQE will come
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
        if (!push(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData)) {
            return false;
        }
        if (cq.ready()) {
            tryReap(); // usually this submission's own CQE: the op completed inside the call
        }
        return true;
    }

    /** Writes one SQE and hands it to the kernel, waiting for room if the queue is full. */
    private boolean push(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                         int sqeFlags, int bufGroup, long userData) {
        int published;
        while ((published = sq.push(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup,
                userData)) == 0) {
            if (closed || broken) {
                return false;
            }
            // Full: push what is published to the kernel, make room in the CQ, let others run.
            if (!handToKernel(sq.pending())) {
                return false;
            }
            Thread.yield();
        }
        return handToKernel(published);
    }

    /**
     * Calls io_uring_enter to submit {@code count} published entries. "Busy" (EAGAIN/EBUSY: the
     * kernel is short of memory or of CQ room) leaves them published: reap, yield and try again
     * until this thread's entries are taken.
     *
     * @return false if the ring is broken
     */
    private boolean handToKernel(int count) {
        int rc = enter(count, 0, 0);
        while (rc == -EAGAIN || rc == -EBUSY) {
            tryReap();
            Thread.yield();
            int left = sq.pending();
            if (left == 0) {
                return true;
            }
            rc = enter(left, 0, 0);
        }
        if (rc < 0) {
            ringFailed("io_uring_enter", -rc);
            return false;
        }
        return true;
    }

    /** Asks the kernel to cancel the submission {@code target} (an op's user_data). */
    void cancel(long target) {
        submit(IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, 0, 0, UserData.withTag(target, UserData.TAG_CANCEL));
    }

    /** Posts a CQE that only wakes the owner if it waits in the kernel. */
    boolean wake() {
        return postWake();
    }

    /** Posts a wake-up NOP and does not reap it: it is there for the owner to find. */
    private boolean postWake() {
        return push(IORING_OP_NOP, -1, 0, 0, 0, 0, 0, 0, 0, UserData.TAG_WAKE);
    }

    /**
     * Blocks the calling thread in the kernel until at least one CQE is ready (moving CQEs the
     * kernel kept aside into the CQ on the way). Submits nothing: asking to submit more entries
     * than are published makes the kernel skip the wait, and every submitter hands its own
     * entries over anyway.
     *
     * @return 0, or -errno (EINTR included: the caller just loops)
     */
    int waitForCompletions() {
        int rc = enter(0, 1, IORING_ENTER_GETEVENTS);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            ringFailed("io_uring_enter(GETEVENTS)", -rc);
        }
        return Math.min(rc, 0);
    }

    /** True once io_uring_enter failed in a way no retry mends. */
    boolean isBroken() {
        return broken;
    }

    /**
     * io_uring_enter without a lock. Returns the result or -errno; EINTR is retried. A call that
     * fails (-1) has consumed no entry and completed no wait, so it is simply made again, this
     * time under a monitor with an errno buffer of its own, to learn the errno.
     */
    private int enter(int toSubmit, int minComplete, int flags) {
        long rc = LibC.io_uring_enter(scratchErrno, fd, toSubmit, minComplete, flags, MemorySegment.NULL, 0);
        if (rc >= 0) {
            return (int) rc;
        }
        synchronized (errno) {
            while (true) {
                rc = LibC.io_uring_enter(errno, fd, toSubmit, minComplete, flags, MemorySegment.NULL, 0);
                if (rc >= 0) {
                    return (int) rc;
                }
                int code = LibC.errno(errno);
                if (code != EINTR) {
                    return -code;
                }
            }
        }
    }

    private void ringFailed(String call, int code) {
        if (closed) {
            return;
        }
        if (!broken) {
            broken = true;
            LOG.log(System.Logger.Level.ERROR, call + " failed on " + this + ", errno " + code
                    + ": this ring can no longer complete operations");
        }
    }

    /**
     * Unmaps the rings and closes the descriptor; in-flight requests are cancelled by the kernel.
     * Call once nothing is in flight and the completion loop has stopped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!reaping.compareAndSet(false, true)) {
            Thread.onSpinWait(); // a reap that began before the flag was seen ends first
        }
        mapped.close();
        if (recvBuffers != null) {
            recvBuffers.close(); // after the ring: no recv can write into them any more
        }
        arena.close();
        accounting.freed(nativeBytes);
    }

    @Override
    public String toString() {
        return "io_uring[fd=" + fd + "]";
    }
}
