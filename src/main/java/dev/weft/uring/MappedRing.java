package dev.weft.uring;

import dev.weft.bindings.linux.IoCqringOffsets;
import dev.weft.bindings.linux.IoSqringOffsets;
import dev.weft.bindings.linux.IoUringCqe;
import dev.weft.bindings.linux.IoUringParams;
import dev.weft.bindings.linux.IoUringSqe;
import dev.weft.bindings.linux.LibC;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.weft.bindings.linux.IoUring.*;
import static dev.weft.bindings.linux.Mman.*;

/**
 * An io_uring instance as set up by io_uring_setup and mapped into this process: its
 * descriptor, the {@link SubmissionQueue} and {@link CompletionQueue} over the shared memory,
 * and the unmapping when it is closed. It knows nothing of operations.
 *
 * <p>Flags: CLAMP (entries beyond the kernel's maximum are clamped, not refused), CQSIZE (the
 * CQ is sized for the connections a ring serves, not just for the SQ: every parked read is a
 * CQE to come), and COOP_TASKRUN: the kernel runs a request's completion work on the thread that
 * submitted it, and with this flag it does not interrupt that thread while it runs in user
 * space, but waits for its next entry into the kernel (a system call, or at the latest the
 * next timer tick). Several threads submit (see {@link Ring}), so no SINGLE_ISSUER or
 * DEFER_TASKRUN: those tie completion work to one thread's io_uring_enter.
 */
final class MappedRing implements AutoCloseable {
    final int fd;
    final SubmissionQueue sq;
    final CompletionQueue cq;
    /** Bytes mapped for the rings and SQEs. */
    final long mappedBytes;
    /** Whether io_uring_enter takes a time limit for its wait (IORING_FEAT_EXT_ARG, Linux 5.11). */
    final boolean waitsWithLimit;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing; // same as sqRing with IORING_FEAT_SINGLE_MMAP
    private final MemorySegment sqes;

    private MappedRing(int fd, MemorySegment params) throws IOException {
        this.fd = fd;
        this.waitsWithLimit = (IoUringParams.features(params) & IORING_FEAT_EXT_ARG) != 0;
        if ((IoUringParams.features(params) & IORING_FEAT_NODROP) == 0) {
            // Without NODROP a full CQ drops completions: a parked thread would never wake.
            throw new IOException("io_uring without IORING_FEAT_NODROP (Linux 5.5+) is not supported");
        }
        MemorySegment sqOff = IoUringParams.sq_off(params);
        MemorySegment cqOff = IoUringParams.cq_off(params);
        int sqEntries = IoUringParams.sq_entries(params);
        int cqEntries = IoUringParams.cq_entries(params);
        long sqSize = IoSqringOffsets.array(sqOff) + 4L * sqEntries;
        long cqSize = IoCqringOffsets.cqes(cqOff) + IoUringCqe.sizeof() * cqEntries;
        boolean single = (IoUringParams.features(params) & IORING_FEAT_SINGLE_MMAP) != 0;
        MemorySegment sq = null;
        MemorySegment cq = null;
        MemorySegment entries = null;
        try {
            if (single) {
                sq = map(Math.max(sqSize, cqSize), IORING_OFF_SQ_RING);
                cq = sq;
            } else {
                sq = map(sqSize, IORING_OFF_SQ_RING);
                cq = map(cqSize, IORING_OFF_CQ_RING);
            }
            entries = map(IoUringSqe.sizeof() * sqEntries, IORING_OFF_SQES);
        } catch (IOException e) {
            unmap(sq);
            if (cq != sq) {
                unmap(cq);
            }
            throw e;
        }
        this.sqRing = sq;
        this.cqRing = cq;
        this.sqes = entries;
        this.sq = new SubmissionQueue(sq, entries, sqOff);
        this.cq = new CompletionQueue(cq, cqOff);
        this.mappedBytes = sq.byteSize() + (cq != sq ? cq.byteSize() : 0) + entries.byteSize();
    }

    /**
     * Sets up a ring with at least {@code sqEntries} SQEs and {@code cqEntries} CQEs (each
     * clamped to the kernel's maximum).
     */
    static MappedRing open(int sqEntries, int cqEntries) throws IOException {
        try (Arena setup = Arena.ofConfined()) {
            MemorySegment errno = setup.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment params = setup.allocate(IoUringParams.layout());
            long fd = setUp(errno, params, sqEntries, cqEntries,
                    IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN);
            if (fd < 0) {
                int code = LibC.errno(errno);
                throw new IOException("io_uring_setup failed, errno " + code
                        + (code == 38 ? " (ENOSYS: kernel without io_uring)"
                        : code == 1 ? " (EPERM: io_uring disabled by sysctl or seccomp)" : ""));
            }
            try {
                return new MappedRing((int) fd, params);
            } catch (IOException | RuntimeException e) {
                SocketCalls.close((int) fd);
                throw e;
            }
        }
    }

    private static long setUp(MemorySegment errno, MemorySegment params, int sqEntries, int cqEntries, int flags) {
        IoUringParams.flags(params, flags);
        IoUringParams.cq_entries(params, Math.max(cqEntries, 2 * sqEntries));
        return LibC.io_uring_setup(errno, sqEntries, params);
    }

    private MemorySegment map(long size, long offset) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = a.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment at = LibC.mmap(errno, MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, fd, offset);
            if (at.address() == -1L) {
                throw new IOException("mmap of io_uring region failed, errno " + LibC.errno(errno));
            }
            return at.reinterpret(size);
        }
    }

    private static void unmap(MemorySegment region) {
        if (region != null) {
            try (Arena a = Arena.ofConfined()) {
                LibC.munmap(a.allocate(LibC.CAPTURE_STATE_LAYOUT), region, region.byteSize());
            }
        }
    }

    /**
     * Unmaps the rings and closes the descriptor (the kernel cancels what is still in flight).
     * The caller guarantees no thread reads or writes the rings any more.
     */
    @Override
    public void close() {
        sq.close();
        unmap(sqes);
        if (cqRing != sqRing) {
            unmap(cqRing);
        }
        unmap(sqRing);
        SocketCalls.close(fd);
    }
}
