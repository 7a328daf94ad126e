package dev.weft.uring;

import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import static dev.weft.bindings.linux.Errno.ENOMEM;

/**
 * A socket's read or write op on io_uring: a {@link PendingOp} with a fixed slot in its ring's
 * {@link OpTable}. Every submission gets a user_data never used before (see {@link OpTable#nextUserData}), so a CQE
 * identifies exactly one submission of exactly one op.
 *
 * <p>The memory the kernel uses (the caller's buffer, a sockaddr) is referenced from here
 * until the CQE arrives, so it stays reachable however the waiter left.
 */
final class UringOp extends PendingOp implements Completion {
    private final Rings rings;
    private final int slot;
    /** The ring of the submission now in flight (or the last one): a cancel must go there. */
    private volatile Ring submittedOn;
    private volatile long userData;
    private MemorySegment inUse;
    /** Runs before each completion is reported (see {@link #beforeFinish}); null for none. */
    private IntConsumer beforeFinish;
    /** Describes the op's owner for a report (see {@link #describedBy}); null for none. */
    private Supplier<String> owner;

    UringOp(Rings rings) {
        this.rings = rings;
        this.slot = rings.ops().register(this);
    }

    /**
     * Submits one SQE for this op to the ring of the calling thread's CPU; if the ring takes
     * none, fails the op so its waiter wakes.
     *
     * @return this submission's user_data, for {@link #cancel(long)}
     */
    long submit(int opcode, int fd, MemorySegment memory, long addr, int len, long off, int opFlags) {
        return submit(opcode, fd, memory, addr, len, off, opFlags, 0);
    }

    /**
     * As {@link #submit(int, int, MemorySegment, long, int, long, int)}, with SQE flags
     * ({@code IOSQE_*}), e.g. IOSQE_ASYNC for an operation that is to run in the kernel's worker.
     */
    long submit(int opcode, int fd, MemorySegment memory, long addr, int len, long off, int opFlags, int sqeFlags) {
        long ud = rings.ops().nextUserData(slot);
        Ring ring = rings.current();
        inUse = memory;
        submittedOn = ring; // before userData: a cancel that sees this user_data sees this ring
        userData = ud;
        if (!ring.submit(opcode, fd, addr, len, off, 0, opFlags, sqeFlags, 0, ud)) {
            inUse = null;
            if (beforeFinish != null) {
                beforeFinish.accept(-ENOMEM);
            }
            fail(SocketError.NO_RESOURCES, ENOMEM);
        }
        return ud;
    }

    /**
     * Sets a hook that runs on the completing thread just before each result of this op is
     * reported, given the result (a CQE's res: bytes, or -errno), so the socket's state is
     * settled when its waiter wakes. Set it once, before the op is first used; it must not block.
     */
    void beforeFinish(IntConsumer hook) {
        this.beforeFinish = hook;
    }

    /**
     * Sets what a report of this op says of the object that drives it (a socket's receiver);
     * set once, before the op is first used.
     */
    void describedBy(Supplier<String> ownerState) {
        this.owner = ownerState;
    }

    @Override
    protected String describeInFlight() {
        Ring ring = submittedOn;
        return "user_data 0x" + Long.toHexString(userData)
                + (ring == null ? ", never submitted" : " on " + ring.describe())
                + (owner == null ? "" : "; " + owner.get());
    }

    /**
     * Asks the kernel to cancel the current submission; its CQE still arrives as usual. Only the
     * op's waiter may call this: another thread cannot know the current submission is still the
     * one it means (use {@link #cancel(long)}).
     */
    void cancel() {
        cancel(userData);
    }

    /**
     * Asks the kernel to cancel the submission {@code submitted} (a value {@link #submit}
     * returned) if it is still this op's current one; a submission that has completed is left
     * alone, so the op's next use can never be hit.
     */
    void cancel(long submitted) {
        Ring ring = submittedOn;
        if (ring != null && userData == submitted) {
            ring.cancel(submitted);
        }
    }

    @Override
    public long userData() {
        return userData;
    }

    @Override
    public void onCqe(int res, int flags) {
        inUse = null;
        if (beforeFinish != null) {
            beforeFinish.accept(res);
        }
        if (res >= 0) {
            complete(res);
        } else {
            fail(Errors.toSocketError(-res, cancelRequested()), -res);
        }
    }

    /** Gives the slot back; call only when no submission of this op is in flight. */
    void unregister() {
        rings.ops().unregister(slot);
    }
}
