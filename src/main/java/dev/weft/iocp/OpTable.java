package dev.weft.iocp;

import dev.weft.bindings.windows.Overlapped;
import dev.weft.core.Accounting;
import dev.weft.core.CloseWait;
import dev.weft.core.Debug;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The pool of per-operation native contexts, and the lock-free way back from a completion's
 * {@code lpOverlapped} to the Java object that waits for it.
 *
 * <p>Each context stores its own slot number right after its OVERLAPPED; a completion thread
 * reads that number from native memory and indexes an array: no map, no lock, no allocation.
 * Contexts are allocated in chunks (each from an arena of its own) and never move while
 * allocated; a released context goes back to a free queue and is handed out again, so a steady
 * state allocates nothing.
 *
 * <p>Native memory: the first chunk is allocated with the table and kept until {@link #close};
 * further chunks are allocated when the pool runs dry and freed when the last context in use is
 * released (no handle is open then, so no packet can name them). Each chunk is reported to the
 * backend's {@link Accounting} when allocated and freed. Acquire and release happen once per
 * handle (creation and release), never per operation; each costs one CAS on {@link #inUse}.
 *
 * <p>Safety of reuse: a context is released only by its owner's {@code release()}, which runs
 * after the last completion on that handle was consumed, so no packet for a freed context can
 * still be queued. In debug mode a released context is poisoned (its slot number kept), and a
 * packet that names a free or poisoned context is a {@link Debug#violation}, not a dispatch.
 */
final class OpTable implements AutoCloseable {
    private static final int CHUNK_BITS = 8;
    private static final int CHUNK_SIZE = 1 << CHUNK_BITS;
    private static final long CHUNK_BYTES = OpContext.LAYOUT.byteSize() * CHUNK_SIZE;
    /** {@link #inUse} while the table trims (or is closed): acquirers wait for the grow lock. */
    private static final int TRIMMING = Integer.MIN_VALUE;

    /** Reads absolute addresses: the slot of a context known only by its OVERLAPPED's address. */
    @SuppressWarnings("restricted")
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final long H_EVENT_OFFSET = Overlapped.hEvent$OFFSET; // the OVERLAPPED is first

    private final Accounting accounting;
    private final ConcurrentLinkedQueue<OpContext> free = new ConcurrentLinkedQueue<>();
    /** Chunks of contexts by slot; replaced (copied and grown) under the lock, read without it. */
    private volatile AtomicReferenceArray<OpContext>[] chunks;
    /** The arena of each chunk, by chunk index. Guarded by growLock. */
    private Arena[] arenas = new Arena[0];
    /** Contexts acquired and not released; {@link #TRIMMING} while chunks are being freed. */
    private final AtomicInteger inUse = new AtomicInteger();
    private final Object growLock = new Object();

    @SuppressWarnings({"unchecked", "rawtypes"})
    OpTable(Accounting accounting) {
        OpContext.checkCallStateFits();
        this.accounting = accounting;
        this.chunks = new AtomicReferenceArray[0];
        synchronized (growLock) {
            grow();
        }
    }

    /**
     * Hands out a context owned by {@code target} until {@link #release}.
     *
     * @throws IOException if the table is closed: the backend closed, and the handle being
     *         created lost the race with that close (checked, so every creation site handles it)
     */
    OpContext acquire(Completion target) throws IOException {
        while (true) {
            int n = inUse.get();
            if (n == TRIMMING) {
                synchronized (growLock) {
                    if (inUse.get() == TRIMMING && chunks.length == 0) {
                        throw new IOException("weft iocp backend is closed");
                    }
                }
                continue; // the trim is over
            }
            if (inUse.compareAndSet(n, n + 1)) {
                break;
            }
        }
        OpContext context;
        while ((context = free.poll()) == null) {
            synchronized (growLock) {
                if (free.isEmpty()) {
                    grow();
                }
            }
        }
        context.target = target;
        return context;
    }

    /** Returns a context whose last completion has been consumed. */
    void release(OpContext context) {
        context.target = null;
        if (Debug.ENABLED) {
            Debug.poison(context.struct);
            context.struct.set(ValueLayout.JAVA_LONG, OpContext.SLOT_OFFSET, context.slot);
        }
        free.offer(context); // before the count drops: a trim must find every free context queued
        if (inUse.decrementAndGet() == 0 && chunks.length > 1) {
            trim();
        }
    }

    /**
     * The target of the operation whose OVERLAPPED is at {@code overlappedAddress}.
     *
     * @throws IllegalStateException (a {@link Debug#violation}) if the address is not one of
     *         ours, or names a context that is free: a corrupted or stale packet
     */
    Completion targetOf(long overlappedAddress) {
        long slot = EVERYTHING.get(ValueLayout.JAVA_LONG, overlappedAddress + OpContext.SLOT_OFFSET);
        AtomicReferenceArray<OpContext>[] current = chunks;
        int chunk = (int) (slot >>> CHUNK_BITS);
        if (slot < 0 || chunk >= current.length) {
            throw Debug.violation("completion for unknown op context 0x" + Long.toHexString(overlappedAddress)
                    + " (slot " + slot + ")");
        }
        OpContext context = current[chunk].get((int) (slot & (CHUNK_SIZE - 1)));
        Completion target = context.target;
        if (context.struct.address() != overlappedAddress || target == null) {
            throw Debug.violation("completion for an op context not in use: slot " + slot);
        }
        // A submission clears hEvent (the kernel never writes it), so a poisoned one means this
        // context was released and re-acquired but not yet submitted: the packet is stale.
        if (Debug.ENABLED && context.struct.get(ValueLayout.JAVA_LONG, H_EVENT_OFFSET) == Debug.POISON_VALUE) {
            throw Debug.violation("completion for a poisoned (freed) op context: slot " + slot);
        }
        return target;
    }

    /**
     * Tells the target of every context in use that its packet will never come (the port
     * failed). Each target decides whether it has an operation pending.
     */
    void abandonAll() {
        for (AtomicReferenceArray<OpContext> chunk : chunks) {
            for (int i = 0; i < chunk.length(); i++) {
                Completion target = chunk.get(i).target;
                if (target != null) {
                    target.abandon();
                }
            }
        }
    }

    /** Contexts allocated so far (in use or free). */
    int capacity() {
        return chunks.length * CHUNK_SIZE;
    }

    /** Contexts now acquired by handles. */
    int inUse() {
        return Math.max(0, inUse.get());
    }

    /** Adds a chunk. Caller holds growLock. */
    private void grow() {
        AtomicReferenceArray<OpContext>[] old = chunks;
        AtomicReferenceArray<OpContext> chunk = new AtomicReferenceArray<>(CHUNK_SIZE);
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(OpContext.LAYOUT, CHUNK_SIZE);
        accounting.allocated(memory.byteSize());
        int base = old.length * CHUNK_SIZE;
        for (int i = 0; i < CHUNK_SIZE; i++) {
            chunk.set(i, new OpContext(base + i, memory.asSlice(i * OpContext.LAYOUT.byteSize(),
                    OpContext.LAYOUT)));
        }
        arenas = Arrays.copyOf(arenas, arenas.length + 1);
        arenas[old.length] = arena;
        AtomicReferenceArray<OpContext>[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = chunk;
        chunks = grown; // publish before the contexts become acquirable
        for (int i = 0; i < CHUNK_SIZE; i++) {
            free.offer(chunk.get(i));
        }
    }

    /**
     * Frees every chunk but the first once no context is in use: a burst of connections does
     * not pin its contexts' memory for the backend's lifetime.
     */
    private void trim() {
        synchronized (growLock) {
            if (!inUse.compareAndSet(0, TRIMMING)) {
                return; // a handle was created meanwhile
            }
            try {
                freeChunksFrom(1);
            } finally {
                inUse.set(0);
            }
        }
    }

    /** Frees chunks {@code first..}; no context is in use. Caller holds growLock. */
    @SuppressWarnings("unchecked")
    private void freeChunksFrom(int first) {
        AtomicReferenceArray<OpContext>[] old = chunks;
        if (old.length <= first) {
            return;
        }
        chunks = Arrays.copyOf(old, first);
        free.clear();
        for (int c = 0; c < first; c++) {
            for (int i = 0; i < CHUNK_SIZE; i++) {
                free.offer(old[c].get(i));
            }
        }
        for (int c = first; c < old.length; c++) {
            arenas[c].close();
            accounting.freed(CHUNK_BYTES);
        }
        arenas = Arrays.copyOf(arenas, first);
    }

    /**
     * Frees every chunk; call only when no handle is left and no completion thread runs. If a
     * context is still in use its memory is leaked rather than freed under the kernel.
     */
    @Override
    public void close() {
        tryClose();
    }

    /**
     * As {@link #close}, waiting up to {@code timeoutMillis} for contexts still in use to come
     * back. A runtime's close needs the wait: a handle created while the runtime closes takes
     * its contexts before it joins the live handles, so the wait for every handle's release can
     * miss it, and it gives them back only when its creator finds the runtime closed. After
     * this returns true, {@link #acquire} fails.
     *
     * @return true if every chunk was freed; false if a context was still in use at the
     *         deadline (its memory is then leaked, never freed under the kernel)
     */
    boolean closeWhenUnused(long timeoutMillis) {
        return CloseWait.until(this::tryClose, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    /** Frees every chunk if no context is in use; true once done (and on every later call). */
    private boolean tryClose() {
        synchronized (growLock) {
            if (inUse.get() == TRIMMING && chunks.length == 0) {
                return true; // closed already
            }
            if (!inUse.compareAndSet(0, TRIMMING)) {
                return false;
            }
            freeChunksFrom(0);
            return true;
        }
    }
}
