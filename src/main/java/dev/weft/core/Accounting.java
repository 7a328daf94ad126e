package dev.weft.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one runtime holds, for tests and monitoring: native bytes its backend allocated and has
 * not freed, and how often a send completed partially and was resumed.
 *
 * <p>One instance per backend, reached through {@link LiveHandles#accounting()} (a handle uses
 * {@link NativeHandle#accounting()}). Backends report every native allocation that lives longer
 * than one call — per-operation contexts, sockaddr buffers, rings, completion arrays — with
 * {@link #allocated} and its release with {@link #freed}; short-lived call scratch need not be
 * reported. Nothing here is on the per-operation hot path: allocations happen when handles are
 * created or pools grow, and a partial send is already a slow path.
 */
public final class Accounting {
    private final AtomicLong nativeBytes = new AtomicLong();
    private final LongAdder partialSends = new LongAdder();

    /** A backend allocated {@code bytes} of native memory that outlives the current call. */
    public void allocated(long bytes) {
        nativeBytes.addAndGet(bytes);
    }

    /** A backend freed {@code bytes} it had reported with {@link #allocated}. */
    public void freed(long bytes) {
        long now = nativeBytes.addAndGet(-bytes);
        if (now < 0 && Debug.ENABLED) {
            throw Debug.violation("native bytes freed exceed those allocated: " + now);
        }
    }

    /** Native bytes the backend reported allocated and not yet freed (buffer pool excluded). */
    public long nativeBytes() {
        return nativeBytes.get();
    }

    void partialSend() {
        partialSends.increment();
    }

    /** Sends that completed with fewer bytes than asked and were reissued for the rest. */
    public long partialSends() {
        return partialSends.sum();
    }
}
