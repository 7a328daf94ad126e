package dev.weft.uring;

import dev.weft.core.FileAccess;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeFile;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EOPNOTSUPP;
import static dev.weft.bindings.linux.Errno.ESPIPE;
import static dev.weft.bindings.linux.IoUring.IORING_FSYNC_DATASYNC;
import static dev.weft.bindings.linux.IoUring.IORING_OP_FSYNC;
import static dev.weft.bindings.linux.IoUring.IORING_OP_READ;
import static dev.weft.bindings.linux.IoUring.IORING_OP_WRITE;
import static dev.weft.bindings.linux.IoUring.IOSQE_ASYNC;

/**
 * A file whose reads, writes and flushes that must wait are io_uring operations (IORING_OP_READ,
 * WRITE, FSYNC) run by the kernel's worker while the virtual thread is parked; a read or write
 * the page cache serves at once is done on the calling thread without the ring (see
 * {@link #startRead}).
 *
 * <p>The descriptor stays open until {@link #release()}, after the last completion.
 */
final class UringFile extends NativeFile {
    private final Rings rings;
    private final DescriptorCloser closer;
    private final int fd;
    /** SQE flags for an operation that must wait: see {@link #sqeFlagsToWait}. */
    private final int waitFlags;

    private UringFile(LiveHandles live, Rings rings, DescriptorCloser closer, int fd) {
        super(live);
        this.rings = rings;
        this.closer = closer;
        this.fd = fd;
        this.waitFlags = sqeFlagsToWait(FileCalls.isSeekable(fd));
    }

    static UringFile open(LiveHandles live, Rings rings, DescriptorCloser closer, String path, FileAccess access)
            throws IOException {
        int fd = FileCalls.open(path, access);
        try {
            UringFile file = new UringFile(live, rings, closer, fd);
            file.publish();
            return file;
        } catch (RuntimeException | Error e) {
            SocketCalls.close(fd);
            throw e;
        }
    }

    @Override
    protected PendingOp newOp() {
        return new UringOp(rings);
    }

    /**
     * A read the page cache can serve is done at once on the calling thread (preadv2 with
     * RWF_NOWAIT: it never waits for the device), as a socket send first goes straight out.
     * Otherwise, and on pipes, it becomes an IORING_OP_READ.
     */
    @Override
    protected void startRead(PendingOp op, MemorySegment dst, long position) {
        int len = (int) Math.min(dst.byteSize(), Integer.MAX_VALUE);
        long n = FileCalls.readNow(fd, dst.address(), len, position);
        if (n >= 0) {
            op.complete(n);
        } else if (mustWait((int) -n)) {
            ((UringOp) op).submit(IORING_OP_READ, fd, dst, dst.address(), len, position, 0, waitFlags);
        } else {
            op.fail(SocketError.OTHER, (int) -n);
        }
    }

    /**
     * As {@link #startRead}: a write the page cache takes at once is done here (pwritev2 with
     * RWF_NOWAIT, which may take only part: the caller reissues the rest); otherwise an
     * IORING_OP_WRITE. END_OF_FILE is -1, the "current position"; the descriptor is O_APPEND
     * then, so the kernel writes at the end in one step.
     */
    @Override
    protected void startWrite(PendingOp op, MemorySegment src, long position) {
        int len = (int) Math.min(src.byteSize(), Integer.MAX_VALUE);
        long n = FileCalls.writeNow(fd, src.address(), len, position);
        if (n > 0) {
            op.complete(n);
        } else if (n == 0 || mustWait((int) -n)) {
            ((UringOp) op).submit(IORING_OP_WRITE, fd, src, src.address(), len, position, 0, waitFlags);
        } else {
            op.fail(SocketError.OTHER, (int) -n);
        }
    }

    /**
     * EAGAIN: the page cache cannot serve it now; EOPNOTSUPP: the file system has no RWF_NOWAIT;
     * ESPIPE: a pipe or FIFO, where only the ring can wait.
     */
    private static boolean mustWait(int errno) {
        return errno == EAGAIN || errno == EOPNOTSUPP || errno == ESPIPE;
    }

    /**
     * How an operation that must wait is submitted. A regular (seekable) file's goes to the
     * kernel's worker (IOSQE_ASYNC), which blocks on the device and posts the CQE itself. A
     * pipe's does not: the ring thread's submission arms a poll on the pipe at once, where a
     * cancel queued after it always finds it. Through the worker, the poll is armed later, by the worker, and a cancel
     * arriving in between finds the request neither queued nor polled (ASYNC_CANCEL answers
     * EALREADY, the worker then arms the poll, and the read waits forever: seen as a close that
     * left 1 of 20 FIFO readers blocked, about once in a hundred runs).
     */
    private static int sqeFlagsToWait(boolean seekable) {
        return seekable ? IOSQE_ASYNC : 0;
    }

    /** O_APPEND: the kernel finds the end and writes there under the inode lock, in one step. */
    @Override
    public boolean appendsAtomically() {
        return true;
    }

    @Override
    protected void startForce(PendingOp op, boolean metadata) {
        ((UringOp) op).submit(IORING_OP_FSYNC, fd, null, 0, 0, 0, metadata ? 0 : IORING_FSYNC_DATASYNC, IOSQE_ASYNC);
    }

    @Override
    protected void cancel(PendingOp op) {
        ((UringOp) op).cancel();
    }

    @Override
    protected long querySize() throws IOException {
        return FileCalls.size(fd);
    }

    @Override
    protected void resize(long size) throws IOException {
        FileCalls.truncate(fd, size);
    }

    @Override
    protected IOException failure(String operation, int errno) {
        return FileCalls.failure(operation, errno);
    }

    @Override
    protected void release() {
        for (PendingOp op : ops()) {
            ((UringOp) op).unregister();
        }
        closer.close(fd);
    }

    @Override
    public String toString() {
        return "UringFile[fd=" + fd + "]";
    }
}
