package dev.weft.iocp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The pool of per-operation native contexts, and the lock-free way back from a completion's
 * {@code lpOverlapped} to the Java object that waits for it.
 *
 * <p>Each context stores its own slot number right after its OVERLAPPED; a completion thread
 * reads that number from native memory and indexes an array: no map, no lock, no allocation.
 * Contexts are allocated in chunks from the backend's arena and never move; a released context
 * goes back to a free queue and is handed out again, so a steady state allocates nothing.
 *
 * <p>Safety of reuse: a context is released only by its owner's {@code release()}, which runs
 * after the last completion on that handle was consumed, so no packet for a freed context can
 * still be queued.
 */
final class OpTable {
    private static final int CHUNK_BITS = 8;
    private static final int CHUNK_SIZE = 1 << CHUNK_BITS;

    /** Reads absolute addresses: the slot of a context known only by its OVERLAPPED's address. */
    @SuppressWarnings("restricted")
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena;
    private final ConcurrentLinkedQueue<OpContext> free = new ConcurrentLinkedQueue<>();
    /** Chunks of contexts by slot; replaced (copied and grown) under the lock, read without it. */
    private volatile AtomicReferenceArray<OpContext>[] chunks;
    private final Object growLock = new Object();

    @SuppressWarnings({"unchecked", "rawtypes"})
    OpTable(Arena arena) {
        OpContext.checkCallStateFits();
        this.arena = arena;
        this.chunks = new AtomicReferenceArray[0];
    }

    /** Hands out a context owned by {@code target} until {@link #release}. */
    OpContext acquire(CompletionTarget target) {
        OpContext context;
        while ((context = free.poll()) == null) {
            grow();
        }
        context.target = target;
        return context;
    }

    /** Returns a context whose last completion has been consumed. */
    void release(OpContext context) {
        context.target = null;
        free.offer(context);
    }

    /**
     * The target of the operation whose OVERLAPPED is at {@code overlappedAddress}.
     *
     * @throws IllegalStateException if the address is not one of ours (a corrupted packet)
     */
    CompletionTarget targetOf(long overlappedAddress) {
        long slot = EVERYTHING.get(ValueLayout.JAVA_LONG, overlappedAddress + OpContext.SLOT_OFFSET);
        AtomicReferenceArray<OpContext>[] current = chunks;
        int chunk = (int) (slot >>> CHUNK_BITS);
        if (slot < 0 || chunk >= current.length) {
            throw new IllegalStateException("completion for unknown context 0x" + Long.toHexString(overlappedAddress));
        }
        OpContext context = current[chunk].get((int) (slot & (CHUNK_SIZE - 1)));
        CompletionTarget target = context.target;
        if (context.struct.address() != overlappedAddress || target == null) {
            throw new IllegalStateException("completion for a context not in use: slot " + slot);
        }
        return target;
    }

    /** Contexts allocated so far (in use or free). */
    int capacity() {
        return chunks.length * CHUNK_SIZE;
    }

    private void grow() {
        synchronized (growLock) {
            if (!free.isEmpty()) {
                return;
            }
            AtomicReferenceArray<OpContext>[] old = chunks;
            AtomicReferenceArray<OpContext> chunk = new AtomicReferenceArray<>(CHUNK_SIZE);
            MemorySegment memory = arena.allocate(OpContext.LAYOUT, CHUNK_SIZE);
            int base = old.length * CHUNK_SIZE;
            for (int i = 0; i < CHUNK_SIZE; i++) {
                chunk.set(i, new OpContext(base + i, memory.asSlice(i * OpContext.LAYOUT.byteSize(),
                        OpContext.LAYOUT)));
            }
            AtomicReferenceArray<OpContext>[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = chunk;
            chunks = grown; // publish before the contexts become acquirable
            for (int i = 0; i < CHUNK_SIZE; i++) {
                free.offer(chunk.get(i));
            }
        }
    }
}
