package dev.weft.core;

/**
 * Settings a backend is opened with.
 *
 * @param completionThreads threads that dequeue completions (at least 1)
 * @param queueDepth        submission/completion queue entries (io_uring) or completions
 *                          dequeued per call (IOCP)
 * @param acceptsPosted     accepts kept posted per listener
 */
public record BackendConfig(int completionThreads, int queueDepth, int acceptsPosted) {
    /** Queue entries when the user names none. */
    public static final int DEFAULT_QUEUE_DEPTH = 4096;
    /** Accepts posted per listener when the user names none. */
    public static final int DEFAULT_ACCEPTS_POSTED = 8;

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
    }
}
