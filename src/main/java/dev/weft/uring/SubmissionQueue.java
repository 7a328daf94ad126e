package dev.weft.uring;

import dev.weft.bindings.linux.IoSqringOffsets;
import dev.weft.bindings.linux.IoUringSqe;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.bindings.linux.IoUring.IORING_SQ_CQ_OVERFLOW;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The submission queue ring shared with the kernel: weft writes SQEs and moves the tail, the
 * kernel consumes them during io_uring_enter and moves the head.
 *
 * <p>Threading: any thread may {@link #push}. Writing an SQE and publishing the tail happen
 * under this object's monitor, which is held for a few dozen memory writes and never across a
 * system call; the io_uring_enter that hands the entries to the kernel runs outside it (see
 * {@link Ring#submit}). The kernel reads the tail with acquire semantics, so the tail is
 * published with a release store after the SQE's bytes are written.
 */
final class SubmissionQueue {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long SQE_SIZE = IoUringSqe.sizeof();
    private static final long OPCODE = offset("opcode");
    private static final long FLAGS = offset("flags");
    private static final long IOPRIO = offset("ioprio");
    private static final long FD = offset("fd");
    private static final long OFF = IoUringSqe.layout().byteOffset(groupElement("$anon$off"), groupElement("off"));
    private static final long ADDR = IoUringSqe.layout().byteOffset(groupElement("$anon$addr"), groupElement("addr"));
    private static final long LEN = offset("len");
    private static final long OP_FLAGS = IoUringSqe.layout().byteOffset(groupElement("$anon$rw_flags"), groupElement("rw_flags"));
    private static final long USER_DATA = offset("user_data");
    private static final long BUF_GROUP = IoUringSqe.layout().byteOffset(groupElement("$anon$buf_index"), groupElement("buf_group"));

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final int mask;
    private final int entries;
    private int tail;          // guarded by this
    private boolean closed;    // guarded by this

    SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment offsets) {
        this.ring = ring;
        this.sqes = sqes;
        this.headOffset = IoSqringOffsets.head(offsets);
        this.tailOffset = IoSqringOffsets.tail(offsets);
        this.flagsOffset = IoSqringOffsets.flags(offsets);
        this.mask = ring.get(JAVA_INT, IoSqringOffsets.ring_mask(offsets));
        this.entries = ring.get(JAVA_INT, IoSqringOffsets.ring_entries(offsets));
        this.tail = (int) INT.getAcquire(ring, tailOffset);
        // The index array maps ring positions to SQE slots; weft uses the identity, set once.
        long array = IoSqringOffsets.array(offsets);
        for (int i = 0; i < entries; i++) {
            ring.set(JAVA_INT, array + 4L * i, i);
        }
    }

    private static long offset(String field) {
        return IoUringSqe.layout().byteOffset(groupElement(field));
    }

    int entries() {
        return entries;
    }

    /**
     * Writes one SQE (fields not named are zero) and publishes it to the kernel.
     *
     * @return the entries now published and not yet consumed by the kernel (at least 1), or 0
     *         when the queue is full or closed and nothing was written
     */
    synchronized int push(int opcode, int fd, long addr, int len, long off, int ioprio, int opFlags,
                          int sqeFlags, int bufGroup, long userData) {
        int head = (int) INT.getAcquire(ring, headOffset);
        if (closed || tail - head >= entries) {
            return 0;
        }
        long at = (tail & mask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += 8) {
            sqes.set(JAVA_LONG, at + i, 0L);
        }
        sqes.set(JAVA_BYTE, at + OPCODE, (byte) opcode);
        sqes.set(JAVA_BYTE, at + FLAGS, (byte) sqeFlags);
        sqes.set(JAVA_SHORT, at + IOPRIO, (short) ioprio);
        sqes.set(JAVA_INT, at + FD, fd);
        sqes.set(JAVA_LONG, at + OFF, off);
        sqes.set(JAVA_LONG, at + ADDR, addr);
        sqes.set(JAVA_INT, at + LEN, len);
        sqes.set(JAVA_INT, at + OP_FLAGS, opFlags);
        sqes.set(JAVA_LONG, at + USER_DATA, userData);
        sqes.set(JAVA_SHORT, at + BUF_GROUP, (short) bufGroup);
        tail++;
        INT.setRelease(ring, tailOffset, tail);
        return tail - head;
    }

    /** Entries published and not yet consumed by the kernel; 0 once closed. */
    synchronized int pending() {
        return closed ? 0 : tail - (int) INT.getAcquire(ring, headOffset);
    }

    /**
     * True when the kernel holds completions that did not fit in the CQ (IORING_SQ_CQ_OVERFLOW);
     * with IORING_FEAT_NODROP it keeps them and an io_uring_enter(GETEVENTS) moves them in.
     */
    boolean cqOverflowed() {
        return ((int) INT.getAcquire(ring, flagsOffset) & IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /** No entry is written after this; the caller unmaps the memory afterwards. */
    synchronized void close() {
        closed = true;
    }
}
