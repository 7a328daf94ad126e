package dev.weft.uring;

import dev.weft.bindings.linux.IoSqringOffsets;
import dev.weft.bindings.linux.IoUringSqe;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The submission queue ring shared with the kernel: weft writes SQEs and moves the tail, the
 * kernel consumes them during io_uring_enter and moves the head.
 *
 * <p>Not thread-safe: callers hold the ring's submit lock. The kernel reads the tail with
 * acquire semantics, so {@link #publish} is a release store after the SQE bytes are written.
 */
final class SubmissionQueue {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final long SQE_SIZE = IoUringSqe.sizeof();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final int mask;
    private final int entries;
    private int tail;

    SubmissionQueue(MemorySegment ring, MemorySegment sqes, MemorySegment offsets) {
        this.ring = ring;
        this.sqes = sqes;
        this.headOffset = IoSqringOffsets.head(offsets);
        this.tailOffset = IoSqringOffsets.tail(offsets);
        this.mask = ring.get(JAVA_INT, IoSqringOffsets.ring_mask(offsets));
        this.entries = ring.get(JAVA_INT, IoSqringOffsets.ring_entries(offsets));
        this.tail = (int) INT.getAcquire(ring, tailOffset);
        // The index array maps ring positions to SQE slots; weft uses the identity, set once.
        long array = IoSqringOffsets.array(offsets);
        for (int i = 0; i < entries; i++) {
            ring.set(JAVA_INT, array + 4L * i, i);
        }
    }

    int entries() {
        return entries;
    }

    /** A zeroed SQE to fill, or null when the kernel has not yet consumed enough entries. */
    MemorySegment next() {
        int head = (int) INT.getAcquire(ring, headOffset);
        if (tail - head >= entries) {
            return null;
        }
        MemorySegment sqe = sqes.asSlice((tail & mask) * SQE_SIZE, SQE_SIZE);
        sqe.fill((byte) 0);
        tail++;
        return sqe;
    }

    /** Makes every SQE handed out by {@link #next} visible to the kernel. */
    void publish() {
        INT.setRelease(ring, tailOffset, tail);
    }

    /** Entries published and not yet consumed by the kernel. */
    int pending() {
        return tail - (int) INT.getAcquire(ring, headOffset);
    }
}
