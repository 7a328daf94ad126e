package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeSocket;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

import static dev.weft.bindings.linux.Errno.EAFNOSUPPORT;
import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.IoUring.IORING_OP_CONNECT;
import static dev.weft.bindings.linux.IoUring.IORING_OP_RECV;
import static dev.weft.bindings.linux.IoUring.IORING_OP_SEND;
import static dev.weft.bindings.linux.Socket.MSG_NOSIGNAL;

/**
 * A stream socket whose recv, send and connect are io_uring operations (each on the ring of the
 * CPU its thread runs on, see {@link Rings}). The
 * descriptor stays open until {@link #release()}, i.e. until every op on it has completed, so
 * a reused descriptor number can never receive a stranger's completion.
 *
 * <p>Receiving has two modes, chosen per ring: with provided buffers (opt-in, see
 * {@link IoUringBackend}) a {@link MultishotReceiver} keeps one multishot recv armed for the
 * connection's lifetime and reads are served from the chunks it delivers; without, each read
 * is one IORING_OP_RECV into the caller's memory. The multishot recv is not an operation the
 * handle counts (no caller waits for it): it is cancelled at {@link #release()}, and the
 * descriptor is closed at its final CQE.
 */
final class UringSocket extends NativeSocket {
    /** Where the socket's multishot recv (if any) stays armed; one-shot ops go to any ring. */
    private final Ring home;
    private final DescriptorCloser closer;
    private final int fd;
    private final UringOp reader;
    private final UringOp writer;
    /** Holds the sockaddr a connect hands to the kernel; created on first connect, freed on release. */
    private volatile Arena connectArena;
    /** Bytes allocated from {@link #connectArena}, reported to the accounting; freed on release. */
    private volatile long connectBytes;
    /** Where the writer's direct sends capture errno; made at the first send. */
    private MemorySegment sendErrno;
    /** Null when reads are one-shot recvs. */
    private final MultishotReceiver receiver;

    private UringSocket(LiveHandles live, Ring home, DescriptorCloser closer, int fd, UringOp reader,
                        UringOp writer) {
        super(live, reader, writer);
        this.home = home;
        this.closer = closer;
        this.fd = fd;
        this.reader = reader;
        this.writer = writer;
        this.receiver = home.recvBuffers() == null ? null
                : new MultishotReceiver(home, fd, reader, () -> closer.close(fd), accounting());
    }

    /** Wraps an open descriptor; on failure the descriptor is closed. */
    static UringSocket adopt(LiveHandles live, Rings rings, DescriptorCloser closer, int fd) {
        UringOp reader = null;
        UringOp writer = null;
        try {
            reader = new UringOp(rings);
            writer = new UringOp(rings);
            return new UringSocket(live, rings.next(), closer, fd, reader, writer);
        } catch (RuntimeException | Error e) {
            if (reader != null) {
                reader.unregister();
            }
            if (writer != null) {
                writer.unregister();
            }
            SocketCalls.close(fd);
            throw e;
        }
    }

    int fd() {
        return fd;
    }

    @Override
    protected void startRecv(PendingOp op, MemorySegment dst) {
        if (receiver != null) {
            receiver.startRecv(op, dst);
            return;
        }
        if (!dst.isNative()) {
            op.fail(SocketError.OTHER, 0); // a weft bug: the kernel would keep an address the GC may move
            return;
        }
        int len = (int) Math.min(dst.byteSize(), Integer.MAX_VALUE);
        ((UringOp) op).submit(IORING_OP_RECV, fd, dst, dst.address(), len, 0, 0);
    }

    /**
     * Sends at once what the socket buffer takes, as io_uring itself would try first, but
     * without a CQE (the ring's owner would be woken for it, see CompletionLoop) and without an
     * op: the calling thread makes the call and has its answer.
     */
    @Override
    protected long trySend(MemorySegment src) throws IOException {
        long sent = SocketCalls.sendNow(fd, src, sendErrno());
        if (sent >= 0) {
            return sent;
        }
        if (sent == -EAGAIN) {
            return 0;
        }
        throw sendFailure(Errors.toSocketError((int) -sent, false), (int) -sent);
    }

