package dev.weft.uring;

import dev.weft.core.FileAccess;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeFile;
import dev.weft.core.PendingOp;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static dev.weft.bindings.linux.IoUring.IORING_FSYNC_DATASYNC;
import static dev.weft.bindings.linux.IoUring.IORING_OP_FSYNC;
import static dev.weft.bindings.linux.IoUring.IORING_OP_READ;
import static dev.weft.bindings.linux.IoUring.IORING_OP_WRITE;

/**
 * A file whose reads, writes and flushes are io_uring operations (IORING_OP_READ, WRITE, FSYNC),
 * each on the ring of the calling thread's CPU. A read the page cache can serve completes inside
 * the submitting io_uring_enter; one that must wait for the device is carried on by the kernel
 * (its async buffered read or its own worker) while the virtual thread is parked.
 *
 * <p>The descriptor stays open until {@link #release()}, after the last completion.
 */
final class UringFile extends NativeFile {
    private final Rings rings;
    private final DescriptorCloser closer;
    private final int fd;

    private UringFile(LiveHandles live, Rings rings, DescriptorCloser closer, int fd) {
        super(live);
        this.rings = rings;
        this.closer = closer;
        this.fd = fd;
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

    @Override
    protected void startRead(PendingOp op, MemorySegment dst, long position) {
        int len = (int) Math.min(dst.byteSize(), Integer.MAX_VALUE);
        ((UringOp) op).submit(IORING_OP_READ, fd, dst, dst.address(), len, position, 0);
    }

    @Override
    protected void startWrite(PendingOp op, MemorySegment src, long position) {
        int len = (int) Math.min(src.byteSize(), Integer.MAX_VALUE);
        // END_OF_FILE is -1, io_uring's "current position"; the descriptor is O_APPEND then, so
        // the kernel writes at the end as one step.
        ((UringOp) op).submit(IORING_OP_WRITE, fd, src, src.address(), len, position, 0);
    }

    @Override
    protected void startForce(PendingOp op, boolean metadata) {
        ((UringOp) op).submit(IORING_OP_FSYNC, fd, null, 0, 0, 0, metadata ? 0 : IORING_FSYNC_DATASYNC);
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
