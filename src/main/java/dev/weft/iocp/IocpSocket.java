package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.MsWsock;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.bindings.windows.WsaBuf;
import dev.weft.core.NativeSocket;
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
 * A stream socket whose receive, send and connect are overlapped Winsock calls completing
 * through the backend's one completion port.
 *
 * <p>How an operation ends: the call either fails at once (no packet will come: fail the op
 * here), or is pending (the packet will come: a completion thread finishes the op), or succeeds
 * at once. In the last case a packet is still queued unless the handle is in
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS mode, where the submitter finishes the op itself without a
 * thread hop; {@link #skipOnSuccess} records whether that mode took effect for this handle.
 *
 * <p>The handle is closed only in {@link #release()}, after every operation on it completed, so
 * a reused handle value can never receive this socket's late completions.
 */
final class IocpSocket extends NativeSocket {
    private final IocpBackend backend;
    private final long socket;
    private final int family;
    private final boolean skipOnSuccess;
    private final SocketOp readOp;
    private final SocketOp writeOp;
    /** Guards {@link #released} so a racing cancel never touches a closed (maybe reused) handle. */
    private final Object releaseLock = new Object();
    private boolean released;
    /** The user set SO_LINGER 0: closing resets the connection on purpose, with no FIN first. */
    private volatile boolean abortiveClose;

    private IocpSocket(IocpBackend backend, long socket, int family, boolean skipOnSuccess,
                       SocketOp readOp, SocketOp writeOp) {
        super(backend.liveHandles(), readOp, writeOp);
        this.backend = backend;
        this.socket = socket;
        this.family = family;
        this.skipOnSuccess = skipOnSuccess;
        this.readOp = readOp;
        this.writeOp = writeOp;
    }

    /**
     * Wraps a socket already associated with the port (and put in skip mode if that worked).
     * The contexts are taken before the handle exists: a runtime close that wins the race leaves
     * no handle behind, only the IOException (the caller closes the socket).
     */
    static IocpSocket create(IocpBackend backend, long socket, int family, boolean skipOnSuccess)
            throws IOException {
        OpTable table = backend.opTable();
        return new IocpSocket(backend, socket, family, skipOnSuccess,
                new SocketOp(socket, table), new SocketOp(socket, table));
    }

    // ---- submission ----

    @Override
    protected void startRecv(PendingOp op, MemorySegment dst) {
        SocketOp o = (SocketOp) op;
        OpContext c = o.context;
        if (!dst.isNative()) { // the kernel needs an address that cannot move
            o.fail(SocketError.OTHER, Ws2_32.WSAEFAULT);
            return;
        }
        c.resetOverlapped();
        WsaBuf.len(c.buffer, (int) Math.min(dst.byteSize(), Integer.MAX_VALUE));
        WsaBuf.buf(c.buffer, dst);
        c.flags.set(ValueLayout.JAVA_INT, 0, 0);
        int rc = Ws2_32.WSARecv(c.callState, socket, c.buffer, 1, c.bytes, c.flags, c.overlapped,
                MemorySegment.NULL);
        submitted(o, rc == 0);
    }

    @Override
    protected void startSend(PendingOp op, MemorySegment src) {
        SocketOp o = (SocketOp) op;
        OpContext c = o.context;
        if (!src.isNative()) {
            o.fail(SocketError.OTHER, Ws2_32.WSAEFAULT);
            return;
        }
        c.resetOverlapped();
        WsaBuf.len(c.buffer, (int) Math.min(src.byteSize(), Integer.MAX_VALUE));
        WsaBuf.buf(c.buffer, src);
        int rc = Ws2_32.WSASend(c.callState, socket, c.buffer, 1, c.bytes, 0, c.overlapped, MemorySegment.NULL);
        submitted(o, rc == 0);
    }

    @Override
    protected void startConnect(PendingOp op, InetSocketAddress remote) {
        SocketOp o = (SocketOp) op;
        OpContext c = o.context;
        int length;
        try {
            if (Sockaddrs.family(remote) != family) {
                o.fail(SocketError.OTHER, Ws2_32.WSAEAFNOSUPPORT);
                return;
            }
            length = Sockaddrs.write(remote, c.address);
        } catch (UnknownHostException e) {
            o.fail(SocketError.HOST_UNREACHABLE, Ws2_32.WSAEHOSTUNREACH);
            return;
        }
        c.resetOverlapped();
        int ok = MsWsock.LPFN_CONNECTEX.invoke(backend.connectEx(), c.callState, socket, c.address, length,
                MemorySegment.NULL, 0, MemorySegment.NULL, c.overlapped);
        submitted(o, ok != 0);
    }

    /**
     * What happens after the call returned. Only the submitter's own call state and the op's
     * immediate byte count are read here: a completion thread may already be finishing the op,
     * and it uses its own scratch memory, never these.
     */
    private void submitted(SocketOp o, boolean succeededAtOnce) {
        OpContext c = o.context;
        if (succeededAtOnce) {
            if (skipOnSuccess) {
                o.complete(Integer.toUnsignedLong(c.immediateBytes()));
                backend.countInline();
            }
            // else: the packet is queued anyway; the completion thread finishes the op
            return;
        }
        int error = c.submitterError();
        if (error != Ws2_32.WSA_IO_PENDING) {
            o.fail(Errors.toSocketError(error, o.cancelRequested()), error);
        }
    }

    @Override
    protected void connected() throws IOException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            // Makes getpeername, shutdown and friends work on a ConnectEx-connected socket.
            if (Ws2_32.setsockopt(state, socket, Ws2_32.SOL_SOCKET, MsWsock.SO_UPDATE_CONNECT_CONTEXT,
                    MemorySegment.NULL, 0) != 0) {
                throw Errors.exception("setsockopt SO_UPDATE_CONNECT_CONTEXT", CallState.WSAGetLastError(state));
            }
        } finally {
            exit();
        }
    }

    /**
     * CancelIoEx on exactly this op's OVERLAPPED. ERROR_NOT_FOUND means it already finished;
     * either way its completion still arrives and the waiter consumes it.
     */
    @Override
    protected void cancel(PendingOp op) {
        OpContext c = ((SocketOp) op).context;
        synchronized (releaseLock) {
            if (released) {
                return;
            }
            // The outcome is not needed (ERROR_NOT_FOUND: already finished): no call state, no
            // allocation on this path, which timeouts and interrupts take.
            Kernel32.CancelIoEx(SocketCalls.handle(socket), c.overlapped);
        }
    }

    @Override
    protected void release() {
        synchronized (releaseLock) {
            released = true;
        }
        if (!abortiveClose) {
            // As java.net does: a FIN before closesocket, so a peer still reads everything sent
            // and then end of stream, even when input is left unread here (closesocket alone
            // would reset the connection at once). SO_LINGER 0 asks for the reset instead.
            SocketCalls.shutdownQuietly(socket, Ws2_32.SD_SEND);
        }
        SocketCalls.closeQuietly(socket);
        if (backend.failure() != null) {
            return; // an abandoned op may still be written by the kernel: leak its contexts
        }
        backend.opTable().release(readOp.context);
        backend.opTable().release(writeOp.context);
    }

    @Override
    protected SocketException closedException() {
        return backend.closedException(super.closedException());
    }

    // ---- synchronous calls, each holding the handle open while it runs ----

    @Override
    public void shutdownOutput() throws IOException {
        enter();
        try {
            SocketCalls.shutdown(socket, Ws2_32.SD_SEND);
        } finally {
            exit();
        }
    }

    @Override
    public void setOption(SocketOptionKind option, int value) throws IOException {
        enter();
        try {
            if (option == SocketOptionKind.SO_LINGER) {
                SocketCalls.setLinger(socket, value);
                abortiveClose = value == 0;
            } else {
                SocketCalls.setInt(socket, level(option), name(option), value);
            }
        } finally {
            exit();
        }
    }

    @Override
    public int getOption(SocketOptionKind option) throws IOException {
        enter();
        try {
            return switch (option) {
                case SO_LINGER -> SocketCalls.getLinger(socket);
                // BOOL options may come back as one byte of a zeroed int: normalise to 0/1
                case TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_BROADCAST ->
                        SocketCalls.getInt(socket, level(option), name(option)) != 0 ? 1 : 0;
                default -> SocketCalls.getInt(socket, level(option), name(option));
            };
        } finally {
            exit();
        }
    }

    static int level(SocketOptionKind option) {
        return option == SocketOptionKind.TCP_NODELAY ? Ws2_32.IPPROTO_TCP : Ws2_32.SOL_SOCKET;
    }

    static int name(SocketOptionKind option) {
        return switch (option) {
            case TCP_NODELAY -> Ws2_32.TCP_NODELAY;
            case SO_KEEPALIVE -> Ws2_32.SO_KEEPALIVE;
            case SO_RCVBUF -> Ws2_32.SO_RCVBUF;
            case SO_SNDBUF -> Ws2_32.SO_SNDBUF;
            case SO_REUSEADDR -> Ws2_32.SO_REUSEADDR;
            case SO_LINGER -> Ws2_32.SO_LINGER;
            case SO_BROADCAST -> Ws2_32.SO_BROADCAST;
        };
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        enter();
        try {
            return SocketCalls.localAddress(socket);
        } finally {
            exit();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        enter();
        try {
            return SocketCalls.remoteAddress(socket);
        } finally {
            exit();
        }
    }

    /**
     * A zero-byte WSARecv completes when data (or the peer's FIN) arrives, without a buffer
     * pinned meanwhile, as libuv waits for reads on Windows; {@value IocpBackend#ZERO_BYTE_PROPERTY}
     * "false" turns it off.
     */
    @Override
    public boolean waitsForDataWithoutBuffer() {
        return backend.zeroByteReceives();
    }

    /** Whether the skip-on-success mode took effect on this handle; for tests. */
    boolean skipsCompletionPortOnSuccess() {
        return skipOnSuccess;
    }

    @Override
    public String toString() {
        return "IocpSocket[0x" + Long.toHexString(socket) + (isClosed() ? ", closed]" : "]");
    }
}
