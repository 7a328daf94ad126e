package dev.weft.uring;

import dev.weft.bindings.linux.Iovec;
import dev.weft.bindings.linux.LibC;
import dev.weft.bindings.linux.Msghdr;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeDatagram;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketException;

import static dev.weft.bindings.linux.Errno.EAFNOSUPPORT;
import static dev.weft.bindings.linux.Errno.EAGAIN;
import static dev.weft.bindings.linux.Errno.EINTR;
import static dev.weft.bindings.linux.IoUring.IORING_OP_RECVMSG;
import static dev.weft.bindings.linux.IoUring.IORING_OP_SENDMSG;
import static dev.weft.bindings.linux.Socket.MSG_DONTWAIT;
import static dev.weft.bindings.linux.Socket.MSG_NOSIGNAL;
import static dev.weft.bindings.linux.Socket.MSG_TRUNC;

/**
 * A UDP socket whose receives and sends are IORING_OP_RECVMSG / IORING_OP_SENDMSG operations.
 *
 * <p>Each of the two ops (receiver, sender) owns a {@link MessageHeader}: the msghdr, iovec and
 * sockaddr the kernel reads and writes, allocated once with the socket and freed only in
 * {@link #release()}, i.e. after the last completion, so a cancelled or abandoned op never
 * leaves the kernel pointing at freed memory. Receives pass MSG_TRUNC, so a datagram larger
 * than the buffer completes with its real length: that is how truncation is detected.
 *
 * <p>Fast path (on by default; {@code -Dweft.uring.datagramTryFirst=false} turns it off): each
 * receive and send is first tried once as a plain recvmsg/sendmsg with MSG_DONTWAIT, as
 * {@link UringSocket} already does for stream sends. Under load a datagram is usually waiting
 * and a send always finds room, so the op completes on the caller's thread with one system
 * call, no CQE and no park; only a receive that finds nothing (or a send into a full buffer)
 * becomes an io_uring operation that parks. One attempt, never a loop: with nothing there the
 * op is submitted and the kernel completes it.
 *
 * <p>As for stream sockets, the descriptor stays open until {@link #release()}.
 */
final class UringDatagram extends NativeDatagram {
    static final boolean TRY_FIRST = !"false".equalsIgnoreCase(System.getProperty("weft.uring.datagramTryFirst"));

    private final DescriptorCloser closer;
    private final int fd;
    private final UringOp reader;
    private final UringOp writer;
    private final Arena arena;
    private final MessageHeader receiveHeader;
    private final MessageHeader sendHeader;

    private UringDatagram(LiveHandles live, DescriptorCloser closer, int fd, UringOp reader, UringOp writer,
                          Arena arena) {
        super(live, reader, writer);
        this.closer = closer;
        this.fd = fd;
        this.reader = reader;
        this.writer = writer;
        this.arena = arena;
        this.receiveHeader = new MessageHeader(arena);
        this.sendHeader = new MessageHeader(arena);
        accounting().allocated(2 * MessageHeader.BYTES);
    }

    /** Wraps an open, bound descriptor; on failure the descriptor is closed. */
    static UringDatagram adopt(LiveHandles live, Rings rings, DescriptorCloser closer, int fd) {
        UringOp reader = null;
        UringOp writer = null;
        Arena arena = Arena.ofShared();
        try {
            reader = new UringOp(rings);
            writer = new UringOp(rings);
            return new UringDatagram(live, closer, fd, reader, writer, arena);
        } catch (RuntimeException | Error e) {
            if (reader != null) {
                reader.unregister();
            }
            if (writer != null) {
                writer.unregister();
            }
            arena.close();
            SocketCalls.close(fd);
            throw e;
        }
    }

    @Override
    protected void startReceive(PendingOp op, MemorySegment dst) {
        MemorySegment msghdr = receiveHeader.prepare(dst, Sockaddrs.MAX_SIZE);
        if (TRY_FIRST && finishedAtOnce(op, receiveHeader, true)) {
            return;
        }
        ((UringOp) op).submit(IORING_OP_RECVMSG, fd, msghdr, msghdr.address(), 1, 0, MSG_TRUNC);
    }

    @Override
    protected void startSend(PendingOp op, MemorySegment src, InetSocketAddress target) {
        int nameLength = 0;
        if (target != null) {
            try {
                nameLength = Sockaddrs.encode(target, sendHeader.name);
            } catch (IOException | RuntimeException e) {
                op.fail(SocketError.OTHER, EAFNOSUPPORT);
                return;
            }
        }
        MemorySegment msghdr = sendHeader.prepare(src, nameLength);
        if (TRY_FIRST && finishedAtOnce(op, sendHeader, false)) {
            return;
        }
        ((UringOp) op).submit(IORING_OP_SENDMSG, fd, msghdr, msghdr.address(), 1, 0, 0);
    }

