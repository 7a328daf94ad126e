package dev.weft.core;

import dev.weft.core.PendingOp.Wake;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * A datagram (UDP) socket with blocking operations built from one kernel operation each: a
 * receive that also learns the sender, and a send to a given target or to the connected peer.
 *
 * <p>Blocking, timeouts, interrupts and closes behave exactly as for {@link NativeSocket}: both
 * go through the same {@link BlockingCall} path. What differs is the unit: a datagram arrives
 * whole or truncated, never split, and is sent whole or not at all.
 *
 * <p>Threading: one receiver and one sender may run at once (separate ops); callers serialize
 * receivers among themselves and senders among themselves.
 */
public abstract class NativeDatagram extends SocketHandle {

    /**
     * One received datagram.
     *
     * @param bytes     bytes stored in the caller's buffer
     * @param truncated the datagram was larger than the buffer; its tail is lost, as with
     *                  DatagramChannel
     * @param sender    where it came from
     */
    public record Received(int bytes, boolean truncated, InetSocketAddress sender) {
    }

    protected NativeDatagram(LiveHandles live, PendingOp readOp, PendingOp writeOp) {
        super(live, readOp, writeOp);
    }

    /**
     * Receives one datagram into {@code dst}.
     *
     * @param dst          native memory, kept alive by the caller until this returns
     * @param timeoutNanos 0 for none
     * @throws java.net.SocketTimeoutException on timeout; the socket stays usable, and a
     *         datagram that arrived as the timeout fired is returned, never dropped
     */
    public final Received receive(MemorySegment dst, long timeoutNanos) throws IOException {
        enter();
        try {
            BlockingCall.closeIfInterrupted(this);
            long deadline = BlockingCall.deadlineAfter(timeoutNanos);
            PendingOp op = readOp();
            op.arm();
            startReceive(op, dst);
            Wake wake = BlockingCall.await(this, op, deadline, () -> cancel(op));
            long value = settle(op, wake, null);
            // Read before the next receive can reuse the op's sockaddr: callers serialize receivers.
            InetSocketAddress sender = sender();
            boolean truncated = truncated(value, dst.byteSize());
            return new Received((int) Math.min(value, dst.byteSize()), truncated, sender);
        } finally {
            exit();
        }
    }

    /**
     * Sends {@code src} as one datagram.
     *
     * @param target where to, or null for the connected peer
     * @throws SocketException "Message too long" if the datagram exceeds what the protocol carries
     */
    public final void send(MemorySegment src, InetSocketAddress target) throws IOException {
        enter();
        try {
            BlockingCall.closeIfInterrupted(this);
            PendingOp op = writeOp();
            op.arm();
            startSend(op, src, target);
            Wake wake = BlockingCall.await(this, op, 0, () -> cancel(op));
            long sent = settle(op, wake, target);
            if (sent != src.byteSize()) {
                // A datagram is sent whole or not at all; anything else is a kernel surprise.
                throw new SocketException("datagram send completed with " + sent + " of " + src.byteSize() + " bytes");
            }
        } finally {
            exit();
        }
    }

    /**
     * Consumes the op's completion: its value, or the exception it ended with.
     *
     * @param target null for a receive (and a send to the connected peer)
     */
    private long settle(PendingOp op, Wake wake, InetSocketAddress target) throws IOException {
        SocketError error = op.error();
        long value = op.value();
        int code = op.nativeCode();
        op.consume();
        if (error == null) {
            return value;
        }
        String context = (op == readOp() ? "receive on " : "send to " + (target == null ? "peer" : target) + " on ") + this;
        if (error == SocketError.CONNECTION_REFUSED && wake == Wake.COMPLETED && !isClosed()) {
            // An ICMP port unreachable for an earlier send to the connected peer.
            throw new PortUnreachableException("Port unreachable (" + context + ", os error " + code + ")");
        }
        throw BlockingCall.failure(this, error, code, wake, op == readOp() ? "Receive timed out" : "Send timed out", context);
    }

    /** A synchronous call on the OS socket (an option, a name, connect). */
    @FunctionalInterface
    protected interface SocketCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} with the handle held open, so the OS socket cannot be released (and its
     * number reused by another socket) while the call runs.
     *
     * @throws SocketException if the handle is closed
     */
    protected final <T> T whileOpen(SocketCall<T> call) throws IOException {
        enter();
        try {
            return call.call();
        } finally {
            exit();
        }
    }

    // ---- what a backend supplies ----

    /**
     * Starts a receive of one datagram into {@code dst}, recording the sender in the op's own
     * native memory. Must not throw (report a failure with {@code op.fail}). The completion
     * value is the datagram's length if the OS tells it, else the bytes stored.
     */
    protected abstract void startReceive(PendingOp op, MemorySegment dst);

    /** Starts one send of {@code src} to {@code target} (null: the connected peer). Must not throw. */
    protected abstract void startSend(PendingOp op, MemorySegment src, InetSocketAddress target);

    /** The sender of the datagram the last receive completed with. */
    protected abstract InetSocketAddress sender() throws SocketException;

    /**
     * Whether the last receive was truncated, given its completion value and the room it had.
     */
    protected abstract boolean truncated(long value, long capacity);

    /** Sets the default peer: sends without a target go there, and only its datagrams arrive. */
    public abstract void connect(InetSocketAddress peer) throws IOException;

}
