package dev.weft.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

/**
 * A listening socket whose backend keeps accepts posted to the kernel ahead of the callers.
 *
 * <p>The backend reports each accepted connection from its completion thread with
 * {@link #onAccepted}; callers of {@link #accept} take them from a lock-free queue, parking
 * while it is empty. The backend decides how many accepts stay posted (several AcceptEx on
 * Windows, a multishot accept on io_uring) and can use {@link #acceptTaken()} and
 * {@link #queued()} to stop the queue from growing without bound when nobody accepts.
 */
public abstract class NativeListener extends NativeHandle {
    /** Marks the queue closed; every taker that sees it puts it back for the next one. */
    private static final Object CLOSED = new Object();

    private record Failure(SocketError error, int code) { }

    private final LinkedTransferQueue<Object> ready = new LinkedTransferQueue<>();

    protected NativeListener(LiveHandles live) {
        super(live);
    }

    /**
     * Takes the next accepted connection, parking until one arrives.
     *
     * @param timeoutNanos 0 for none
     * @throws SocketTimeoutException when the timeout passes; the listener stays usable
     * @throws SocketException        when the listener is closed, or closed by an interrupt
     */
    public final NativeSocket accept(long timeoutNanos) throws IOException {
        if (isClosed()) {
            throw closedException();
        }
        Object item;
        try {
            item = timeoutNanos == 0 ? ready.take() : ready.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new SocketException("Closed by interrupt");
        }
        if (item == null) {
            throw new SocketTimeoutException("Accept timed out");
        }
        if (item == CLOSED) {
            ready.offer(CLOSED);
            throw closedException();
        }
        if (item instanceof Failure f) {
            acceptTaken();
            throw f.error().toException(f.code(), "accept on " + this);
        }
        acceptTaken();
        NativeSocket socket = (NativeSocket) item;
        if (socket.isClosed() || isClosed()) {
            // Closed with the runtime (or born while it closed) after it was queued: never hand
            // a caller a connection that can only fail, and finish its close here.
            socket.close();
            throw closedException();
        }
        return socket;
    }

    /** Called by the backend (usually on a completion thread) for each accepted connection. */
    protected final void onAccepted(NativeSocket socket) {
        socket.publish(); // built: a runtime close may now release it directly
        ready.offer(socket);
        if (isClosed()) {
            drainClosed();
        }
    }

    /** Called by the backend when an accept failed in a way the caller should hear about. */
    protected final void onAcceptFailed(SocketError error, int code) {
        ready.offer(new Failure(error, code));
    }

    /** Connections (or failures) accepted and not yet taken. */
    protected final int queued() {
        return ready.size();
    }

    /** Runs after a caller took an item; a backend that paused accepting may resume here. */
    protected void acceptTaken() {
    }

    @Override
    void finishClose() {
        super.finishClose();
        drainClosed();
    }

    /** Closes connections nobody will take and wakes every waiting caller. */
    private void drainClosed() {
        Object item;
        while ((item = ready.poll()) != null) {
            if (item instanceof NativeSocket s) {
                s.close();
            }
        }
        ready.offer(CLOSED);
    }

    public abstract InetSocketAddress localAddress() throws IOException;
}
