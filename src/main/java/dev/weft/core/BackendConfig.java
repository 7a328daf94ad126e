package dev.weft.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings a backend is opened with.
 *
 * @param completionThreads threads that dequeue completions (at least 1)
 * @param queueDepth        submission/completion queue entries (io_uring) or completions
 *                          dequeued per call (IOCP)
 * @param acceptsPosted     accepts kept posted per listener
 * @param closeWait         how long the backend's close waits, after it has closed every handle,
 *                          for the calls still in flight to return; past it, the native memory
 *                          they may still use is leaked instead of freed (positive)
 */
public record BackendConfig(int completionThreads, int queueDepth, int acceptsPosted, Duration closeWait) {
    /** Queue entries when the user names none. */
    public static final int DEFAULT_QUEUE_DEPTH = 4096;
    /** Accepts posted per listener when the user names none. */
    public static final int DEFAULT_ACCEPTS_POSTED = 8;
    /** {@link #closeWait} when the user names none. */
    public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(30);

    public BackendConfig {
        if (completionThreads < 1) {
            throw new IllegalArgumentException("completionThreads must be at least 1: " + completionThreads);
        }
        if (queueDepth < 1) {
            throw new IllegalArgumentException("queueDepth must be at least 1: " + queueDepth);
        }
        if (acceptsPosted < 1) {
            throw new IllegalArgumentException("acceptsPosted must be at least 1: " + acceptsPosted);
        }
        Objects.requireNonNull(closeWait, "closeWait");
        if (closeWait.isNegative() || closeWait.isZero()) {
            throw new IllegalArgumentException("closeWait must be positive: " + closeWait);
        }
    }

    /** The default {@link #closeWait}. */
    public BackendConfig(int completionThreads, int queueDepth, int acceptsPosted) {
        this(completionThreads, queueDepth, acceptsPosted, DEFAULT_CLOSE_WAIT);
    }
}