    /**
     * The one non-blocking attempt of the fast path: true if it finished {@code op} (with the
     * datagram, or with an error), false if the op must go to the ring (EAGAIN).
     */
    private boolean finishedAtOnce(PendingOp op, MessageHeader header, boolean receive) {
        long result;
        do {
            result = receive
                    ? LibC.recvmsg(header.errno, fd, header.msghdr, MSG_DONTWAIT | MSG_TRUNC)
                    : LibC.sendmsg(header.errno, fd, header.msghdr, MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (result < 0 && LibC.errno(header.errno) == EINTR);
        if (result >= 0) {
            op.complete(result);
            return true;
        }
        int errno = LibC.errno(header.errno);
        if (errno == EAGAIN) {
            return false;
        }
        op.fail(Errors.toSocketError(errno, false), errno);
        return true;
    }

    @Override
    protected void cancel(PendingOp op) {
        ((UringOp) op).cancel();
    }

    @Override
    protected InetSocketAddress sender() throws SocketException {
        return Sockaddrs.decode(receiveHeader.name);
    }

    @Override
    protected boolean truncated(long value, long capacity) {
        return value > capacity; // MSG_TRUNC: the completion carries the datagram's real length
    }

    @Override
    public void connect(InetSocketAddress peer) throws IOException {
        whileOpen(() -> {
            SocketCalls.connectDatagram(fd, peer);
            return null;
        });
    }

    @Override
    public void setOption(SocketOptionKind option, int value) throws IOException {
        whileOpen(() -> {
            SocketCalls.setOption(fd, option, value);
            return null;
        });
    }

    @Override
    public int getOption(SocketOptionKind option) throws IOException {
        return whileOpen(() -> SocketCalls.getOption(fd, option));
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return whileOpen(() -> SocketCalls.localAddress(fd));
    }

    @Override
    protected void release() {
        reader.unregister();
        writer.unregister();
        arena.close();
        accounting().freed(2 * MessageHeader.BYTES);
        closer.close(fd);
    }

    @Override
    public String toString() {
        return "UringDatagram[fd=" + fd + "]";
    }

    /**
     * One op's {@code struct msghdr}, its one {@code struct iovec} and a sockaddr, side by side
     * in native memory that lives as long as the socket.
     */
    private static final class MessageHeader {
        private static final long IOVEC_OFFSET = Msghdr.sizeof();
        private static final long NAME_OFFSET = IOVEC_OFFSET + Iovec.sizeof();
        private static final long ERRNO_OFFSET = NAME_OFFSET + Sockaddrs.MAX_SIZE;
        static final long BYTES = ERRNO_OFFSET + LibC.CAPTURE_STATE_LAYOUT.byteSize();

        final MemorySegment msghdr;
        final MemorySegment iovec;
        final MemorySegment name;
        /** Where the fast path's recvmsg/sendmsg capture errno (one caller at a time per op). */
        final MemorySegment errno;

        MessageHeader(Arena arena) {
            MemorySegment all = arena.allocate(BYTES, 8);
            msghdr = all.asSlice(0, Msghdr.sizeof());
            iovec = all.asSlice(IOVEC_OFFSET, Iovec.sizeof());
            name = all.asSlice(NAME_OFFSET, Sockaddrs.MAX_SIZE);
            errno = all.asSlice(ERRNO_OFFSET, LibC.CAPTURE_STATE_LAYOUT.byteSize());
        }

        /**
         * Points the msghdr at {@code data} and at the sockaddr ({@code nameLength} bytes of it;
         * 0 for none, as a send to the connected peer has); returns the msghdr.
         */
        MemorySegment prepare(MemorySegment data, long nameLength) {
            Iovec.iov_base(iovec, data.address());
            Iovec.iov_len(iovec, data.byteSize());
            Msghdr.msg_name(msghdr, nameLength == 0 ? MemorySegment.NULL : name);
            Msghdr.msg_namelen(msghdr, (int) nameLength);
            Msghdr.msg_iov(msghdr, iovec);
            Msghdr.msg_iovlen(msghdr, 1);
            Msghdr.msg_control(msghdr, MemorySegment.NULL);
            Msghdr.msg_controllen(msghdr, 0);
            Msghdr.msg_flags(msghdr, 0);
            return msghdr;
        }
    }
}
