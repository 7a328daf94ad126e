package dev.weft.uring;

import dev.weft.bindings.linux.IoUringGeteventsArg;
import dev.weft.bindings.linux.KernelTimespec;
import dev.weft.bindings.linux.LibC;
import dev.weft.core.Accounting;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.weft.bindings.linux.IoUring.IORING_ENTER_EXT_ARG;
import static dev.weft.bindings.linux.IoUring.IORING_ENTER_GETEVENTS;
import static dev.weft.bindings.linux.IoUring.IORING_OP_ASYNC_CANCEL;
import static dev.weft.bindings.linux.IoUring.IORING_REGISTER_EVENTFD;

/**
 * One io_uring instance as weft drives it: its lifecycle, reaping CQEs into the
 * {@link Completion}s the backend's {@link OpTable} names, and letting its owner and its reaper
 * wait. SQEs go through its {@link Submissions}, which decides which thread writes and enters.
 *
 * <p><b>Reaping</b> ({@link #tryReap}): whoever holds the reaping turn consumes the CQ, normally
 * the ring's {@link CompletionReaper}; completions only record results and unpark. When the kernel
 * had to keep CQEs aside because the CQ was full (IORING_SQ_CQ_OVERFLOW), the reaper moves them
 * in with io_uring_enter(GETEVENTS).
 *
 * <p><b>Waiting</b>: the reaper, holding the turn, may wait for the next CQE in the kernel on its
 * carrier, for a short time ({@link #awaitCompletions}); when the turn ends, the owner submits
 * what it wrote and sleeps on its {@link Doorbell} ({@link #awaitWork}), an eventfd the kernel
 * signals when it posts a CQE while the reaper is not reaping ({@link #signalCompletions}) and
 * other threads write when they queue work.
 */
