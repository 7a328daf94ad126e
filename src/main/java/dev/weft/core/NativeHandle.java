package dev.weft.core;

import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OS socket owned by a backend, with the bookkeeping that keeps its native memory safe.
 *
 * <p>Every kernel operation on the handle is bracketed by {@link #enter()} and {@link #exit()}.
 * {@link #close()} marks the handle closed, asks the backend to cancel what is in flight, and
 * the OS handle itself is released only when the last operation has completed and been consumed:
 * a closed descriptor number can be reused by the OS at once, and a late completion must never
 * land on a stranger's socket or in freed memory.
 */
public abstract class NativeHandle {
    private static final long CLOSED = 1L << 62;
    private static final long COUNT = CLOSED - 1;

    private final AtomicLong state = new AtomicLong();
    private final LiveHandles live;

    protected NativeHandle(LiveHandles live) {
        this.live = live;
        live.add(this);
    }

    /**
     * Counts one more operation in flight.
     *
     * @throws SocketException if the handle is closed
     */
    protected final void enter() throws SocketException {
        long s;
        do {
            s = state.get();
            if ((s & CLOSED) != 0) {
                throw closedException();
            }
        } while (!state.compareAndSet(s, s + 1));
    }

    /** Counts one operation done; the last one out after a close releases the handle. */
    protected final void exit() {
        if (state.decrementAndGet() == CLOSED) {
            releaseOnce();
        }
    }

    public final boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Operations entered and not yet exited; for tests and accounting. */
    public final long inFlight() {
        return state.get() & COUNT;
    }

    /**
     * Closes the handle: wakes every operation in flight (they fail with "Socket closed") and
     * releases the OS handle once they have all completed. A second close does nothing.
     */
    public void close() {
        long before = state.getAndUpdate(s -> s | CLOSED);
        if ((before & CLOSED) != 0) {
            return;
        }
        if ((before & COUNT) == 0) {
            releaseOnce();
        } else {
            cancelInFlight();
        }
    }

    private void releaseOnce() {
        try {
            release();
        } finally {
            live.remove(this);
        }
    }

    /** The exception for using a closed handle. */
    protected SocketException closedException() {
        return new SocketException("Socket closed");
    }

    /**
     * Asks the OS to cancel every operation now in flight on this handle. Cancellation is
     * asynchronous: completions still arrive and are consumed as usual. Must not block.
     */
    protected abstract void cancelInFlight();

    /**
     * Closes the OS handle and frees native memory owned by this handle. Called exactly once,
     * after {@link #close()}, when no operation is in flight.
     */
    protected abstract void release();
}
