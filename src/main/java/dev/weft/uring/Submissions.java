package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EBUSY;
import static dev.weft.bindings.linux.Errno.ECANCELED;
import static dev.weft.bindings.linux.Errno.EINTR;

/**
 * How SQEs reach one {@link Ring}'s kernel: which thread writes them and which one enters.
 *
 * <p>The kernel ties a request to the thread that submitted it: it runs the request's
 * completion work (copying a chunk into a provided buffer, posting the CQE) on that thread, and
 * cancels the request when that thread ends. So a request is submitted by the thread that should
 * pay for its completions and will outlive it:
 * <ul>
 * <li>a socket's multishot recv, the hot path, by the carrier of the virtual thread that arms it
 *     ({@link #submitFromCaller}): carriers under load enter the kernel all the time (every send
 *     is a system call), and the completion work rides on those entries, where a dedicated thread
 *     would have to be woken for each batch of arrivals. A carrier that the scheduler retires
 *     (after 30 idle seconds) takes its recvs with it; they end with ECANCELED and are re-armed
 *     (see {@link MultishotReceiver});
 * <li>everything else (one-shot recvs, connects, accepts, cancels, file operations) by the
 *     ring's owner, its {@link CompletionLoop} thread, which lives as long as the ring: another
 *     thread ({@link #submit}) queues a request and rings the owner's {@link Doorbell}. A read
 *     parked for an hour must not die with a carrier.
 * </ul>
 * A completion handler that submits (a multishot recv re-armed from its own final CQE) runs on
 * the reaping turn; its request waits for the turn's end ({@link #submitAfterReap}).
 */
final class Submissions {
    private final Ring ring;
    private final int ringFd;
    private final SubmissionQueue sq;
    private final CompletionRouter router;
    private final Doorbell doorbell;
    /**
     * Held from writing SQEs to the io_uring_enter that hands them to the kernel, so that the
     * holder submits exactly the entries it wrote: the kernel makes the thread that submits an
     * SQE its owner, whoever wrote it. Held for a few memory writes and one non-blocking system
     * call, by the owner once per pass and by a carrier arming a recv; never while waiting.
     */
    private final ReentrantLock submitting = new ReentrantLock();
    /** Where the io_uring_enter calls that submit write errno (under {@link #submitting}). */
    private final MemorySegment submitErrno;
    /** The ring's {@link CompletionLoop} thread, which submits what other threads queue. */
    private volatile Thread owner;
    /** Set when the owner has stopped: nothing queued from now on would ever be submitted. */
    private volatile boolean ownerStopped;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    /** What completion handlers submitted during a reap, for right after it. */
    private final ConcurrentLinkedQueue<Request> afterReap = new ConcurrentLinkedQueue<>();

    /** An SQE another thread asked the owner to submit. */
    private record Request(int opcode, int fd, long addr, int len, long off, int ioprio, int opFlags,
                           int sqeFlags, int bufGroup, long userData) { }

    /** @param arena holds this object's errno target; closed with the ring */
    Submissions(Ring ring, int ringFd, SubmissionQueue sq, CompletionRouter router, Doorbell doorbell, Arena arena) {
        this.ring = ring;
        this.ringFd = ringFd;
        this.sq = sq;
        this.router = router;
        this.doorbell = doorbell;
        this.submitErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    }

    /** The owner's state and what waits for it, for a report; any thread, no lock. */
    String describe() {
        Thread o = owner;
        return "owner " + (o == null ? "none" : o.getName() + " " + o.getState()) + (ownerStopped ? " (stopped)" : "")
                + ", requests queued for it: " + requests.size() + ", doorbell rung: " + doorbell.isRung();
    }

    /** Native bytes this object allocated from the ring's arena. */
    long nativeBytes() {
        return submitErrno.byteSize();
    }

    /** Names the thread that owns the ring (its completion loop); set once, before it starts. */
    void ownedBy(Thread thread) {
        owner = thread;
    }

    /** True when requests wait for the owner. */
    boolean hasOwnerWork() {
        return !requests.isEmpty();
    }

    /** The owner: submits the SQEs other threads asked for, in one io_uring_enter. */
    void takeOwnerWork() {
        submitting.lock();
        try {
            doorbell.answered(); // first: whatever is queued after this rings again
            Request r;
            while ((r = requests.poll()) != null) {
                if (!push(r.opcode(), r.fd(), r.addr(), r.len(), r.off(), r.ioprio(), r.opFlags(), r.sqeFlags(),
                        r.bufGroup(), r.userData())) {
                    router.handle(r.userData(), -ECANCELED, 0);
                }
            }
            if (ring.acceptsWork()) {
                handToKernel();
            }
        } finally {
            submitting.unlock();
        }
    }