final class Ring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.weft.uring");
    /** Where the io_uring_enter that moves kept-aside CQEs in writes errno (reaping turn held). */
    private final MemorySegment reapErrno;
    /** The reaper's wait in the kernel: its time limit, the argument naming it, and errno. */
    private final MemorySegment waitLimit;
    private final MemorySegment waitArg;
    private final MemorySegment waitErrno;

    private final MappedRing mapped;
    private final int fd;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final OpTable ops;
    private final CompletionRouter router;
    private final Accounting accounting;
    private final long nativeBytes;
    /** The reaping turn: held while the CQ is consumed, so {@link #close} can wait a reap out. */
    private final AtomicBoolean reaping = new AtomicBoolean();
    private final Arena arena = Arena.ofShared();
    private final Submissions submissions;
    /** The provided buffer ring multishot recvs select from; null when they are off. */
    private ProvidedBuffers recvBuffers;
    /** Multishot recvs of released sockets whose final CQE has not arrived yet. */
    private final AtomicInteger recvsClosing = new AtomicInteger();
    private volatile boolean closed;
    /**
     * Who may still touch the native memory: the backend until {@link #close}, and the reaper
     * until it ends ({@link #reaperStarting}). The last one out frees it. The close does not wait
     * for the reaper: it is a virtual thread, and while virtual threads that never park hold every
     * carrier it may not run for as long as they compute.
     */
    private final AtomicInteger users = new AtomicInteger(1);
    private volatile boolean broken;
    private final Doorbell doorbell;
    /** The thread holding the reaping turn, or null. */
    private volatile Thread reapingThread;

    private Ring(MappedRing mapped, Doorbell doorbell, OpTable ops, Accounting accounting) {
        this.mapped = mapped;
        this.doorbell = doorbell;
        this.ops = ops;
        this.fd = mapped.fd;
        this.sq = mapped.sq;
        this.cq = mapped.cq;
        this.accounting = accounting;
        this.router = new CompletionRouter(ops, toString());
        this.reapErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
        this.waitLimit = arena.allocate(KernelTimespec.layout());
        this.waitArg = arena.allocate(IoUringGeteventsArg.layout()); // zeroed: no signal mask
        IoUringGeteventsArg.ts(waitArg, waitLimit.address());
        this.waitErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
        this.submissions = new Submissions(this, fd, sq, router, doorbell, arena);
        this.nativeBytes = mapped.mappedBytes + reapErrno.byteSize() + submissions.nativeBytes()
                + waitLimit.byteSize() + waitArg.byteSize() + waitErrno.byteSize();
        accounting.allocated(nativeBytes);
    }

    /**
     * Sets up a ring with at least {@code sqEntries} SQEs and {@code cqEntries} CQEs and, if
     * {@code recvBufferCount > 0}, a provided buffer ring for multishot recvs. Its CQEs are
     * routed through {@code ops}. Its native memory is reported to {@code accounting} until
     * {@link #close}. Requests queued before its owner starts are submitted in the owner's first pass.
     */
    static Ring open(int sqEntries, int cqEntries, int recvBufferCount, int recvBufferSize, OpTable ops,
                     Accounting accounting) throws IOException {
        MappedRing mapped = MappedRing.open(sqEntries, cqEntries);
        Doorbell doorbell;
        try {
            doorbell = new Doorbell();
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
        Ring ring = new Ring(mapped, doorbell, ops, accounting);
        try {
            ring.registerDoorbell();
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
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
        submissions.ownedBy(thread);
    }

    /** Has the kernel signal the doorbell's eventfd when it posts CQEs (see {@link #signalCompletions}). */
    private void registerDoorbell() throws IOException {
        MemorySegment eventfd = arena.allocate(ValueLayout.JAVA_INT);
        eventfd.set(ValueLayout.JAVA_INT, 0, doorbell.fd());
        // Nobody reaps before the ring is open, so the reaping turn's errno target is free.
        if (LibC.io_uring_register(reapErrno, fd, IORING_REGISTER_EVENTFD, eventfd, 1) < 0) {
            throw new IOException("io_uring_register(IORING_REGISTER_EVENTFD) failed, errno "
                    + LibC.errno(reapErrno));
        }
    }

    /**
     * Whether posting CQEs signals the owner's doorbell: off while the reaping turn is taken,
     * on when it is given back. Only the thread taking or giving the turn calls this.
     */
    void signalCompletions(boolean on) {
        cq.signalEventfd(on);
    }

    /** True when requests wait for the owner. */
    boolean hasOwnerWork() {
        return submissions.hasOwnerWork();
    }

    /** The owner: submits the SQEs other threads asked for, in one io_uring_enter. */
    void takeOwnerWork() {
        submissions.takeOwnerWork();
    }

    /** The owner has stopped (or the ring broke): see {@link Submissions#ownerStopped}. */
    void ownerStopped() {
        submissions.ownerStopped();
    }

    /** Whether {@link #awaitCompletions} can wait: the kernel takes a time limit (Linux 5.11+). */
    boolean canAwaitCompletions() {
        return mapped.waitsWithLimit;
    }

    /**
     * The reaper, holding the turn: blocks the calling thread in io_uring_enter until a CQE is
     * posted or {@code nanos} have passed. While it waits, the kernel runs on it the completion
     * work of the requests it submitted, and the CQE that ends the wait wakes it directly: no
     * doorbell, no owner, no other thread on the way. A virtual thread blocks its carrier here
     * (see {@link CompletionReaper} for when that is allowed).
     *
     * @return true if CQEs wait to be reaped
     */
    boolean awaitCompletions(long nanos) {
        if (closed || !mapped.waitsWithLimit) {
            return false;
        }
        KernelTimespec.nanos(waitLimit, nanos);
        // -ETIME when the time ran out, -EINTR on a signal: either way the caller looks at the CQ.
        LibC.io_uring_enter(waitErrno, fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                waitArg, IoUringGeteventsArg.sizeof());
        return hasCompletions();
    }

    /** This ring and the state of its queues, for a report; any thread, no lock. */
    String describe() {
        return this + " (CQEs waiting: " + hasCompletions() + ", reaping turn taken: " + reaping.get()
                + ", closed: " + closed + ", broken: " + broken + ", " + submissions.describe() + ")";
    }

    /** True when at least one CQE waits to be reaped; a plain memory read. */
    boolean hasCompletions() {
        return !closed && cq.ready();
    }

    /**
     * Reaps every CQE now posted, moving in those the kernel kept aside. Any thread; one at a time
     * (a caller that finds the turn taken reaps nothing).
     *
     * @return CQEs reaped
     */
    int tryReap() {
        if (!reaping.compareAndSet(false, true)) {
            return 0;
        }
        int n = 0;
        reapingThread = Thread.currentThread();
        try {
            if (!closed) {
                n = cq.reap(router);
                if (sq.cqOverflowed()) {
                    // Moves the kept-aside CQEs into the CQ. The turn is held, so one errno target is safe.
                    LibC.io_uring_enter(reapErrno, fd, 0, 0, IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
                    n += cq.reap(router);
                }
            }
        } finally {
            reapingThread = null;
            reaping.set(false);
        }
        submissions.submitAfterReap();
        return n;
    }

    /** True on the thread now holding the reaping turn (a completion handler runs there). */
    boolean isReapingThread(Thread thread) {
        return reapingThread == thread;
    }

    /**
     * Submits one SQE (see {@link Submissions#submit}). Fields not named are zero.
     *
     * @return false only if the ring is closed or broken; the caller then fails the operation
     *         itself, no CQE will come
     */
    boolean submit(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                   long userData) {
        return submissions.submit(opcode, socketFd, addr, len, off, ioprio, opFlags, 0, 0, userData);
    }

    /** As {@link #submit(int, int, long, int, long, int, int, long)}, with SQE flags and a buffer group. */
    boolean submit(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                   int sqeFlags, int bufGroup, long userData) {
        return submissions.submit(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData);
    }

    /** Submits one SQE from the calling thread (see {@link Submissions#submitFromCaller}). */
    boolean submitFromCaller(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                             int sqeFlags, int bufGroup, long userData) {
        return submissions.submitFromCaller(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup,
                userData);
    }

    /** Asks the kernel to cancel the submission {@code target} (an op's user_data). */
    void cancel(long target) {
        submit(IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, 0, 0, UserData.withTag(target, UserData.TAG_CANCEL));
    }

    /**
     * As {@link #cancel}, submitted from the calling thread: only for a target that was itself
     * submitted from a caller ({@link #submitFromCaller}), so that the cancel cannot overtake it
     * in the owner's queue. An ASYNC_CANCEL does its work during the submission: it outlives
     * nothing, and the owner is not woken for it.
     */
    void cancelFromCaller(long target) {
        submitFromCaller(IORING_OP_ASYNC_CANCEL, -1, target, 0, 0, 0, 0, 0, 0,
                UserData.withTag(target, UserData.TAG_CANCEL));
    }

    /** Gets the owner out of its wait in the kernel (or makes its next wait return at once). */
    void wake() {
        doorbell.ring();
    }

    /**
     * The owner: submits the SQEs it wrote, then sleeps until the doorbell is signalled (a CQE
     * posted while nobody has the reaping turn, or work queued for the owner) or
     * {@code timeoutMillis} have passed (negative: no limit).
     *
     * @return false if the time ran out
     */
    boolean awaitWork(int timeoutMillis) {
        submissions.submitWritten();
        return doorbell.await(timeoutMillis);
    }

    /** True once io_uring_enter failed in a way no retry mends. */
    boolean isBroken() {
        return broken;
    }

    /** True while SQEs may be written: the ring is neither closed nor broken. */
    boolean acceptsWork() {
        return !closed && !broken;
    }

    /** A system call on the ring failed in a way no retry mends: logged once, the ring is broken. */
    void failed(String call, int code) {
        if (closed) {
            return;
        }
        if (!broken) {
            broken = true;
            LOG.log(System.Logger.Level.ERROR, call + " failed on " + this + ", errno " + code
                    + ": this ring can no longer complete operations");
        }
    }

    /** The reaper is about to start: the native memory stays until it has ended ({@link #reaperEnded}). */
    void reaperStarting() {
        users.incrementAndGet();
    }

    /** The reaper has ended: it touches the ring no more. */
    void reaperEnded() {
        if (users.decrementAndGet() == 0) {
            free();
        }
    }

    /**
     * Closes the ring: from now on it reaps and waits for nothing. Unmaps the rings and closes the
     * descriptor (in-flight requests are cancelled by the kernel) at once, or, if the reaper has
     * not ended yet, when it ends. Call once nothing is in flight and the completion loop has
     * stopped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (users.decrementAndGet() == 0) {
            free();
        }
    }

    private void free() {
        while (!reaping.compareAndSet(false, true)) {
            Thread.onSpinWait(); // a reap that began before the flag was seen ends first
        }
        mapped.close();
        doorbell.close(); // after the ring: nothing signals the eventfd any more
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
