package dev.weft.iocp;

import dev.weft.bindings.windows.NtStatus;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.core.PendingOp;
import java.io.IOException;

/**
 * A datagram socket's receive or send operation, joined to its native context. Unlike a stream
 * op it knows one outcome that is not a failure: a datagram larger than the buffer completes
 * with STATUS_BUFFER_OVERFLOW (WSAEMSGSIZE), the buffer filled with its head; that is a
 * truncated receive, reported as such.
 */
final class DatagramOp extends PendingOp implements Completion {
    final OpContext context;
    private final long socket;
    /** A receive op: only there does WSAEMSGSIZE mean "truncated" rather than "too long to send". */
    private final boolean receives;
    /**
     * The last completion cut the datagram to the buffer. Written before the op's store
     * of DONE and read by the waiter after it sees DONE.
     */
    private boolean truncated;

    DatagramOp(long socket, OpTable table, boolean receives) throws IOException {
        this.socket = socket;
        this.receives = receives;
        this.context = table.acquire(this);
    }

    /** Called by the submitter before each submission. */
    void clearTruncated() {
        truncated = false;
    }

    boolean truncated() {
        return truncated;
    }

    /** On a completion thread: records the result and unparks the waiter; never blocks. */
    @Override
    public void completed(int bytes, CompletionScratch scratch) {
        int status = context.ntStatus();
        if (status == NtStatus.STATUS_SUCCESS) {
            complete(Integer.toUnsignedLong(bytes));
            return;
        }
        int code = status == NtStatus.STATUS_BUFFER_OVERFLOW ? Ws2_32.WSAEMSGSIZE
                : SocketCalls.overlappedError(socket, context, status, scratch);
        if (receives && code == Ws2_32.WSAEMSGSIZE) {
            truncated = true;
            complete(Integer.toUnsignedLong(bytes));
            return;
        }
        fail(Errors.toSocketError(code, cancelRequested()), code);
    }

    /** The socket and what the kernel has left in the OVERLAPPED so far (0x103: still pending). */
    @Override
    protected String describeInFlight() {
        return "datagram socket 0x" + Long.toHexString(socket) + ", " + context.describe();
    }

    @Override
    public void abandon() {
        SocketOp.abandon(this);
    }
}
