package dev.weft.iocp;

import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import java.io.IOException;

/**
 * A connection's read or write operation: the {@link PendingOp} its waiter parks on, joined to
 * the native context the kernel writes into. Each connection has two (one reader, one writer),
 * reused for every operation, so the I/O path allocates nothing.
 */
final class SocketOp extends PendingOp implements Completion {
    final OpContext context;
    /** The SOCKET value; WSAGetOverlappedResult needs it to decode a failure. */
    private final long socket;

    SocketOp(long socket, OpTable table) throws IOException {
        this.socket = socket;
        this.context = table.acquire(this);
    }

    /** On a completion thread: records the result and unparks the waiter; never blocks. */
    @Override
    public void completed(int bytes, CompletionScratch scratch) {
        int status = context.ntStatus();
        if (status == 0) {
            complete(Integer.toUnsignedLong(bytes));
            return;
        }
        int code = SocketCalls.overlappedError(socket, context, status, scratch);
        fail(Errors.toSocketError(code, cancelRequested()), code);
    }

    /** The socket and what the kernel has left in the OVERLAPPED so far (0x103: still pending). */
    @Override
    protected String describeInFlight() {
        return "socket 0x" + Long.toHexString(socket) + ", " + context.describe();
    }

    @Override
    public void abandon() {
        abandon(this);
    }

    /** Wakes {@code op}'s waiter if it still waits for a packet that will never come. */
    static void abandon(PendingOp op) {
        if (!op.isInFlight()) {
            return;
        }
        try {
            // The handle is already closed, so the waiter reports the backend's failure.
            op.fail(SocketError.OTHER, 0);
        } catch (IllegalStateException finishedMeanwhile) {
            // a completion thread still running, or the submitter, finished it first
        }
    }
}
