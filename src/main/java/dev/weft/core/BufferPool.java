package dev.weft.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Native buffers that stay put while the kernel uses them, for callers whose data lives on the
 * Java heap (arrays, heap ByteBuffers). Buffers come in power-of-two sizes from
 * {@link #MIN_SIZE} to {@link #MAX_SIZE}; released buffers are kept for reuse, so the memory
 * held is the peak in use at once, and it is all freed by {@link #close()} — at once, or, if
 * some buffer is still lent out, when the last one comes back: a caller copying bytes out of a
 * buffer while the runtime closes never finds its memory gone.
 *
 * <p>A buffer handed to the kernel must not be released before that operation's completion
 * has been consumed; {@link NativeSocket}'s blocking operations guarantee that for their callers.
 *
 * <p>Debug mode ({@link Debug#ENABLED}): released buffers are filled with {@link Debug#POISON},
 * and releasing a buffer that is not out (twice, or never acquired) is a {@link Debug#violation}.
 */
public final class BufferPool implements AutoCloseable {
    public static final int MIN_SIZE = 1 << 10;
    public static final int MAX_SIZE = 1 << 16;
    private static final int MIN_SHIFT = 10;
    private static final int CLASSES = 7;

    private final Arena arena = Arena.ofShared();
    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<MemorySegment>[] free = new ConcurrentLinkedQueue[CLASSES];
    private final AtomicLong allocatedBytes = new AtomicLong();
    /** Buffers lent out, plus {@link #CLOSED} once closed and {@link #FREED} once the arena is gone. */
    private final AtomicLong lent = new AtomicLong();
    private static final long CLOSED = 1L << 62;
    private static final long FREED = 1L << 61;
    private static final long COUNT = FREED - 1;
    /** Debug mode only: addresses of the buffers now acquired. */
    private final java.util.Set<Long> out = Debug.ENABLED ? java.util.concurrent.ConcurrentHashMap.newKeySet() : null;

    public BufferPool() {
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /**
     * A native buffer of at least {@code minBytes} (at most {@link #MAX_SIZE}); its size is a
     * power of two.
     */
    public MemorySegment acquire(int minBytes) throws SocketException {
        if (minBytes < 0 || minBytes > MAX_SIZE) {
            throw new IllegalArgumentException("buffer size out of range: " + minBytes);
        }
        long s;
        do {
            s = lent.get();
            if ((s & CLOSED) != 0) {
                throw new SocketException("Socket closed"); // the runtime closed every socket
            }
        } while (!lent.compareAndSet(s, s + 1)); // while lent, the arena cannot be freed
        int sizeClass = sizeClass(minBytes);
        MemorySegment segment = free[sizeClass].poll();
        if (segment == null) {
            long size = (long) MIN_SIZE << sizeClass;
            segment = arena.allocate(size, 64);
            allocatedBytes.addAndGet(size);
        }
        if (out != null) {
            out.add(segment.address());
        }
        return segment;
    }

    /** Returns a buffer taken with {@link #acquire}. */
    public void release(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (out != null) {
            if (!out.remove(segment.address())) {
                throw Debug.violation("release of a pooled buffer that is not acquired: " + segment);
            }
            Debug.poison(segment); // still lent, so the arena is alive
        }
        if ((lent.get() & CLOSED) == 0) {
            free[sizeClass((int) segment.byteSize())].offer(segment);
        }
        if (lent.decrementAndGet() == CLOSED) {
            freeArena(); // the last buffer lent out when the pool closed came back
        }
    }

    private static int sizeClass(int bytes) {
        if (bytes <= MIN_SIZE) {
            return 0;
        }
        int shift = 32 - Integer.numberOfLeadingZeros(bytes - 1); // ceil(log2(bytes))
        return shift - MIN_SHIFT;
    }

    /** Native bytes this pool has allocated (in use or kept for reuse). */
    public long allocatedBytes() {
        return allocatedBytes.get();
    }

    /** Buffers acquired and not yet released. */
    public long buffersInUse() {
        return lent.get() & COUNT;
    }

    /**
     * Frees all native memory, now or when the last buffer lent out is released; from now on
     * {@link #acquire} fails. Call only when no buffer can still be in a kernel operation, i.e.
     * after the backend has closed: a buffer still lent is then only being copied by its caller.
     */
    @Override
    public void close() {
        if ((lent.getAndUpdate(s -> s | CLOSED) & CLOSED) == 0 && lent.get() == CLOSED) {
            freeArena();
        }
    }

    private void freeArena() {
        if (lent.compareAndSet(CLOSED, CLOSED | FREED)) {
            arena.close();
            allocatedBytes.set(0);
        }
    }
}
