package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.MsWsock;
import dev.weft.bindings.windows.SockaddrIn6;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.core.NativeListener;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket with several AcceptEx kept posted ({@code BackendConfig.acceptsPosted}).
 *
 * <p>Each completion is handled on a completion thread: SO_UPDATE_ACCEPT_CONTEXT on the new
 * socket, association with the port, hand-over to {@link NativeListener#onAccepted}, and an
 * immediate repost of the same AcceptOp, so the listener never runs dry. The only pause: when
 * {@link #queueLimit} accepted connections already wait for callers, the op is parked in
 * {@link #idle} and reposted when a caller takes one ({@link #acceptTaken}); the kernel's backlog
 * holds further connections meanwhile.
 *
 * <p>Every posted AcceptEx is counted with enter()/exit(), so the listening handle is closed only
 * after the last of them completed (close cancels them with CancelIoEx).
 *
 * <p>The listening socket is not put in skip-on-success mode: accept completions always come as
 * packets, which keeps the repost on a completion thread from recursing into itself.
 */
final class IocpListener extends NativeListener {
    private static final System.Logger LOG = System.getLogger("dev.weft.iocp");
    /** AcceptEx wants room for each address plus 16 bytes; sockaddr_in6 is the larger one. */
    private static final int ADDRESS_ROOM = (int) SockaddrIn6.sizeof() + 16;

    private final IocpBackend backend;
    private final long socket;
    private final int family;
    private final InetSocketAddress local;
    private final AcceptOp[] ops;
    private final ConcurrentLinkedQueue<AcceptOp> idle = new ConcurrentLinkedQueue<>();
    private final int queueLimit;
    /**
     * CancelIoEx calls running on the listening socket (low bits) and {@link #RELEASED}: the
     * socket is closed by whoever is last, release or a cancel, so CancelIoEx never meets a
     * closed (perhaps reused) handle and the completion thread never waits for a monitor.
     */
    private final AtomicInteger cancelsAndRelease = new AtomicInteger();
    private static final int RELEASED = 1 << 30;
    private final AcceptBackoff exhaustion;

    static {
        if (2L * ADDRESS_ROOM > OpContext.ADDRESS_CAPACITY) {
            throw new ExceptionInInitializerError("AcceptEx output buffer does not fit the op context");
        }
    }

    /**
     * The accept contexts are taken before the handle joins the live handles: if the runtime's
     * close wins that race, the IOException leaves no half-built handle for the close to wait on.
     */
    IocpListener(IocpBackend backend, long socket, int family, InetSocketAddress local, int acceptsPosted)
            throws IOException {
        AcceptOp[] contexts = takeContexts(backend.opTable(), acceptsPosted);
        super(backend.liveHandles());
        this.backend = backend;
        this.socket = socket;
        this.family = family;
        this.local = local;
        this.queueLimit = Math.max(64, 4 * acceptsPosted);
        this.exhaustion = new AcceptBackoff(this::toString, backend.retryScheduler());
        this.ops = contexts;
        for (AcceptOp op : ops) {
            op.bind(this);
        }
    }

    /** Only the first acquire can fail: while the table lends one context it cannot close. */
    private static AcceptOp[] takeContexts(OpTable table, int count) throws IOException {
        AcceptOp[] ops = new AcceptOp[count];
        for (int i = 0; i < count; i++) {
            ops[i] = new AcceptOp(table);
        }
        return ops;
    }

    /**
     * Posts the initial AcceptEx calls. Running out of descriptors or buffers only defers an op
     * to the back-off retry; any other failure closes the listener and throws.
     */
    void start() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            CompletionScratch scratch = new CompletionScratch(arena);
            for (AcceptOp op : ops) {
                enter();
                int error = post(op, scratch);
                if (error == 0) {
                    continue;
                }
                idle.offer(op);
                exit();
                if (isExhaustion(error)) {
                    backOff(error);
                } else {
                    close();
                    throw Errors.exception("AcceptEx", error);
                }
            }
        }
    }

    /**
     * Creates an accept socket and posts AcceptEx. The caller has entered for this op. Uses only
     * the caller's scratch for call state: once AcceptEx is pending, a completion thread may be
     * reposting this very op.
     *
     * @return 0 when posted (a packet will come), else the error (no packet; the op is untouched)
     */
    private int post(AcceptOp op, CompletionScratch scratch) {
        long s = Ws2_32.WSASocketW(scratch.callState, family, Ws2_32.SOCK_STREAM, Ws2_32.IPPROTO_TCP,
                MemorySegment.NULL, 0, Ws2_32.WSA_FLAG_OVERLAPPED | Ws2_32.WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == Ws2_32.INVALID_SOCKET) {
            return CallState.WSAGetLastError(scratch.callState);
        }
        op.acceptSocket = s;
        op.context.resetOverlapped();
        op.startPosting();
        int ok = MsWsock.LPFN_ACCEPTEX.invoke(backend.acceptEx(), scratch.callState, socket, s, op.context.address,
                0, ADDRESS_ROOM, ADDRESS_ROOM, scratch.bytes, op.context.overlapped);
        // ok: completed at once; without skip mode its packet is queued all the same
        int error = ok != 0 ? 0 : CallState.WSAGetLastError(scratch.callState);
        if (error == 0 || error == Kernel32.ERROR_IO_PENDING) {
            // A close that ran before this AcceptEx existed cancelled nothing: cancel it now,
            // or the listener would wait for this op forever.
            if (isClosed()) {
                cancelInFlight();
            }
            return 0;
        }
        op.finishPosting();
        op.acceptSocket = Ws2_32.INVALID_SOCKET;
        SocketCalls.closeQuietly(s);
        return error;
    }

    /**
     * On a completion thread: one AcceptEx finished (accepted, failed or cancelled).
     *
     * <p>Whatever goes wrong with one client (it reset or gave up before the accept finished, or
     * a follow-up call on its socket fails) closes that socket, is counted in the runtime's
     * accounting and reposts the accept: no {@code accept()} caller ever hears of it. Only a
     * failure to post an accept at all (the listener itself is unusable) reaches the callers.
     */
    void acceptCompleted(AcceptOp op, CompletionScratch scratch) {
        if (!op.finishPosting()) {
            return; // the backend already gave this op up (its port is gone)
        }
        long s = op.acceptSocket;
        op.acceptSocket = Ws2_32.INVALID_SOCKET;
        int status = op.context.ntStatus();
        int exhausted = 0;
        try {
            if (status == 0) {
                exhausted = adopt(s, scratch);
            } else {
                SocketCalls.closeQuietly(s);
                if (!isClosed()) {
                    exhausted = drop("AcceptEx completion", SocketCalls.overlappedError(socket, op.context, status, scratch));
                }
            }
        } finally {
            if (exhausted != 0) {
                idle.offer(op);
                backOff(exhausted);
            } else {
                repostOrPark(op, scratch); // enters for the repost before exiting for this op
            }
            exit();
        }
    }

    /** @return 0, or the error when the failure calls for backing off (see {@link #drop}) */
    private int adopt(long s, CompletionScratch scratch) {
        // The new socket inherits the listener's properties, and getpeername etc. work on it.
        scratch.socketValue.set(ValueLayout.JAVA_LONG, 0, socket);
        if (Ws2_32.setsockopt(scratch.callState, s, Ws2_32.SOL_SOCKET, MsWsock.SO_UPDATE_ACCEPT_CONTEXT,
                scratch.socketValue, (int) ValueLayout.JAVA_LONG.byteSize()) != 0) {
            SocketCalls.closeQuietly(s);
            return drop("setsockopt SO_UPDATE_ACCEPT_CONTEXT", CallState.WSAGetLastError(scratch.callState));
        }
        IocpSocket accepted;
        try {
            accepted = backend.adopt(s, family, scratch.callState);
        } catch (IOException e) {
            SocketCalls.closeQuietly(s);
            return drop("association with the completion port", CallState.GetLastError(scratch.callState));
        }
        exhaustion.succeeded();
        onAccepted(accepted);
        return 0;
    }

    /**
     * One client's connection failed on its way in: closed already, counted, never reported.
     *
     * @return 0 to repost at once, or {@code code} when the accept should back off instead: the
     *         error is exhaustion, or too many connections in a row failed (see AcceptBackoff)
     */
    private int drop(String step, int code) {
        accounting().acceptDropped();
        LOG.log(System.Logger.Level.DEBUG, () -> this + ": dropped an accepted connection (" + step
                + " failed, os error " + code + ")");
        boolean backOff = isExhaustion(code) | exhaustion.droppedTooManyInARow();
        return backOff ? code : 0;
    }

    /** Out of descriptors or buffers: waiting helps, so retry later instead of failing the caller. */
    private static boolean isExhaustion(int code) {
        return code == Ws2_32.WSAEMFILE || code == Ws2_32.WSAENOBUFS;
    }

    private void repostOrPark(AcceptOp op, CompletionScratch scratch) {
        if (queued() >= queueLimit) {
            idle.offer(op);
            // A caller may have taken one between the check and the offer: look again.
            if (queued() < queueLimit) {
                resumeIdle(scratch);
            }
            return;
        }
        try {
            enter();
        } catch (SocketException closed) {
            return;
        }
        int error = post(op, scratch);
        if (error != 0) {
            postFailed(op, error);
        }
    }

    /**
     * An op that could not be posted waits in {@link #idle}. Exhaustion schedules a retry after
     * a back-off; any other error means the listener itself is unusable, and callers hear of it
     * (a caller taking the failure resumes the idle ops, so a retry follows each report, never
     * a spin).
     */
    private void postFailed(AcceptOp op, int error) {
        idle.offer(op);
        if (isExhaustion(error)) {
            backOff(error);
        } else {
            onAcceptFailed(Errors.toSocketError(error, false), error);
        }
        exit();
    }

    private void backOff(int error) {
        accounting().acceptRetry();
        exhaustion.retryLater(error, this::retryIdle);
    }

    /** The back-off's retry: on a pool thread, never a completion thread. */
    private void retryIdle() {
        if (isClosed()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            resumeIdle(new CompletionScratch(arena));
        }
    }

    private void resumeIdle(CompletionScratch scratch) {
        while (queued() < queueLimit) {
            AcceptOp op = idle.poll();
            if (op == null) {
                return;
            }
            try {
                enter();
            } catch (SocketException closed) {
                idle.offer(op);
                return;
            }
            int error = post(op, scratch);
            if (error != 0) {
                postFailed(op, error);
                return;
            }
        }
    }

    /** The port failed with this op posted: its packet will never come. */
    void acceptAbandoned(AcceptOp op) {
        long s = op.acceptSocket;
        op.acceptSocket = Ws2_32.INVALID_SOCKET;
        SocketCalls.closeQuietly(s); // cancels the AcceptEx; its context stays leaked (see release)
        exit();
    }

    @Override
    protected void acceptTaken() {
        if (idle.isEmpty() || isClosed() || exhaustion.waiting()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            resumeIdle(new CompletionScratch(arena));
        }
    }

    /** Cancels every AcceptEx posted on the listening socket; their packets still arrive. */
    @Override
    protected void cancelInFlight() {
        int s;
        do {
            s = cancelsAndRelease.get();
            if ((s & RELEASED) != 0) {
                return;
            }
        } while (!cancelsAndRelease.compareAndSet(s, s + 1));
        try (Arena arena = Arena.ofConfined()) {
            Kernel32.CancelIoEx(CallState.allocate(arena), SocketCalls.handle(socket), MemorySegment.NULL);
        } finally {
            if (cancelsAndRelease.decrementAndGet() == RELEASED) {
                closeAndFree(); // release ran meanwhile and left the close to this cancel
            }
        }
    }

    @Override
    protected void release() {
        if (cancelsAndRelease.getAndAdd(RELEASED) == 0) {
            closeAndFree();
        }
    }

    /** Closes the listening socket and frees the accept contexts; runs once. */
    private void closeAndFree() {
        SocketCalls.closeQuietly(socket);
        if (backend.failure() != null) {
            return; // an abandoned AcceptEx may still be written by the kernel: leak its context
        }
        for (AcceptOp op : ops) {
            backend.opTable().release(op.context);
        }
    }

    @Override
    protected SocketException closedException() {
        return backend.closedException(super.closedException());
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** AcceptEx calls now posted; for tests. */
    long posted() {
        return inFlight();
    }

    @Override
    public String toString() {
        return "IocpListener[" + local + (isClosed() ? ", closed]" : "]");
    }
}
