package dev.weft.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The handles a backend has open and not yet released. Closing a runtime closes them all and
 * waits for their releases, so that no native memory is freed under a pending operation.
 */
public final class LiveHandles {
    private final Set<NativeHandle> handles = ConcurrentHashMap.newKeySet();
    private final Accounting accounting = new Accounting();
    /** Set once by {@link #closeAll()}: every handle added from then on is born closed. */
    private volatile boolean closing;

    /** The accounting of the runtime these handles belong to. */
    public Accounting accounting() {
        return accounting;
    }

    /**
     * Operations in flight on live handles (reads, writes, connects, posted accepts); computed
     * on demand from each handle's count, so it costs the I/O path nothing.
     */
    public long operationsInFlight() {
        long sum = 0;
        for (NativeHandle handle : handles) {
            sum += handle.inFlight();
        }
        return sum;
    }

    void add(NativeHandle handle) {
        handles.add(handle);
        // closeAll() sets the flag before it walks the set, so a handle added while it walks is
        // either seen by the walk or sees the flag here (both only mark it: it is not built yet).
        if (closing) {
            handle.markClosedByRuntime();
        }
    }

    void remove(NativeHandle handle) {
        handles.remove(handle);
    }

    /** Handles not yet released. */
    public int count() {
        return handles.size();
    }

    /**
     * Closes every live handle (waking all of their waiters), and every handle created from now
     * on is born closed: a connection accepted or dialled while the runtime closes is never
     * missed. Every handle is marked closed before any is released or cancelled, so a waiter
     * whose peer is closed first still sees its own handle closed rather than an end of stream.
     *
     * <p>A handle not yet {@linkplain NativeHandle#publish published} may still be under
     * construction: it is only marked here (it can start no operation), and the rest of its
     * close runs when its creator publishes or closes it.
     */
    public void closeAll() {
        closing = true;
        List<NativeHandle> marked = new ArrayList<>();
        for (NativeHandle handle : handles) {
            if (handle.markClosedByRuntime()) {
                marked.add(handle);
            }
        }
        for (NativeHandle handle : marked) {
            handle.finishClose();
        }
    }

    /**
     * Waits until every handle has been released, or the timeout passes; an interrupt does not
     * cut the wait short (see {@link CloseWait}).
     *
     * @return true if none is left
     */
    public boolean awaitReleased(long timeout, TimeUnit unit) {
        return CloseWait.until(handles::isEmpty, unit.toNanos(timeout));
    }
}
