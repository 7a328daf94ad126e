package dev.weft.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The handles a backend has open and not yet released. Closing a runtime closes them all and
 * waits for their releases, so that no native memory is freed under a pending operation.
 */
public final class LiveHandles {
    private final Set<NativeHandle> handles = ConcurrentHashMap.newKeySet();

    void add(NativeHandle handle) {
        handles.add(handle);
    }

    void remove(NativeHandle handle) {
        handles.remove(handle);
    }

    /** Handles not yet released. */
    public int count() {
        return handles.size();
    }

    /** Closes every live handle (waking all of their waiters). */
    public void closeAll() {
        for (NativeHandle handle : handles) {
            handle.close();
        }
    }

    /**
     * Waits until every handle has been released, or the timeout passes.
     *
     * @return true if none is left
     */
    public boolean awaitReleased(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!handles.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return handles.isEmpty();
            }
        }
        return true;
    }
}
