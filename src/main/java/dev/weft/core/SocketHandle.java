package dev.weft.core;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A socket, stream or datagram: one op for its reader and one for its writer (so one read and
 * one write can be in flight at once), socket options, and a local address. What a close does
 * to the two ops is decided here once: each one in flight is marked and handed to the backend's
 * {@link #cancel}, and both are retired at the release.
 */
public abstract class SocketHandle extends NativeHandle {
    private final PendingOp readOp;
    private final PendingOp writeOp;

    protected SocketHandle(LiveHandles live, PendingOp readOp, PendingOp writeOp) {
        super(live);
        this.readOp = readOp;
        this.writeOp = writeOp;
    }

    /** The op every receive uses. */
    final PendingOp readOp() {
        return readOp;
    }

    /** The op every send (and a stream socket's connect) uses. */
    final PendingOp writeOp() {
        return writeOp;
    }

    @Override
    protected final void cancelInFlight() {
        cancelIfInFlight(readOp);
        cancelIfInFlight(writeOp);
    }

    private void cancelIfInFlight(PendingOp op) {
        if (op.isInFlight()) {
            op.markCancelRequested();
            cancel(op);
        }
    }

    @Override
    final void retireOps() {
        try {
            readOp.retire();
        } finally {
            writeOp.retire();
        }
    }

    /**
     * Asks the OS to cancel {@code op} if it is still pending. Must not block and must not
     * throw; an op that already finished simply completes as usual.
     */
    protected abstract void cancel(PendingOp op);

    public abstract void setOption(SocketOptionKind option, int value) throws IOException;

    public abstract int getOption(SocketOptionKind option) throws IOException;

    public abstract InetSocketAddress localAddress() throws IOException;
}
