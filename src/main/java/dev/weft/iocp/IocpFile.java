package dev.weft.iocp;

import dev.weft.bindings.windows.FileApi;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.Overlapped;
import dev.weft.core.NativeFile;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A file opened with FILE_FLAG_OVERLAPPED and associated with the backend's completion port:
 * each read and write is an overlapped ReadFile/WriteFile whose offset travels in its own
 * OVERLAPPED, so any number of them run at once.
 *
 * <p>How an operation ends: the call fails at once (no packet comes: fail or, for
 * ERROR_HANDLE_EOF, finish with end of file here), is pending (a completion thread finishes it),
 * or succeeds at once (a cached read often does). In the last case no packet comes when the handle is in
 * skip-completion-port-on-success mode, so the submitter finishes the op itself; otherwise the
 * packet is queued anyway and the completion thread finishes it. {@link #skipOnSuccess} records
 * whether that mode took effect. The handle is closed in {@link #release()}, after the last
 * completion, so a reused handle value never receives this file's late packets.
 */
final class IocpFile extends NativeFile {
    /** OVERLAPPED.Offset and OffsetHigh both all ones: write at the current end of the file. */
    private static final int END_OF_FILE_OFFSET = 0xFFFFFFFF;

    private final IocpBackend backend;
    private final long handle;
    private final boolean skipOnSuccess;
    /** Guards {@link #released} so a racing cancel never touches a closed (maybe reused) handle. */
    private final Object releaseLock = new Object();
    private boolean released;

    IocpFile(IocpBackend backend, long handle, boolean skipOnSuccess) {
        super(backend.liveHandles());
        this.backend = backend;
        this.handle = handle;
        this.skipOnSuccess = skipOnSuccess;
    }

    @Override
    protected PendingOp newOp() throws IOException {
        return new FileOp(backend.opTable());
    }

    @Override
    protected void startRead(PendingOp op, MemorySegment dst, long position) {
        FileOp o = (FileOp) op;
        OpContext c = o.context;
        if (!dst.isNative()) { // the kernel needs an address that cannot move
            o.fail(SocketError.OTHER, FileApi.ERROR_ACCESS_DENIED);
            return;
        }
        c.resetOverlapped();
        Overlapped.Offset(c.overlapped, (int) position);
        Overlapped.OffsetHigh(c.overlapped, (int) (position >>> 32));
        int ok = FileApi.ReadFile(c.callState, MemorySegment.ofAddress(handle), dst,
                (int) Math.min(dst.byteSize(), Integer.MAX_VALUE), c.bytes, c.overlapped);
        submitted(o, ok != 0);
    }

    @Override
    protected void startWrite(PendingOp op, MemorySegment src, long position) {
        FileOp o = (FileOp) op;
        OpContext c = o.context;
        if (!src.isNative()) {
            o.fail(SocketError.OTHER, FileApi.ERROR_ACCESS_DENIED);
            return;
        }
        c.resetOverlapped();
        boolean append = position == END_OF_FILE;
        Overlapped.Offset(c.overlapped, append ? END_OF_FILE_OFFSET : (int) position);
        Overlapped.OffsetHigh(c.overlapped, append ? END_OF_FILE_OFFSET : (int) (position >>> 32));
        int ok = FileApi.WriteFile(c.callState, MemorySegment.ofAddress(handle), src,
                (int) Math.min(src.byteSize(), Integer.MAX_VALUE), c.bytes, c.overlapped);
        submitted(o, ok != 0);
    }

    /**
     * After the call returned. Only the submitter's own call state and the op's immediate byte
     * count are read here: a completion thread may already be finishing the op.
     */
    private void submitted(FileOp o, boolean succeededAtOnce) {
        OpContext c = o.context;
        if (succeededAtOnce) {
            if (skipOnSuccess) {
                o.complete(Integer.toUnsignedLong(c.immediateBytes()));
                backend.countInline();
            }
            return; // else: the packet is queued anyway; the completion thread finishes the op
        }
        int error = c.submitterLastError();
        if (error == Kernel32.ERROR_HANDLE_EOF) {
            o.complete(0); // a read at or past the end, refused at once: no packet comes
        } else if (error != Kernel32.ERROR_IO_PENDING) {
            o.fail(SocketError.OTHER, error);
        }
    }

    /** Windows has no overlapped flush: FlushFileBuffers runs on the calling thread. */
    @Override
    protected void startForce(PendingOp op, boolean metadata) {
        int error = FileCalls.flush(handle);
        if (error == 0) {
            op.complete(0);
        } else {
            op.fail(SocketError.OTHER, error);
        }
    }

    /** CancelIoEx on exactly this op's OVERLAPPED; its completion still arrives and is consumed. */
    @Override
    protected void cancel(PendingOp op) {
        OpContext c = ((FileOp) op).context;
        synchronized (releaseLock) {
            if (!released) {
                Kernel32.CancelIoEx(MemorySegment.ofAddress(handle), c.overlapped);
            }
        }
    }

    @Override
    protected long querySize() throws IOException {
        return FileCalls.size(handle);
    }

    @Override
    protected void resize(long size) throws IOException {
        FileCalls.truncate(handle, size);
    }

    @Override
    protected IOException failure(String operation, int code) {
        return FileCalls.failure(operation, code);
    }

    @Override
    protected void release() {
        synchronized (releaseLock) {
            released = true;
        }
        FileCalls.closeQuietly(handle);
        if (backend.failure() != null) {
            return; // an abandoned op may still be written by the kernel: leak its contexts
        }
        for (PendingOp op : ops()) {
            backend.opTable().release(((FileOp) op).context);
        }
    }

    /** Whether the skip-on-success mode took effect on this handle; for tests. */
    boolean skipsCompletionPortOnSuccess() {
        return skipOnSuccess;
    }

    @Override
    public String toString() {
        return "IocpFile[0x" + Long.toHexString(handle) + (isClosed() ? ", closed]" : "]");
    }
}
