package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.weft.bindings.linux.IoUring.IORING_OP_READ;

/**
 * How another thread wakes a ring's owner out of its wait in the kernel: an eventfd that the
 * owner keeps a read posted on; a write to it completes that read. Why not a NOP submitted by the
 * waker: requests are queued for the owner so that the waker never becomes their submitter (the
 * kernel ties a request to its submitter's life), and an eventfd write ties nothing to anyone.
 *
 * <p>The eventfd is blocking on purpose: io_uring answers a read on a non-blocking descriptor
 * that has nothing with EAGAIN at once instead of waiting for it, which would make the owner spin.
 * A write to it never blocks (the counter would have to reach 2^64 - 1).
 *
 * <p>A ring rings at most once per owner pass: {@link #ring} writes only if no ring is pending
 * since the owner last {@link #answered} it, so a burst of requests costs one system call.
 */
final class Doorbell implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    /** The owner's read lands here; the value is not used. */
    private final MemorySegment sink = arena.allocate(ValueLayout.JAVA_LONG);
    /** Written by concurrent writes and never read: an eventfd write of 1 cannot fail usefully. */
    private final MemorySegment scratchErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final AtomicBoolean rung = new AtomicBoolean();
    /** True while the owner's read on the eventfd is in flight (cleared by whoever reaps its CQE). */
    private volatile boolean readPosted;

    Doorbell() throws IOException {
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        fd = LibC.eventfd(scratchErrno, 0, LibC.EFD_CLOEXEC);
        if (fd < 0) {
            int code = LibC.errno(scratchErrno);
            arena.close();
            throw new IOException("eventfd failed, errno " + code);
        }
    }

    /** Wakes the owner if it waits, or makes its next wait return at once. Any thread. */
    void ring() {
        if (!rung.getAndSet(true)) {
            LibC.write(scratchErrno, fd, one, 8);
        }
    }

    /**
     * The owner is about to look at what it was rung for: a ring from now on writes again.
     * Call before taking the queued work, so none is left without a ring.
     */
    void answered() {
        rung.set(false);
    }

    /** Owner only: posts the read on the eventfd unless one is in flight. */
    void listen(Ring ring) {
        if (!readPosted) {
            readPosted = ring.submit(IORING_OP_READ, fd, sink.address(), 8, 0, 0, 0, UserData.TAG_WAKE);
        }
    }

    /** The read on the eventfd completed (its CQE was reaped, by the reaper or the owner). */
    void readCompleted() {
        readPosted = false;
    }

    /** Closes the eventfd; after the ring is closed (the kernel holds no read into {@link #sink}). */
    @Override
    public void close() {
        SocketCalls.close(fd);
        arena.close();
    }
}
