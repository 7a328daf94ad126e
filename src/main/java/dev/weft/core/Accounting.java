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
    private final LongAdder acceptsDropped = new LongAdder();
    private final LongAdder acceptRetries = new LongAdder();
    private final LongAdder connectionsWithoutFastPath = new LongAdder();

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

    /** A backend closed an accepted connection that failed before any caller saw it. */
    public void acceptDropped() {
        acceptsDropped.increment();
    }

    /**
     * Connections a listener closed because they failed between the kernel's accept and the
     * hand-over (a client that reset or gave up at once): no {@code accept()} caller heard of them.
     */
    public long acceptsDropped() {
        return acceptsDropped.sum();
    }

    /** A backend could not keep an accept posted for lack of descriptors or buffers and backed off. */
    public void acceptRetry() {
        acceptRetries.increment();
    }

    /** Times a listener backed off and retried because descriptors or buffers ran out. */
    public long acceptRetries() {
        return acceptRetries.sum();
    }

    /** A backend created a connection on which its fast path for at-once completions is off. */
    public void connectionWithoutFastPath() {
        connectionsWithoutFastPath.increment();
    }

    /** Connections created without the backend's fast path (see {@code WeftStats}). */
    public long connectionsWithoutFastPath() {
        return connectionsWithoutFastPath.sum();
    }
}
