package dev.weft.iocp;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * When a listener cannot keep its accepts posted because descriptors or buffers ran out
 * (WSAEMFILE, WSAENOBUFS), it retries after a delay that doubles from 1 ms up to 1 s and falls
 * back to nothing on the next accepted connection. Retrying at once would only spin at 100 % CPU
 * until some connection closes; failing the caller would end a server that a moment later could
 * serve again. Meanwhile the kernel's backlog holds the clients.
 *
 * <p>Exhaustion does not always say so: under Wine an AcceptEx whose new socket cannot get a
 * descriptor completes with WSAEINVAL, once per waiting client, at once. So
 * {@value #DROPS_BEFORE_BACKOFF} dropped connections in a row, with none accepted between, count
 * as exhaustion too.
 *
 * <p>At most one retry is scheduled at a time, on the backend's retry thread (started with the
 * backend: at the limit, starting a thread may itself fail), never on a completion thread.
 * Thread-safe.
 */
final class AcceptBackoff {
    private static final System.Logger LOG = System.getLogger("dev.weft.iocp");
    private static final long FIRST_DELAY_MILLIS = 1;
    private static final long MAX_DELAY_MILLIS = 1_000;
    static final int DROPS_BEFORE_BACKOFF = 16;

    private final Supplier<String> owner;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger dropsInARow = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The last delay used; 0 while accepts succeed. */
    private volatile long delayMillis;

    AcceptBackoff(Supplier<String> owner, ScheduledExecutorService scheduler) {
        this.owner = owner;
        this.scheduler = scheduler;
    }

    /** Schedules {@code retry} after the next delay, unless a retry is already scheduled. */
    void retryLater(int error, Runnable retry) {
        long last = delayMillis;
        if (last == 0) {
            LOG.log(System.Logger.Level.WARNING, () -> owner.get() + ": out of descriptors or buffers (os error "
                    + error + "); accepting resumes when some are freed");
        }
        long delay = last == 0 ? FIRST_DELAY_MILLIS : Math.min(2 * last, MAX_DELAY_MILLIS);
        delayMillis = delay;
        if (scheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    scheduled.set(false);
                    retry.run();
                }, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException backendClosed) {
                scheduled.set(false); // nothing left to retry for
            }
        }
    }

    /** True while a retry is scheduled: nobody else should post in the meantime. */
    boolean waiting() {
        return scheduled.get();
    }

    /** A connection was accepted: the next exhaustion starts from the shortest delay again. */
    void succeeded() {
        if (delayMillis != 0) {
            delayMillis = 0;
        }
        if (dropsInARow.get() != 0) {
            dropsInARow.set(0);
        }
    }

    /** A connection was dropped; true when that makes {@value #DROPS_BEFORE_BACKOFF} in a row. */
    boolean droppedTooManyInARow() {
        return dropsInARow.incrementAndGet() >= DROPS_BEFORE_BACKOFF;
    }
}
