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
    /** Set by whoever releases, so a close and the last exit cannot both release. */
    private static final long RELEASING = 1L << 61;
    /**
     * Closed at birth because its runtime was closing: the second half of the close is owed by
     * whoever created the handle, once it is fully built, through {@link #close()}.
     */
    private static final long CLOSE_OWED = 1L << 60;
    private static final long COUNT = CLOSE_OWED - 1;

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
        if (state.decrementAndGet() == CLOSED && state.compareAndSet(CLOSED, CLOSED | RELEASING)) {
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
    public final void close() {
        if (markClosed() || takeOwedClose()) {
            finishClose();
        }
    }

    /**
     * Marks a handle born while its runtime closes: closed, with the rest of the close left to
     * the creator's {@link #close()}, since the subclass is still being constructed.
     */
    final void markClosedAtBirth() {
        state.getAndUpdate(s -> s | CLOSED | CLOSE_OWED);
    }

    /** True if the rest of this handle's close is left to its creator. */
    final boolean closeOwed() {
        return (state.get() & CLOSE_OWED) != 0;
    }

    private boolean takeOwedClose() {
        long s;
        do {
            s = state.get();
            if ((s & CLOSE_OWED) == 0) {
                return false;
            }
        } while (!state.compareAndSet(s, s & ~CLOSE_OWED));
        return true;
    }

    /**
     * First half of {@link #close()}: from now on no operation starts and every waiter that
     * wakes sees the handle closed. Closing a whole runtime marks every handle before it
     * releases any, so that no waiter mistakes the FIN of a peer closed a moment earlier for
     * the end of its own stream.
     *
     * @return true for the call that closed the handle
     */
    final boolean markClosed() {
        return (state.getAndUpdate(s -> s | CLOSED) & CLOSED) == 0;
    }

    /** Second half of {@link #close()}: cancel what is in flight, or release at once. */
    void finishClose() {
        if (inFlight() == 0) {
            // enter() fails once CLOSED is set, so the count can only fall from here: the
            // exit() that brings it to zero releases, unless it was already zero, as here.
            if (state.compareAndSet(CLOSED, CLOSED | RELEASING)) {
                releaseOnce();
            }
        } else {
            cancelInFlight();
        }
    }

    private void releaseOnce() {
        try {
            retireOps();
            release();
        } finally {
            live.remove(this);
        }
    }

    /** Debug mode: marks this handle's ops freed before the backend frees their contexts. */
    void retireOps() {
    }

    /** The runtime's accounting, for backends to report native memory into. */
    protected final Accounting accounting() {
        return live.accounting();
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
