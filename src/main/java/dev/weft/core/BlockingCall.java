package dev.weft.core;

import dev.weft.core.PendingOp.Wake;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * The one blocking path every handle's operation takes, whatever the handle (stream socket,
 * datagram socket): check the interrupt, arm, let the backend start the op, park, and settle
 * the op however the wait ends. The caller brackets it with the handle's enter/exit and starts
 * the op itself between {@link PendingOp#arm()} and {@link #await}, so nothing is allocated
 * here per operation.
 */
final class BlockingCall {
    private BlockingCall() {
    }

    /** As java.net does on virtual threads: a call made with the interrupt set closes the handle. */
    static void closeIfInterrupted(NativeHandle handle) throws SocketException {
        if (Thread.currentThread().isInterrupted()) {
            handle.close();
            throw new SocketException("Closed by interrupt");
        }
    }

    /** The deadline for a timeout in nanos (0: none), as {@link PendingOp#await} takes it. */
    static long deadlineAfter(long timeoutNanos) {
        if (timeoutNanos == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        return deadline == 0 ? 1 : deadline; // 0 means "no deadline"
    }

    /**
     * Waits for the op the caller just started. Returns with the op DONE (not yet consumed);
     * if the waiter dies meanwhile (an Error), the op is still settled before the throw, since
     * the kernel may own its memory until its one completion.
     */
    static Wake await(NativeHandle handle, PendingOp op, long deadline, Runnable cancel) {
        try {
            // A close that ran before the submission finished found nothing to cancel:
            // cancel here, after the submission, so the waiter below cannot sleep forever.
            if (handle.isClosed() && !op.isDone()) {
                op.markCancelRequested();
                cancel.run();
            }
            return op.await(deadline, cancel);
        } catch (Throwable t) {
            handle.settleAfterFailure(op, ignored -> cancel.run());
            throw t;
        }
    }

    /**
     * The exception for an op that ended with {@code error}: the handle's closed exception if it
     * was closed meanwhile, a timeout, "Closed by interrupt" (closing the handle), or the error.
     */
    static IOException failure(NativeHandle handle, SocketError error, int code, Wake wake,
                               String timeoutMessage, String context) {
        if (handle.isClosed()) {
            return handle.closedException();
        }
        return switch (wake) {
            case TIMED_OUT -> new SocketTimeoutException(timeoutMessage);
            case INTERRUPTED -> {
                handle.close();
                yield new SocketException("Closed by interrupt");
            }
            case COMPLETED -> error.toException(code, context);
        };
    }
}
