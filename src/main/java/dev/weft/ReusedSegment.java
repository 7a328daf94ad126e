package dev.weft;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The segment over the memory a caller keeps passing: a loop that reads into (or writes from)
 * one buffer or array is the common case, and {@link MemorySegment#ofBuffer} or {@link
 * MemorySegment#ofArray} plus a slice makes two or three objects per call, which the JIT cannot
 * scalar-replace once the socket layer may hand the segment to the kernel. This remembers the
 * last buffer or array, a segment over all of it and the last window of it: a read after
 * {@code clear()} asks for the same window every time, and so does a write of a fixed-size
 * message, so such a loop allocates nothing here.
 *
 * <p>Not thread-safe: each direction of a connection (or datagram socket) has its own, used
 * under that direction's lock. It holds the last buffer or array strongly, as long as the socket
 * is reachable.
 */
final class ReusedSegment {
    /** The direct {@link ByteBuffer} or the {@code byte[]} the segments below are of. */
    private Object base;
    private MemorySegment whole;
    private MemorySegment window;
    /** Whether {@link #whole}'s arena can be closed, so each call checks it: see {@link CallerMemory}. */
    private boolean closable;
    /** Whether another thread may free {@link #whole} while a call waits. */
    private boolean freeableByOthers;

    /**
     * The segment over {@code direct}'s remaining bytes (position to limit).
     *
     * @throws IllegalStateException if the buffer's memory belongs to an arena that was closed
     * @throws WrongThreadException if it belongs to another thread's confined arena
     */
    MemorySegment remaining(ByteBuffer direct) {
        if (direct != base) {
            // position 0, limit capacity: window() takes the caller's part each time
            remember(direct, MemorySegment.ofBuffer(direct.duplicate().clear()));
        }
        if (closable) {
            CallerMemory.checkUsableHere(whole);
        }
        return window(direct.position(), direct.remaining());
    }

    /**
     * True when the last buffer's memory may be freed by another thread while a call waits (a
     * shared arena's): the call must copy through memory of its own instead of handing this
     * memory to the kernel.
     */
    boolean freeableByOthers() {
        return freeableByOthers;
    }

    /** The segment over {@code length} bytes of {@code array} from {@code offset} (checked by the caller). */
    MemorySegment of(byte[] array, int offset, int length) {
        if (array != base) {
            remember(array, MemorySegment.ofArray(array));
        }
        return window(offset, length);
    }

    private void remember(Object memory, MemorySegment all) {
        base = memory;
        whole = all;
        window = all;
        closable = CallerMemory.closable(all);
        freeableByOthers = CallerMemory.freeableByOtherThreads(all);
    }

    private MemorySegment window(long offset, long length) {
        // address(): the native address, or for an array the offset into it
        if (window.address() - whole.address() != offset || window.byteSize() != length) {
            window = whole.asSlice(offset, length);
        }
        return window;
    }
}
