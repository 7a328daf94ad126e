package dev.weft.uring;

import dev.weft.core.FaultInjection;
import dev.weft.core.LiveHandles;
import dev.weft.core.NativeListener;
import dev.weft.core.SocketError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Out of descriptors (EMFILE, ENFILE) or memory, the accept pauses briefly, a little longer
 * each time, and tries again; a caller of {@code accept} hears each failed attempt, so it can
 * log it, and the listener keeps serving once descriptors are free again.
 *
 * <p>The armed accept counts as one operation in flight on the handle: the descriptor is
 * closed only after its final CQE.
 */
final class UringListener extends NativeListener implements Completion {
    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int CANCELLING = 2;
    /** Out of descriptors or memory: waiting a little before accepting again, not spinning. */
    private static final int BACKING_OFF = 3;
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** What a CQE means for the posted accept once it has ended. */
    private enum Next { REARM, BACK_OFF, STOP }

    private final Ring ring;
    private final int fd;
    private final int slot;
    private final int maxQueued;
    private final IntFunction<UringSocket> adopt;
    private final DescriptorCloser closer;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile long userData;
    private volatile int rearms;
    /** The next back-off after running out of descriptors; reset by a successful accept. */
    private volatile long backoffNanos = MIN_BACKOFF_NANOS;

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
        long ud = ring.ops().nextUserData(slot);
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
        Next next = Next.REARM;
        try {
            if (res >= 0) {
                backoffNanos = MIN_BACKOFF_NANOS;
                accepted(res);
            } else {
                next = acceptFailed(-res);
            }
        } finally {
            // Whatever the handling above threw (an Error included), the accept's own state is
            // settled here, or the listener would never accept again.
            afterCqe(flags, next);
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

    private void afterCqe(int flags, Next next) {
        if ((flags & IORING_CQE_F_MORE) != 0) {
            if (queued() >= maxQueued && state.compareAndSet(ARMED, CANCELLING)) {
                ring.cancel(userData);
            }
            return;
        }
        // The accept is gone: publish that, then re-arm unless the queue is full (a caller
        // taking a connection re-arms then) or the error would only repeat.
        if (next == Next.BACK_OFF) {
            state.set(BACKING_OFF); // acceptTaken() must not re-arm early either
            exit();
            rearmAfterBackoff();
            return;
        }
        state.set(IDLE);
        exit();
        if (next == Next.REARM) {
            rearms++;
            arm();
        }
    }

    /**
     * Re-arms after a pause that doubles while descriptors stay exhausted: an accept retried at
     * once would fail at once, in a loop that burns a core and starves the threads that could
     * close descriptors. The pause runs on a virtual thread: no completion thread waits.
     */
    private void rearmAfterBackoff() {
        long pause = backoffNanos;
        backoffNanos = Math.min(pause * 2, MAX_BACKOFF_NANOS);
        Thread.ofVirtual().name("weft-accept-backoff").start(() -> {
            LockSupport.parkNanos(pause); // an early wake-up only shortens one pause
            if (state.compareAndSet(BACKING_OFF, IDLE) && !isClosed()) {
                rearms++;
                arm();
            }
        });
    }

    /** Reports what a caller should hear, and says what the accept does next. */
    private Next acceptFailed(int errno) {
        if (isClosed()) {
            return Next.STOP; // cancelled or shut down by close(): nobody is to hear about it
        }
        switch (errno) {
            case ECANCELED, EINTR, EAGAIN, ECONNABORTED, ECONNRESET, EPERM, ETIMEDOUT,
                 ENETDOWN, ENETUNREACH, EHOSTDOWN, EHOSTUNREACH -> {
                // Our own cancel, or one connection that died in the backlog or was refused by
                // a firewall rule: accept(2) says to retry; nothing for the caller to hear.
                return Next.REARM;
            }
            case EMFILE, ENFILE, ENOBUFS, ENOMEM -> {
                // The caller hears it (to log it), once per attempt; the attempts are paced.
                onAcceptFailed(SocketError.NO_RESOURCES, errno);
                return Next.BACK_OFF;
            }
            default -> {
                // EINVAL (no multishot accept in this kernel, or not listening), EBADF, ...
                onAcceptFailed(Errors.toSocketError(errno, false), errno);
                return Next.STOP;
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
        int now = state.get();
        return now == ARMED || now == CANCELLING;
    }

    @Override
    protected void cancelInFlight() {
        // Stop listening now, as close(2) would: the descriptor itself stays open until the
        // accept's final CQE, and without this the port would accept connections until then.
        SocketCalls.shutdownQuietly(fd);
        if (armed()) {
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
