package dev.weft;

/**
 * A snapshot of what a {@link WeftRuntime} holds, from {@link WeftRuntime#stats()}. Once every
 * listener and connection is closed and the kernel has reported their last operations,
 * {@code liveOperations}, {@code openHandles} and {@code buffersInUse} are 0 and
 * {@code liveNativeBytes} is back to what the runtime held when it opened.
 *
 * @param liveOperations      kernel operations in flight: reads, writes, connects, posted accepts
 * @param openHandles         listeners and connections not yet released (closed ones included
 *                            until their last completion arrives)
 * @param liveNativeBytes     native memory the backend holds outside the buffer pool: rings or
 *                            completion ports' arrays, per-operation contexts, socket addresses
 * @param pooledBufferBytes   native memory of the buffer pool (kept for reuse until close)
 * @param buffersInUse        pooled buffers now lent to an operation
 * @param partialSendsResumed sends the kernel completed partially and weft reissued for the rest
 * @param acceptsDropped      accepted connections a listener closed because they failed before
 *                            any {@code accept()} caller saw them (a client that reset or gave
 *                            up at once); never reported to the caller
 * @param acceptRetries       times a listener ran out of descriptors or buffers, backed off and
 *                            retried instead of failing its callers
 * @param connectionsWithoutFastPath connections on which the backend's fast path for operations
 *                            that complete at once is off (IOCP: skip-completion-port-on-success,
 *                            unsafe unless every protocol provider is IFS); 0 on io_uring
 */
public record WeftStats(long liveOperations, int openHandles, long liveNativeBytes, long pooledBufferBytes,
                        long buffersInUse, long partialSendsResumed, long acceptsDropped, long acceptRetries,
                        long connectionsWithoutFastPath) {

    /** The counters of earlier versions; the accept and fast-path counters are 0. */
    public WeftStats(long liveOperations, int openHandles, long liveNativeBytes, long pooledBufferBytes,
                     long buffersInUse, long partialSendsResumed) {
        this(liveOperations, openHandles, liveNativeBytes, pooledBufferBytes, buffersInUse, partialSendsResumed,
                0, 0, 0);
    }
}
