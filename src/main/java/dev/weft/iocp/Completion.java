package dev.weft.iocp;

/**
 * The Java side of one {@link OpContext}: told when the packet for the context's operation is
 * dequeued. Implementations run on a completion thread: they record the result and unpark, and
 * must never block or run user code.
 */
interface Completion {
    /**
     * @param bytes   dwNumberOfBytesTransferred of the packet
     * @param scratch the completion thread's own native scratch memory
     */
    void completed(int bytes, CompletionScratch scratch);

    /**
     * The completion port failed: this op's packet, if one was pending, will never be dequeued.
     * Wakes whoever waits for it; must not free anything the kernel may still write. Targets
     * that never wait for anything (a test's) need not override it.
     */
    default void abandon() {
    }
}