    /**
     * The owner has stopped (or the ring broke): hands the kernel what was written, then fails
     * every request still queued, now and whenever one is queued later, so no waiter is left
     * behind.
     */
    void ownerStopped() {
        submitWritten();
        ownerStopped = true;
        failQueuedRequests();
    }

    /** Hands the kernel every SQE written so far, unless the ring is closed or broken. */
    void submitWritten() {
        submitting.lock();
        try {
            if (ring.acceptsWork()) {
                handToKernel();
            }
        } finally {
            submitting.unlock();
        }
    }

    private void failQueuedRequests() {
        Request r;
        while ((r = requests.poll()) != null) {
            router.handle(r.userData(), -ECANCELED, 0);
        }
    }

    /**
     * Submits what completion handlers asked to submit from the reaping thread, now that the turn
     * is free: a submitter that holds the submission lock while the kernel refuses new entries
     * until CQEs are reaped (EBUSY) must be able to reap, so the turn is never held while waiting
     * for that lock.
     */
    void submitAfterReap() {
        Request r;
        while ((r = afterReap.poll()) != null) {
            if (!submitHere(r.opcode(), r.fd(), r.addr(), r.len(), r.off(), r.ioprio(), r.opFlags(), r.sqeFlags(),
                    r.bufGroup(), r.userData())) {
                router.handle(r.userData(), -ECANCELED, 0);
            }
        }
    }

    /**
     * Submits one SQE with SQE flags (IOSQE_*) and a buffer group (for IOSQE_BUFFER_SELECT): the
     * owner submits it at once (or with the rest of its pass); another thread queues it for the
     * owner. A queued request whose ring stops before submitting it completes with ECANCELED,
     * like one the kernel cancels. Fields not named are zero.
     *
     * @param ioprio   the ioprio field (IORING_ACCEPT_MULTISHOT, IORING_RECV_MULTISHOT)
     * @param opFlags  the op-specific flags word (msg_flags, accept_flags, cancel_flags)
     * @return false only if the ring is closed or broken; the caller then fails the operation
     *         itself, no CQE will come
     */
    boolean submit(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                   int sqeFlags, int bufGroup, long userData) {
        if (!ring.acceptsWork()) {
            return false;
        }
        if (Thread.currentThread() == owner) {
            return submitHere(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData);
        }
        requests.add(new Request(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData));
        doorbell.ring();
        if (ownerStopped) {
            failQueuedRequests(); // the owner may have stopped before it could see this one
        }
        return true;
    }

    /**
     * Submits one SQE from the calling thread, which becomes the request's submitter: the
     * kernel runs its completion work on this thread (see {@link MultishotReceiver#arm} for why
     * a carrier should).
     *
     * @return as {@link #submit}
     */
    boolean submitFromCaller(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                             int sqeFlags, int bufGroup, long userData) {
        if (!ring.acceptsWork()) {
            return false;
        }
        return submitHere(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData);
    }

    /**
     * Writes one SQE and hands it to the kernel from this thread. Inside the owner's pass (the
     * lock already held) the pass's one io_uring_enter submits it.
     */
    private boolean submitHere(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                               int sqeFlags, int bufGroup, long userData) {
        if (ring.isReapingThread(Thread.currentThread())) {
            // A completion handler: submitted right after this pass (see submitAfterReap).
            afterReap.add(new Request(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData));
            return true;
        }
        boolean inPass = submitting.isHeldByCurrentThread();
        submitting.lock();
        try {
            return push(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData)
                    && (inPass || handToKernel());
        } finally {
            submitting.unlock();
        }
    }

    /** Writes one SQE, handing the queue to the kernel first if it is full; lock held. */
    private boolean push(int opcode, int socketFd, long addr, int len, long off, int ioprio, int opFlags,
                         int sqeFlags, int bufGroup, long userData) {
        while (sq.push(opcode, socketFd, addr, len, off, ioprio, opFlags, sqeFlags, bufGroup, userData) == 0) {
            if (!ring.acceptsWork() || !handToKernel()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Submits every entry written (all the lock holder's own). "Busy" (EAGAIN/EBUSY: the kernel
     * is short of memory or of CQ room) is backpressure: reap and try again until the entries
     * are taken.
     *
     * @return false if the ring is broken
     */
    private boolean handToKernel() {
        int left = sq.pending();
        while (left > 0) {
            long rc = LibC.io_uring_enter(submitErrno, ringFd, left, 0, 0, MemorySegment.NULL, 0);
            int code = rc < 0 ? LibC.errno(submitErrno) : 0;
            if (rc < 0 && code != EINTR && code != EAGAIN && code != EBUSY) {
                ring.failed("io_uring_enter", code);
                return false;
            }
            if (rc >= 0) {
                return true;
            }
            if (code != EINTR) {
                ring.tryReap();
                Thread.yield();
            }
            left = sq.pending();
        }
        return true;
    }
}
