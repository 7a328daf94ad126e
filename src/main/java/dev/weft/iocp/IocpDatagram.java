package dev.weft.iocp;

import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.NtStatus;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.bindings.windows.WsaBuf;
import dev.weft.core.NativeDatagram;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * A UDP socket whose receives and sends are overlapped WSARecvFrom / WSASendTo calls completing
 * through the backend's one completion port.
 *
 * <p>Native memory the kernel holds until a completion: the op's {@link OpContext} (OVERLAPPED,
 * WSABUF, flags, and the sockaddr WSARecvFrom writes the sender into or WSASendTo reads the
 * target from) and the sender-length int WSARecvFrom updates, allocated with the socket. Both
 * are freed only by {@link #release()}, after the last completion, as the seed analysis
 * requires for everything an OVERLAPPED operation points at.
 *
 * <p>Every completion goes through the port (the socket is not put in skip-on-success mode), so
 * a call that finishes at once is still finished by a completion thread. The one subtle case:
 * a receive that completes at once with a truncated datagram returns SOCKET_ERROR with
 * WSAEMSGSIZE, yet its status (STATUS_BUFFER_OVERFLOW) is a warning, not an error, and the
 * kernel still queues a packet for it; so it is left to the completion thread too.
 */
final class IocpDatagram extends NativeDatagram {
    private final IocpBackend backend;
    private final long socket;
    private final DatagramOp receiver;
    private final DatagramOp sender;
    private final Arena arena = Arena.ofShared();
    /** WSARecvFrom's in/out sender length; written by the kernel at the receive's completion. */
    private final MemorySegment senderLength;
    /** Guards {@link #released} so a racing cancel never touches a closed (maybe reused) handle. */
    private final Object releaseLock = new Object();
    private boolean released;

    private IocpDatagram(IocpBackend backend, long socket, DatagramOp receiver, DatagramOp sender) {
        super(backend.liveHandles(), receiver, sender);
        this.backend = backend;
        this.socket = socket;
        this.receiver = receiver;
        this.sender = sender;
        this.senderLength = arena.allocate(ValueLayout.JAVA_INT);
        accounting().allocated(senderLength.byteSize());
    }

    /** Wraps a bound socket already associated with the port; see {@link IocpSocket#create}. */
    static IocpDatagram create(IocpBackend backend, long socket) throws IOException {
        OpTable table = backend.opTable();
        return new IocpDatagram(backend, socket, new DatagramOp(socket, table, true),
                new DatagramOp(socket, table, false));
    }

    /** The receive op, for the tests of what an overdue receive reports. */
    DatagramOp receiver() {
        return receiver;
    }

    @Override
    protected void startReceive(PendingOp op, MemorySegment dst) {
        DatagramOp o = (DatagramOp) op;
        OpContext c = o.context;
        if (!dst.isNative()) { // the kernel needs an address that cannot move
            o.fail(SocketError.OTHER, Ws2_32.WSAEFAULT);
            return;
        }
        o.clearTruncated();
        c.resetOverlapped();
        WsaBuf.len(c.buffer, (int) Math.min(dst.byteSize(), Integer.MAX_VALUE));
        WsaBuf.buf(c.buffer, dst);
        c.flags.set(ValueLayout.JAVA_INT, 0, 0);
        senderLength.set(ValueLayout.JAVA_INT, 0, (int) OpContext.ADDRESS_CAPACITY);
        int rc = Ws2_32.WSARecvFrom(c.callState, socket, c.buffer, 1, c.bytes, c.flags, c.address, senderLength,
                c.overlapped, MemorySegment.NULL);
        submitted(o, rc == 0);
    }

    @Override
    protected void startSend(PendingOp op, MemorySegment src, InetSocketAddress target) {
        DatagramOp o = (DatagramOp) op;
        OpContext c = o.context;
        if (!src.isNative()) {
            o.fail(SocketError.OTHER, Ws2_32.WSAEFAULT);
            return;
        }
        int targetLength = 0;
        if (target != null) {
            try {
                targetLength = Sockaddrs.write(target, c.address);
            } catch (UnknownHostException e) {
                o.fail(SocketError.HOST_UNREACHABLE, Ws2_32.WSAEHOSTUNREACH);
                return;
            }
        }
        c.resetOverlapped();
        WsaBuf.len(c.buffer, (int) Math.min(src.byteSize(), Integer.MAX_VALUE));
        WsaBuf.buf(c.buffer, src);
        int rc = Ws2_32.WSASendTo(c.callState, socket, c.buffer, 1, c.bytes, 0,
                target == null ? MemorySegment.NULL : c.address, targetLength, c.overlapped, MemorySegment.NULL);
        submitted(o, rc == 0);
    }

    /**
     * After the call returned: a packet comes for a pending call, for a success and for a
     * warning status (a truncated datagram); only a call that failed outright gets none, and
     * is failed here. Reads only the submitter's call state and the OVERLAPPED's status.
     */
    private void submitted(DatagramOp o, boolean succeededAtOnce) {
        if (succeededAtOnce) {
            return; // the packet is queued anyway; the completion thread finishes the op
        }
        int error = o.context.submitterError();
        if (error == Ws2_32.WSA_IO_PENDING) {
            return;
        }
        if (error == Ws2_32.WSAEMSGSIZE && o.context.ntStatus() == NtStatus.STATUS_BUFFER_OVERFLOW) {
            return; // a warning: its packet is queued, and completed() reports the truncation
        }
        o.fail(Errors.toSocketError(error, o.cancelRequested()), error);
    }

    /** CancelIoEx on exactly this op's OVERLAPPED; its completion still arrives. */
    @Override
    protected void cancel(PendingOp op) {
        OpContext c = ((DatagramOp) op).context;
        synchronized (releaseLock) {
            if (released) {
                return;
            }
            Kernel32.CancelIoEx(SocketCalls.handle(socket), c.overlapped);
        }
    }

    @Override
    protected InetSocketAddress sender() throws SocketException {
        return Sockaddrs.read(receiver.context.address);
    }

    @Override
    protected boolean truncated(long value, long capacity) {
        return receiver.truncated();
    }

    @Override
    public void connect(InetSocketAddress peer) throws IOException {
        whileOpen(() -> {
            SocketCalls.connectDatagram(socket, peer);
            return null;
        });
    }

    @Override
    public void setOption(SocketOptionKind option, int value) throws IOException {
        whileOpen(() -> {
            SocketCalls.setInt(socket, IocpSocket.level(option), IocpSocket.name(option), value);
            return null;
        });
    }

    @Override
    public int getOption(SocketOptionKind option) throws IOException {
        int value = whileOpen(() -> SocketCalls.getInt(socket, IocpSocket.level(option), IocpSocket.name(option)));
        // BOOL options may come back as one byte of a zeroed int: normalise to 0/1
        return option == SocketOptionKind.SO_BROADCAST ? (value != 0 ? 1 : 0) : value;
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return whileOpen(() -> SocketCalls.localAddress(socket));
    }

    @Override
    protected void release() {
        synchronized (releaseLock) {
            released = true;
        }
        SocketCalls.closeQuietly(socket);
        if (backend.failure() != null) {
            return; // an abandoned op may still be written by the kernel: leak its memory
        }
        backend.opTable().release(receiver.context);
        backend.opTable().release(sender.context);
        arena.close();
        accounting().freed(senderLength.byteSize());
    }

    @Override
    protected SocketException closedException() {
        return backend.closedException(super.closedException());
    }

    @Override
    public String toString() {
        return "IocpDatagram[0x" + Long.toHexString(socket) + (isClosed() ? ", closed]" : "]");
    }
}
