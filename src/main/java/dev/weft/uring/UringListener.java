package dev.weft.uring;

import dev.weft.core.FaultInjection;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeListener;
import dev.weft.core.SocketError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static dev.weft.bindings.linux.Errno.*;
import static dev.weft.bindings.linux.IoUring.IORING_ACCEPT_MULTISHOT;
import static dev.weft.bindings.linux.IoUring.IORING_CQE_F_MORE;
import static dev.weft.bindings.linux.IoUring.IORING_OP_ACCEPT;
import static dev.weft.bindings.linux.Socket.SOCK_CLOEXEC;

/**
 * A listening socket with one multishot accept posted: the kernel posts a CQE per accepted
 * connection and keeps the accept armed (IORING_CQE_F_MORE) until it ends it for some reason;
 * a CQE without F_MORE means the accept is gone and is re-armed at once, so the listener never
 * runs dry.
 *
 * <p>Backpressure: when {@code maxQueued} connections are waiting for callers, the accept is
 * cancelled and connections wait in the kernel's backlog instead; the first caller who takes
 * one ({@link #acceptTaken}) re-arms it. Both sides decide against the same threshold after
 * publishing their state, so the accept cannot stay disarmed while the queue is short.
 *
 * <p>The armed accept counts as one operation in flight on the handle: the descriptor is
 * closed only after its final CQE.
 */
final class UringListener extends NativeListener implements Completion {
    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int CANCELLING = 2;

    private final Ring ring;
    private final int fd;
    private final int slot;
    private final int maxQueued;
    private final IntFunction<UringSocket> adopt;
    private final DescriptorCloser closer;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private int sequence;
    private volatile long userData;
    private volatile int rearms;

    /**
     * @param adopt wraps an accepted descriptor in a socket (assigning it a ring)
     */
    UringListener(LiveHandles live, Ring ring, DescriptorCloser closer, int fd, int maxQueued,
                  IntFunction<UringSocket> adopt) {
        super(live);
        this.closer = closer;
        this.ring = ring;
        this.fd = fd;
        this.maxQueued = maxQueued;
        this.adopt = adopt;
        this.slot = ring.ops().register(this);
    }

    /** Posts the multishot accept if it is not posted and the queue has room. */
    void arm() {
        if (queued() >= maxQueued || !state.compareAndSet(IDLE, ARMED)) {
            return;
        }
        try {
            enter();
        } catch (SocketException closed) {
            state.set(IDLE);
            return;
        }
        long ud = UserData.of(slot, ++sequence);
        userData = ud;
        if (!ring.submit(IORING_OP_ACCEPT, fd, 0, 0, 0, IORING_ACCEPT_MULTISHOT, SOCK_CLOEXEC, ud)) {
            state.set(IDLE);
            exit();
            onAcceptFailed(SocketError.NO_RESOURCES, ENOMEM);
            return;
        }
        // A close that ran before the submission found nothing to cancel.
        if (isClosed()) {
            ring.cancel(ud);
        }
    }

    @Override
    public long userData() {
        return userData;
    }

    @Override
    public void onCqe(int res, int flags) {
        boolean fatal = false;
        try {
            if (res >= 0) {
                accepted(res);
            } else {
                fatal = acceptFailed(-res);
            }
        } finally {
            // Whatever the handling above threw (an Error included), the accept's own state is
            // settled here, or the listener would never accept again.
            afterCqe(flags, fatal);
        }
    }

    private void accepted(int fd) {
        UringSocket socket;
        try {
            FaultInjection.inCompletionHandler(); // test-only, off by default
            socket = adopt.apply(fd);
        } catch (FaultInjection.InjectedFault e) {
            SocketCalls.close(fd);
            throw e;
        } catch (RuntimeException e) {
            // adopt closed the descriptor; one connection lost, the listener keeps going
            onAcceptFailed(SocketError.NO_RESOURCES, ENOMEM);
            return;
        }
        try {
            onAccepted(socket);
        } catch (RuntimeException | Error e) {
            socket.close(); // never queued: nobody else would close it
            throw e;
        }
    }

    private void afterCqe(int flags, boolean fatal) {
        if ((flags & IORING_CQE_F_MORE) != 0) {
            if (queued() >= maxQueued && state.compareAndSet(ARMED, CANCELLING)) {
                ring.cancel(userData);
            }
            return;
        }
        // The accept is gone: publish that, then re-arm unless the queue is full (a caller
        // taking a connection re-arms then) or the error would only repeat.
        state.set(IDLE);
        exit();
        if (!fatal) {
            rearms++;
            arm();
        }
    }

    /** Reports what a caller should hear; returns true if re-arming would fail the same way. */
    private boolean acceptFailed(int errno) {
        if (isClosed()) {
            return true; // cancelled or shut down by close(): nobody is to hear about it
        }
        switch (errno) {
            case ECANCELED, EINTR, EAGAIN, ECONNABORTED -> {
                return false; // our own cancel, or a connection that died in the backlog
            }
            case EMFILE, ENFILE, ENOBUFS, ENOMEM -> {
                // Counts against the queue, so repeated failures stop re-arming until taken.
                onAcceptFailed(SocketError.NO_RESOURCES, errno);
                return false;
            }
            default -> {
                // EINVAL (no multishot accept in this kernel, or not listening), EBADF, ...
                onAcceptFailed(Errors.toSocketError(errno, false), errno);
                return true;
            }
        }
    }

    @Override
    protected void acceptTaken() {
        if (state.get() == IDLE && !isClosed()) {
            arm();
        }
    }

    /** How many times the accept was re-armed after the kernel ended it; for tests. */
    int rearms() {
        return rearms;
    }

    /** True while a multishot accept is posted; for tests. */
    boolean armed() {
        return state.get() != IDLE;
    }

    @Override
    protected void cancelInFlight() {
        // Stop listening now, as close(2) would: the descriptor itself stays open until the
        // accept's final CQE, and without this the port would accept connections until then.
        SocketCalls.shutdownQuietly(fd);
        if (state.get() != IDLE) {
            ring.cancel(userData);
        }
    }

    @Override
    protected void release() {
        closer.close(fd);
        ring.ops().unregister(slot);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        enter();
        try {
            return SocketCalls.localAddress(fd);
        } finally {
            exit();
        }
    }

    @Override
    public String toString() {
        return "UringListener[fd=" + fd + "]";
    }
}
