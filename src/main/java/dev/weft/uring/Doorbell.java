package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import dev.weft.bindings.linux.Pollfd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.weft.bindings.linux.Errno.EINTR;

/**
 * Where a ring's owner sleeps, and what wakes it: one eventfd, registered with the ring
 * (IORING_REGISTER_EVENTFD) so the kernel signals it when it posts CQEs nobody is reaping, and
 * written by any thread that queues work for the owner. The owner blocks on it with a plain
 * read(2) (or poll(2), when it wants a time limit), never in io_uring_enter: a wait there ends
 * whenever the CQ is not empty, which is most of the time while the {@link CompletionReaper}
 * works through it, so the owner would have to sleep somewhere else then and be woken to go
 * back into the kernel each time the reaper is done (two context switches per idle period).
 * The ring's CQ flag IORING_CQ_EVENTFD_DISABLED, set while the reaper has the turn, keeps those
 * CQEs from signalling.
 *
 * <p>A ring rings at most once per owner pass: {@link #ring} writes only if no ring is pending
 * since the owner last {@link #answered} it, so a burst of requests costs one system call.
 */
final class Doorbell implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    /** The owner's reads land here; the count is not used. */
    private final MemorySegment sink = arena.allocate(ValueLayout.JAVA_LONG);
    private final MemorySegment pollfd = arena.allocate(Pollfd.layout());
    /** The owner's calls write errno here. */
    private final MemorySegment ownerErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    /** Written by concurrent writes and never read: an eventfd write of 1 cannot fail usefully. */
    private final MemorySegment scratchErrno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
    private final AtomicBoolean rung = new AtomicBoolean();

    Doorbell() throws IOException {
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        fd = LibC.eventfd(scratchErrno, 0, LibC.EFD_CLOEXEC);
        if (fd < 0) {
            int code = LibC.errno(scratchErrno);
            arena.close();
            throw new IOException("eventfd failed, errno " + code);
        }
        Pollfd.fd(pollfd, fd);
        Pollfd.events(pollfd, (short) Pollfd.POLLIN);
    }

    /** True from a {@link #ring} until the owner {@link #answered} it. */
    boolean isRung() {
        return rung.get();
    }

    /** The eventfd, to register with the ring. */
    int fd() {
        return fd;
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

    /**
     * Owner only: sleeps until the eventfd is signalled or written, or {@code timeoutMillis}
     * have passed (negative: no limit), and clears its count.
     *
     * @return false if the time ran out
     */
    boolean await(int timeoutMillis) {
        if (timeoutMillis >= 0) {
            int ready = LibC.poll(ownerErrno, pollfd, 1, timeoutMillis);
            if (ready <= 0) {
                return false; // timed out, or EINTR: the caller looks around and waits again
            }
        }
        // Blocks only without a limit: after poll the count is not zero, and only the owner reads.
        while (LibC.read(ownerErrno, fd, sink, 8) < 0) {
            if (LibC.errno(ownerErrno) != EINTR) {
                return false;
            }
        }
        return true;
    }

    /** Closes the eventfd; after the ring is closed (it signals the eventfd no more). */
    @Override
    public void close() {
        SocketCalls.close(fd);
        arena.close();
    }
}
