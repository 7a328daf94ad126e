package dev.weft.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The debug mode, on with the system property {@code weft.debug=true}: freed operations and
 * pooled buffers are poisoned, and a completion for an op that is not in flight (idle, already
 * done, or freed with its handle) is a <em>violation</em>: counted here, kept for the report, and
 * thrown as an {@link IllegalStateException}.
 *
 * <p>Violations are counted in every mode (they are always weft bugs); only the poisoning and
 * the extra checks cost something, and they run only when {@link #ENABLED}. A completion thread
 * that catches the exception keeps running, so tests must ask {@link #violations()}: a printed
 * stack trace alone is easy to miss.
 */
public final class Debug {
    /** True when {@code -Dweft.debug=true}. */
    public static final boolean ENABLED = Boolean.getBoolean("weft.debug");
    /** The byte written over freed buffers and op contexts in debug mode. */
    public static final byte POISON = (byte) 0xA5;
    /** What a freed op's result fields are set to in debug mode. */
    public static final long POISON_VALUE = 0xA5A5_A5A5_A5A5_A5A5L;

    private static final int KEPT = 16;
    private static final AtomicLong violations = new AtomicLong();
    private static final List<String> recent = new ArrayList<>(); // guarded by itself
    private static final AtomicLong slowCancels = new AtomicLong();
    private static volatile String lastSlowCancel;
    private static final System.Logger LOG = System.getLogger("dev.weft");

    private Debug() {
    }

    /**
     * Records a violation and returns the exception the caller throws.
     *
     * @param message what happened, naming the op or handle
     */
    public static IllegalStateException violation(String message) {
        violations.incrementAndGet();
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.remove(0);
            }
            recent.add(message);
        }
        return new IllegalStateException("weft: " + message);
    }

    /** Violations seen in this JVM since it started. */
    public static long violations() {
        return violations.get();
    }

    /** The last few violation messages, oldest first. */
    public static List<String> recentViolations() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /**
     * Reports a cancelled op whose completion is long overdue (see {@link PendingOp#await}): a
     * device that cannot cancel what it started, or a weft bug that left the op with nobody to
     * complete it. Logged as a warning and counted, in every mode; the op is still waited for.
     */
    static void slowCancel(String message) {
        slowCancels.incrementAndGet();
        lastSlowCancel = message;
        LOG.log(System.Logger.Level.WARNING, "weft: " + message);
    }

    /** Slow cancels reported in this JVM since it started. */
    public static long slowCancels() {
        return slowCancels.get();
    }

    /** The message of the last slow cancel reported, or null. */
    public static String lastSlowCancel() {
        return lastSlowCancel;
    }

    /** Fills {@code memory} with {@link #POISON} when the debug mode is on; otherwise does nothing. */
    public static void poison(MemorySegment memory) {
        if (ENABLED) {
            memory.fill(POISON);
        }
    }
}
