package dev.weft.uring;

import dev.weft.bindings.linux.IoUringBuf;
import dev.weft.bindings.linux.IoUringBufReg;
import dev.weft.bindings.linux.LibC;
import dev.weft.core.Accounting;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.weft.bindings.linux.IoUring.IORING_REGISTER_PBUF_RING;
import static dev.weft.bindings.linux.Mman.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One ring's pool of receive buffers, registered with the kernel as a provided buffer ring
 * (IORING_REGISTER_PBUF_RING, buffer group {@link #GROUP}). A multishot recv asks the kernel to
 * pick a buffer per arriving chunk; the CQE names the buffer ({@code flags >>> 16}), and weft
 * hands it back with {@link #give} once every byte of it has been copied out.
 *
 * <p>Memory: the ring and the buffers are anonymous private mappings, so pages are committed
 * only when the kernel first writes them, and they stay mapped (unmoved) until {@link #close},
 * which runs after the io_uring instance itself is closed: no recv can be in flight then.
 *
 * <p><b>A small window, reused hot.</b> The kernel takes buffers from the ring in the order they
 * were added, so a ring holding every free buffer would hand out each buffer only once per trip
 * through the whole pool: every chunk would land in memory that left the cache long ago (at
 * 64 KiB messages the copies into and out of such buffers cost about twice what they cost in
 * a warm buffer). So only a window of them sits in the ring ({@link #INITIAL_WINDOW} at first);
 * the other free buffers wait in a last-in-first-out stash, and a buffer given back goes to the
 * ring when it has room, else on top of the stash, from where it is the next to top the ring
 * up. The working set is the window plus the buffers being read. The window doubles (up to
 * the whole pool) each time the kernel ran out of buffers while the stash still had some (a
 * recv ended with ENOBUFS: {@link #starved}), so many connections with data queued get the
 * whole pool, as they would without a window.
 *
 * <p>Threading: {@link #give} may be called by any thread (a reader copying a queued chunk, or
 * the reaping thread); the ring's tail and the stash are changed under a short lock of their
 * own. {@link #taken} (the reaping thread) takes the lock only when the ring runs low and the
 * stash has buffers. The kernel reads the tail with acquire semantics, so the entry is written
 * before a release store of the tail.
 */
final class ProvidedBuffers implements AutoCloseable {
    /** The buffer group id every multishot recv of the ring selects from. */
    static final int GROUP = 0;

    /** Buffers in the ring at first (fewer if the pool is smaller); see the class comment. */
    static final int INITIAL_WINDOW = 64;

    private static final VarHandle SHORT = JAVA_SHORT.varHandle();
    private static final long ENTRY = IoUringBuf.sizeof();
    private static final long TAIL = IoUringBuf.tailOffset();
    private static final long ADDR = IoUringBuf.layout().byteOffset(groupElement("addr"));
    private static final long LEN = IoUringBuf.layout().byteOffset(groupElement("len"));
    private static final long BID = IoUringBuf.layout().byteOffset(groupElement("bid"));

    private final MemorySegment ring;
    private final MemorySegment data;
    private final int count;
    private final int size;
    private final int mask;
    private final AtomicInteger out = new AtomicInteger();
    /** Buffers added to the ring and not yet seen taken (a CQE reaped); at most the window. */
    private final AtomicInteger provided = new AtomicInteger();
    private final Accounting accounting;
    private int tail; // guarded by this
    /** Free buffers not in the ring, the most recently given back on top. Guarded by this. */
    private final int[] stash;
    /** Buffers in the stash; written under the lock, read without it as a hint. */
    private volatile int stashed;
    /** How many buffers the ring may hold; only grows. Written under the lock. */
    private volatile int window;
    /** One more than the highest buffer id ever put in the ring: how much of the pool is in use. */
    private volatile int rotation;

    private ProvidedBuffers(MemorySegment ring, MemorySegment data, int count, int size, Accounting accounting) {
        this.ring = ring;
        this.data = data;
        this.count = count;
        this.size = size;
        this.mask = count - 1;
        this.stash = new int[count];
        this.window = Math.min(count, INITIAL_WINDOW);
        this.accounting = accounting;
        // Reported at its mapped size, though pages are committed only as the kernel fills them.
        accounting.allocated(ring.byteSize() + data.byteSize());
    }

    /**
     * Maps {@code count} buffers of {@code size} bytes and registers them with the io_uring
     * instance {@code ringFd}; the mappings are reported to {@code accounting} until {@link #close}.
     *
     * @param count a power of two, at most 32768
     */
    static ProvidedBuffers register(int ringFd, int count, int size, Accounting accounting) throws IOException {
        if (Integer.bitCount(count) != 1 || count > 32768) {
            throw new IllegalArgumentException("buffer count must be a power of two <= 32768: " + count);
        }
        MemorySegment ring = map(count * ENTRY);
        MemorySegment data;
        try {
            data = map((long) count * size);
        } catch (IOException e) {
            unmap(ring);
            throw e;
        }
        ProvidedBuffers buffers = new ProvidedBuffers(ring, data, count, size, accounting);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment reg = a.allocate(IoUringBufReg.layout());
            IoUringBufReg.ring_addr(reg, ring.address());
            IoUringBufReg.ring_entries(reg, count);
            IoUringBufReg.bgid(reg, (short) GROUP);
            long rc = LibC.io_uring_register(errno, ringFd, IORING_REGISTER_PBUF_RING, reg, 1);
            if (rc < 0) {
                buffers.close();
                throw new IOException("IORING_REGISTER_PBUF_RING failed, errno " + LibC.errno(errno)
                        + " (multishot recv needs Linux 5.19+; -Dweft.uring.multishotRecv=false avoids it)");
            }
        }
        synchronized (buffers) {
            for (int bid = count - 1; bid >= 0; bid--) {
                buffers.push(bid); // buffer 0 on top
            }
            buffers.refill();
        }
        return buffers;
    }

    /** All the buffers, back to back. */
    MemorySegment data() {
        return data;
    }

    /** Bytes per buffer. */
    int bufferSize() {
        return size;
    }

    /** Where buffer {@code bid} starts in {@link #data()}. */
    long offset(int bid) {
        return (long) bid * size;
    }

    /**
     * Counts one buffer the kernel filled (a CQE with IORING_CQE_F_BUFFER); tops the ring up
     * from the stash when it is down to half the window.
     */
    void taken() {
        out.incrementAndGet();
        if (provided.decrementAndGet() <= window >> 1 && stashed > 0) {
            synchronized (this) {
                refill();
            }
        }
    }

    /**
     * A recv ended because the ring was empty (ENOBUFS). If the stash still had buffers the
     * window was too small for this load: double it and top the ring up.
     */
    void starved() {
        synchronized (this) {
            if (stashed > 0 && window < count) {
                window = Math.min(count, window * 2);
                refill();
            }
        }
    }

    /** How many buffers the ring may hold now (see the class comment). */
    int window() {
        return window;
    }

    /** How many distinct buffers have been handed to the kernel so far. */
    int rotation() {
        return rotation;
    }

    /** Buffers the kernel filled and weft has not given back. */
    int outstanding() {
        return out.get();
    }

    /** True when (as far as reaped CQEs tell) the kernel has no buffer left to fill. */
    boolean exhausted() {
        return out.get() >= count;
    }

    /** Gives buffer {@code bid} back to the kernel; its contents are not used again. */
    void give(int bid) {
        synchronized (this) {
            push(bid);
            refill();
        }
        out.decrementAndGet();
    }

    private void push(int bid) {
        stash[stashed] = bid;
        stashed = stashed + 1;
    }

    /** Moves buffers from the top of the stash into the ring while it is below the window. */
    private void refill() {
        int n = stashed;
        int added = 0;
        while (n > 0 && provided.get() < window) {
            add(stash[--n]);
            provided.incrementAndGet();
            added++;
        }
        stashed = n;
        if (added > 0) {
            publish();
        }
    }

    private void add(int bid) {
        if (bid >= rotation) {
            rotation = bid + 1;
        }
        long entry = (tail & mask) * ENTRY;
        // Never write resv: in entry 0 it is the tail itself.
        ring.set(JAVA_LONG, entry + ADDR, data.address() + (long) bid * size);
        ring.set(JAVA_INT, entry + LEN, size);
        ring.set(JAVA_SHORT, entry + BID, (short) bid);
        tail++;
    }

    private void publish() {
        SHORT.setRelease(ring, TAIL, (short) tail);
    }

    /** Unmaps the ring and the buffers; call only after the io_uring instance is closed. */
    @Override
    public void close() {
        unmap(data);
        unmap(ring);
        accounting.freed(ring.byteSize() + data.byteSize());
    }

    private static MemorySegment map(long bytes) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment at = LibC.mmap(errno, MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (at.address() == -1L) {
                throw new IOException("mmap of " + bytes + " bytes of receive buffers failed, errno "
                        + LibC.errno(errno));
            }
            return at.reinterpret(bytes);
        }
    }

    private static void unmap(MemorySegment region) {
        if (region != null) {
            try (Arena a = Arena.ofConfined()) {
                LibC.munmap(a.allocate(LibC.CAPTURE_STATE_LAYOUT), region, region.byteSize());
            }
        }
    }
}
