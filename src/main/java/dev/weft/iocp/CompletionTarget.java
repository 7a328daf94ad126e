package dev.weft.iocp;

/**
 * The Java side of one {@link OpContext}: told when the packet for the context's operation is
 * dequeued. Implementations run on a completion thread: they record the result and unpark, and
 * must never block or run user code.
 */
interface CompletionTarget {
    /**
     * @param bytes   dwNumberOfBytesTransferred of the packet
     * @param scratch the completion thread's own native scratch memory
     */
    void completed(int bytes, CompletionScratch scratch);
}
