package dev.weft.uring;

import dev.weft.bindings.linux.IoCqringOffsets;
import dev.weft.bindings.linux.IoUringCqe;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.bindings.linux.IoUring.IORING_CQ_EVENTFD_DISABLED;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The completion queue ring shared with the kernel: the kernel writes CQEs and moves the tail,
 * weft reads them straight from memory and moves the head, once per batch.
 *
 * <p>Single consumer: {@link #reap} runs only for the thread holding the ring's reaping turn
 * (see {@link Ring#tryReap}).
 */
final class CompletionQueue {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long CQE_SIZE = IoUringCqe.sizeof();
    private static final long USER_DATA = IoUringCqe.layout().byteOffset(groupElement("user_data"));
    private static final long RES = IoUringCqe.layout().byteOffset(groupElement("res"));
    private static final long FLAGS = IoUringCqe.layout().byteOffset(groupElement("flags"));

    /** Receives one CQE's fields. */
    interface Handler {
        void handle(long userData, int res, int flags);
    }

    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long cqesOffset;
    private final long flagsOffset;
    private final int mask;
    private final int entries;

    CompletionQueue(MemorySegment ring, MemorySegment offsets) {
        this.ring = ring;
        this.headOffset = IoCqringOffsets.head(offsets);
        this.tailOffset = IoCqringOffsets.tail(offsets);
        this.cqesOffset = IoCqringOffsets.cqes(offsets);
        this.flagsOffset = IoCqringOffsets.flags(offsets);
        this.mask = ring.get(JAVA_INT, IoCqringOffsets.ring_mask(offsets));
        this.entries = ring.get(JAVA_INT, IoCqringOffsets.ring_entries(offsets));
    }

    int entries() {
        return entries;
    }

    /** True when at least one CQE is waiting. */
    boolean ready() {
        return (int) INT.getVolatile(ring, tailOffset) != (int) INT.get(ring, headOffset);
    }

    /**
     * Turns the signal of the ring's registered eventfd on or off (IORING_CQ_EVENTFD_DISABLED, a
     * flag the kernel reads before each signal). Only the thread taking or giving the reaping turn
     * writes it. The write is volatile, so a {@link #ready} after turning it on cannot be ordered
     * before it: a CQE either is seen there or is posted late enough to be signalled.
     */
    void signalEventfd(boolean on) {
        int flags = (int) INT.getVolatile(ring, flagsOffset);
        int wanted = on ? flags & ~IORING_CQ_EVENTFD_DISABLED : flags | IORING_CQ_EVENTFD_DISABLED;
        INT.setVolatile(ring, flagsOffset, wanted);
    }

    /**
     * Hands every CQE now in the ring to {@code handler}, then frees their slots with one
     * release store of the head.
     *
     * @return the number of CQEs reaped
     */
    int reap(Handler handler) {
        int head = (int) INT.get(ring, headOffset);
        int tail = (int) INT.getAcquire(ring, tailOffset);
        for (int i = head; i != tail; i++) {
            long at = cqesOffset + (i & mask) * CQE_SIZE;
            long userData = ring.get(JAVA_LONG, at + USER_DATA);
            int res = ring.get(JAVA_INT, at + RES);
            int flags = ring.get(JAVA_INT, at + FLAGS);
            handler.handle(userData, res, flags);
        }
        INT.setRelease(ring, headOffset, tail);
        return tail - head;
    }
}
