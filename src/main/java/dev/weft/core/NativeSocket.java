package dev.weft.core;

import dev.weft.core.PendingOp.Wake;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A stream socket with blocking operations built from one kernel operation each.
 *
 * <p>This class holds the logic every backend shares: arm an op, let the backend submit it,
 * park, and turn the completion into a result or an exception, including timeouts, interrupts
 * and closes that race with the completion. A backend subclass supplies only how an operation
 * is started and cancelled on its OS ({@code startRecv}, {@code startSend}, ...), and it reports
 * each completion through {@link PendingOp#complete} or {@link PendingOp#fail}.
 *
 * <p>Threading: one reader and one writer may run at once (the read op and the write op are
 * separate); callers serialize readers among themselves and writers among themselves.
 */
public abstract class NativeSocket extends SocketHandle {
    /**
     * The OS code of the first reset any operation saw, 0 before. Linux reports a reset to one
     * operation only and lets the next recv return 0; java.net keeps reporting the reset, and
     * an end of stream would be a lie, so every later read fails with it.
     */
    private volatile int resetCode;

    protected NativeSocket(LiveHandles live, PendingOp readOp, PendingOp writeOp) {
        super(live, readOp, writeOp);
    }

    /**
     * Receives at least one byte into {@code dst}.
     *
     * @param dst           native memory, kept alive by the caller until this returns; heap
     *                      memory too where {@link #readsIntoHeap()}
     * @param timeoutNanos  0 for none
     * @return bytes received, or -1 at end of stream
     * @throws SocketTimeoutException on timeout; the socket stays usable and no byte is lost
     */
    public final int read(MemorySegment dst, long timeoutNanos) throws IOException {
        long received = run(readOp(), Kind.RECV, dst, null, timeoutNanos);
        return received == 0 ? -1 : (int) received;
    }

    /**
     * Waits until data or end of stream is there to read, holding no buffer while it waits: one
     * zero-byte receive. Only where {@link #waitsForDataWithoutBuffer()}; a caller that lends a
     * pooled buffer to each read calls this first, so an idle connection pins none. Timeouts,
     * interrupts and closes behave as in {@link #read}; nothing is consumed.
     */
    public final void awaitReadable(long timeoutNanos) throws IOException {
        run(readOp(), Kind.RECV, MemorySegment.NULL, null, timeoutNanos);
    }

    /**
     * Whether a zero-byte receive waits for data on this backend (IOCP: yes; a zero-length
     * recv on Linux returns at once), so that {@link #awaitReadable} is worth calling.
     */
    public boolean waitsForDataWithoutBuffer() {
        return false;
    }

    /**
     * Whether {@link #read} may be given heap memory (a {@code byte[]}'s segment): true where
     * the backend never hands the reader's memory to the kernel, as io_uring with provided
     * buffers, which copies each chunk from its own buffer. Elsewhere a caller reads into native
     * memory and copies from there.
     */
    public boolean readsIntoHeap() {
        return false;
    }

    /**
     * Whether the backend sends without a kernel op while the socket buffer has room: one call
     * the writer makes itself ({@link #trySend}), so from heap memory too. Where false, every
     * send is a kernel op on native memory: {@link #sendWithoutWaiting} sends nothing and a
     * caller copies heap memory into native memory for {@link #writeFully}.
     */
    public boolean sendsWithoutWaiting() {
        return false;
    }

    /**
     * Sends as much of {@code src} as the socket buffer takes now, and returns at once: one send
     * that never parks. {@code src} may be heap memory where {@link #sendsWithoutWaiting()}; the kernel
     * reads it during the call. Errors, closes and interrupts are reported as by
     * {@link #writeFully}.
     *
     * @return the bytes sent: fewer than {@code src} holds (0 too) when the buffer is full, or
     *         0 where {@link #sendsWithoutWaiting()} is false
     */
    public final long sendWithoutWaiting(MemorySegment src) throws IOException {
        long sent = sendNow(src);
        if (sent > 0 && sent < src.byteSize()) {
            accounting().partialSend(); // the caller sends the rest through writeFully
        }
        return sent;
    }

    /**
     * Sends every byte of {@code src}: first at once, as much as the socket buffer takes (where
     * the backend can); the rest one kernel send at a time that waits for room, reissued after
     * each partial completion.
     */
    public final void writeFully(MemorySegment src) throws IOException {
        long offset = 0;
        long size = src.byteSize();
        while (offset < size) {
            MemorySegment rest = offset == 0 ? src : src.asSlice(offset);
            // Only the first pass tries without waiting: after any partial send the buffer was
            // full a moment ago, and the kernel's send op tries at once before it waits anyway.
            long sent = offset == 0 && sendsWithoutWaiting() ? sendNow(rest) : 0;
            if (sent == 0) {
                sent = run(writeOp(), Kind.SEND, rest, null, 0);
                if (sent <= 0) {
                    throw new SocketException("send completed with " + sent + " bytes");
                }
            }
            offset += sent;
            if (offset < size) {
                accounting().partialSend(); // the slow path only: a full send counts nothing
            }
        }
    }

    /**
     * One send that never waits, made by the calling thread with no op armed: nothing waits for
     * a completion, so none of an op's hand-over is paid. Entered like any operation, so a
     * close cannot release the socket under it.
     */
    private long sendNow(MemorySegment src) throws IOException {
        enter();
        try {
            BlockingCall.closeIfInterrupted(this);
            return trySend(src);
        } finally {
            exit();
        }
    }

    /**
     * Connects to {@code remote}. On timeout or interrupt the socket is closed, as
     * java.net.Socket does.
     */
    public final void connect(InetSocketAddress remote, long timeoutNanos) throws IOException {
        try {
            run(writeOp(), Kind.CONNECT, null, remote, timeoutNanos);
            connected();
        } catch (SocketTimeoutException e) {
            close();
            throw new SocketTimeoutException("Connect timed out: " + remote);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private enum Kind {
        RECV("recv"), SEND("send"), CONNECT("connect");

        /** How a failure message names the call. */
        final String call;

        Kind(String call) {
            this.call = call;
        }
    }

    private long run(PendingOp op, Kind kind, MemorySegment buffer, InetSocketAddress remote,
                     long timeoutNanos) throws IOException {
        enter();
        try {
            BlockingCall.closeIfInterrupted(this);
            int reset = resetCode;
            if (kind == Kind.RECV && reset != 0) {
                throw SocketError.CONNECTION_RESET.toException(reset, "recv on " + this);
            }
            long deadline = BlockingCall.deadlineAfter(timeoutNanos);
            op.arm();
            switch (kind) {
                case RECV -> startRecv(op, buffer);
                case SEND -> startSend(op, buffer);
                case CONNECT -> startConnect(op, remote);
            }
            Wake wake = BlockingCall.await(this, op, deadline, () -> cancel(op));
            return outcome(op, wake, kind);
        } finally {
            exit();
        }
    }

    private long outcome(PendingOp op, Wake wake, Kind kind) throws IOException {
        SocketError error = op.error();
        long value = op.value();
        int code = op.nativeCode();
        op.consume();
        if (error == null) {
            if (kind == Kind.RECV && value == 0 && isClosed()) {
                // The peer's FIN raced with our own close: report the close, as a blocked
                // java.net reader would, not an end of stream.
                throw closedException();
            }
            // Bytes that raced with a cancel are returned, never dropped.
            return value;
        }
        rememberReset(error, code);
        throw BlockingCall.failure(this, error, code, wake, kind == Kind.RECV ? "Read timed out" : "Timed out",
                kind.call + " on " + this);
    }

    private void rememberReset(SocketError error, int code) {
        if (error == SocketError.CONNECTION_RESET && resetCode == 0 && !isClosed()) {
            resetCode = code == 0 ? -1 : code;
        }
    }

    /**
     * The exception a failed {@link #trySend} throws, reported as a failed send op would be (a
     * reset is remembered for later reads; a close that raced with it wins).
     */
    protected final IOException sendFailure(SocketError error, int code) {
        rememberReset(error, code);
        return BlockingCall.failure(this, error, code, Wake.COMPLETED, "Timed out", "send on " + this);
    }

    // ---- what a backend supplies ----

    /**
     * Starts a receive into {@code dst}. Must not throw: a failure to submit is reported with
     * {@code op.fail(...)}. The completion may be reported before this method returns.
     * A completion of 0 bytes means the peer closed its side (end of stream).
     */
    protected abstract void startRecv(PendingOp op, MemorySegment dst);

    /** Starts one send of {@code src}; the completion value is the bytes sent (may be fewer). */
    protected abstract void startSend(PendingOp op, MemorySegment src);

    /**
     * One send of {@code src} that does not wait, made by the calling thread; called only where
     * {@link #sendsWithoutWaiting()}, and {@code src} may then be heap memory.
     *
     * @return the bytes sent, 0 if the socket buffer is full
     * @throws IOException a failure, made by {@link #sendFailure}
     */
    protected long trySend(MemorySegment src) throws IOException {
        return 0;
    }

    /** Starts a connect to {@code remote}; the completion value is ignored. */
    protected abstract void startConnect(PendingOp op, InetSocketAddress remote);

    /** Runs after a successful connect (e.g. to update the socket's connect context). */
    protected void connected() throws IOException {
    }

    /** Shuts down the sending side (FIN); reads still work. */
    public abstract void shutdownOutput() throws IOException;

    public abstract InetSocketAddress remoteAddress() throws IOException;
}