    /** A send into a full buffer (trySend found no room): an io_uring SEND, parked until the kernel makes room. */
    @Override
    protected void startSend(PendingOp op, MemorySegment src) {
        if (!src.isNative()) {
            op.fail(SocketError.OTHER, 0); // a weft bug: heap memory goes through sendWithoutWaiting
            return;
        }
        int len = (int) Math.min(src.byteSize(), Integer.MAX_VALUE);
        // MSG_NOSIGNAL: a send to a reset peer must fail with EPIPE, not raise SIGPIPE.
        ((UringOp) op).submit(IORING_OP_SEND, fd, src, src.address(), len, 0, MSG_NOSIGNAL);
    }

    @Override
    public boolean sendsWithoutWaiting() {
        return true;
    }

    /** Where the writer's sends capture errno; one writer at a time uses it. */
    private MemorySegment sendErrno() {
        MemorySegment errno = sendErrno;
        if (errno == null) {
            errno = Arena.ofAuto().allocate(LibC.CAPTURE_STATE_LAYOUT);
            sendErrno = errno;
        }
        return errno;
    }

    @Override
    public boolean readsIntoHeap() {
        return receiver != null; // it copies chunks from the ring's buffers into the reader's memory
    }

    @Override
    protected void startConnect(PendingOp op, InetSocketAddress remote) {
        MemorySegment address;
        int length;
        try {
            Arena arena = connectArena;
            if (arena == null) {
                arena = Arena.ofShared();
                connectArena = arena;
            }
            address = arena.allocate(Sockaddrs.MAX_SIZE, 8);
            // One connect at a time per socket (the writer op), so this is the only writer.
            connectBytes = connectBytes + address.byteSize();
            accounting().allocated(address.byteSize());
            length = Sockaddrs.encode(remote, address);
        } catch (IOException | RuntimeException e) {
            op.fail(SocketError.OTHER, EAFNOSUPPORT);
            return;
        }
        // For IORING_OP_CONNECT the sockaddr length travels in the off field.
        ((UringOp) op).submit(IORING_OP_CONNECT, fd, address, address.address(), 0, length, 0);
    }

    @Override
    protected void cancel(PendingOp op) {
        if (receiver != null && op == reader) {
            receiver.cancel(op);
        } else {
            ((UringOp) op).cancel();
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        enter();
        try {
            SocketCalls.shutdownOutput(fd);
        } finally {
            exit();
        }
    }

    @Override
    public void setOption(SocketOptionKind option, int value) throws IOException {
        enter();
        try {
            SocketCalls.setOption(fd, option, value);
        } finally {
            exit();
        }
    }

    @Override
    public int getOption(SocketOptionKind option) throws IOException {
        enter(); // keeps the descriptor open (not reusable) during the call
        try {
            return SocketCalls.getOption(fd, option);
        } finally {
            exit();
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        enter(); // keeps the descriptor open (not reusable) during the call
        try {
            return SocketCalls.localAddress(fd);
        } finally {
            exit();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        enter(); // keeps the descriptor open (not reusable) during the call
        try {
            return SocketCalls.remoteAddress(fd);
        } finally {
            exit();
        }
    }

    @Override
    protected void release() {
        closer.sendFin(this::sendFinFirst); // before the descriptor's close, which comes through the closer too
        reader.unregister();
        writer.unregister();
        Arena arena = connectArena;
        if (arena != null) {
            arena.close();
            accounting().freed(connectBytes);
        }
        if (receiver != null) {
            receiver.close(); // closes the descriptor now, or at the multishot recv's final CQE
        } else {
            closer.close(fd);
        }
    }

    /**
     * close(2) on a socket with unread input sends RST at once, and a peer that gets it may lose
     * the response it has not read yet. java.net closes in order instead: FIN first, so the peer
     * reads everything sent and then an end of stream. Only SO_LINGER 0 asks for the reset.
     */
    private void sendFinFirst() {
        try {
            if (SocketCalls.getOption(fd, SocketOptionKind.SO_LINGER) != 0) {
                SocketCalls.shutdownOutput(fd);
            }
        } catch (IOException notConnectedOrReset) {
            // nothing to finish in order: never connected, or the peer already reset it
        }
    }

    /** The socket's read op; for tests. */
    UringOp reader() {
        return reader;
    }

    /** The multishot receiver, or null in one-shot mode; for tests. */
    MultishotReceiver receiver() {
        return receiver;
    }

    @Override
    public String toString() {
        return "UringSocket[fd=" + fd + "]";
    }
}
