package dev.weft.iocp;

import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.io.IOException;

import static dev.weft.bindings.windows.NtStatus.STATUS_CANCELLED;
import static dev.weft.bindings.windows.NtStatus.STATUS_END_OF_FILE;

/**
 * One read, write or flush of a file: the {@link PendingOp} its caller parks on, joined to an
 * {@link OpContext} whose OVERLAPPED carries the file offset. A file has as many as it has
 * concurrent callers; each keeps its context until the file is released.
 */
final class FileOp extends PendingOp implements Completion {
    final OpContext context;

    FileOp(OpTable table) throws IOException {
        this.context = table.acquire(this);
    }

    /** On a completion thread: records the result and unparks the caller; never blocks. */
    @Override
    public void completed(int bytes, CompletionScratch scratch) {
        int status = context.ntStatus();
        if (status == 0) {
            complete(Integer.toUnsignedLong(bytes));
        } else if (status == STATUS_END_OF_FILE) {
            complete(0); // a read at or past the end: end of file, not a failure
        } else {
            int code = FileCalls.fromNtStatus(status);
            fail(status == STATUS_CANCELLED && cancelRequested() ? SocketError.CANCELLED : SocketError.OTHER, code);
        }
    }

    /** What the kernel has left in the OVERLAPPED so far (0x103: still pending). */
    @Override
    protected String describeInFlight() {
        return "file op, " + context.describe();
    }

    @Override
    public void abandon() {
        if (!isInFlight()) {
            return;
        }
        try {
            fail(SocketError.OTHER, 0); // the port failed: the caller reports the backend's failure
        } catch (IllegalStateException finishedMeanwhile) {
            // a completion thread, or the submitter, finished it first
        }
    }
}
