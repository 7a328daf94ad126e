/**
 * The Linux backend: every socket, datagram and file call as io_uring requests.
 *
 * <p><b>How a read travels</b> (multishot receive, the default), in the order a reader meets
 * the classes:
 * <ol>
 * <li>{@link dev.weft.uring.UringSocket} — the socket's backend half; a read goes to its
 *     receiver.</li>
 * <li>{@link dev.weft.uring.MultishotReceiver} — one multishot recv armed for the connection's
 *     lifetime. A read copies what is queued and returns; with nothing queued it publishes its
 *     op and parks (the op is the core's {@code PendingOp}). Queued data lives in a
 *     {@link dev.weft.uring.ChunkQueue} of chunks, each in a buffer of the ring's
 *     {@link dev.weft.uring.ProvidedBuffers}, the pool the kernel picks a buffer from for each
 *     arriving chunk.</li>
 * <li>The kernel posts a CQE. The ring's {@link dev.weft.uring.CompletionReaper}, a virtual
 *     thread, holds the reaping turn ({@link dev.weft.uring.CompletionLoop}, the ring's platform
 *     thread, sleeps on the {@link dev.weft.uring.Doorbell} and hands the turn over when the
 *     reaper has none).</li>
 * <li>{@link dev.weft.uring.Ring#tryReap} reads the CQEs from the
 *     {@link dev.weft.uring.CompletionQueue}; the {@link dev.weft.uring.CompletionRouter} finds
 *     each one's receiver in the {@link dev.weft.uring.OpTable} by its user_data (slot and the
 *     slot's generation, {@link dev.weft.uring.UserData}).</li>
 * <li>Back in {@link dev.weft.uring.MultishotReceiver#onCqe}: the chunk is copied straight into
 *     the parked reader's memory, its buffer goes back to the pool, and the op completes, which
 *     unparks the reader on the reaper's carrier.</li>
 * </ol>
 * A steady read touches no submission code: the recv stays armed. Arming it (the first read,
 * or after a pause) goes through {@link dev.weft.uring.Submissions} and the mapped
 * {@link dev.weft.uring.SubmissionQueue}; one-shot receives (the fallback when the pool is
 * empty, and the mode for kernels without multishot recv) go through the socket's
 * {@link dev.weft.uring.UringOp}.
 *
 * <p>A write is one {@code send} system call by the writing thread while the socket buffer
 * takes it (no op, no CQE); only the rest, when the buffer is full, becomes a send request that
 * parks the writer.
 *
 * <p>{@link dev.weft.uring.IoUringBackend} sets all of this up: one {@link dev.weft.uring.Ring}
 * per CPU ({@link dev.weft.uring.Rings}), each with its owner thread, reaper and buffer pool,
 * and one op table they share.
 */
package dev.weft.uring;
