package dev.weft.uring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The chunks a socket's multishot recv delivered and no reader has taken yet, as {@code long}
 * entries (see {@link MultishotReceiver} for their encoding), in arrival order.
 *
 * <p>Single producer (the thread holding the ring's reaping turn), single consumer at a
 * time (a reader, or the reaping thread serving a waiting reader; {@link MultishotReceiver}
 * hands the consumer role over through a CAS, which orders their accesses). No lock, no
 * allocation while the queue stays within its capacity: it is a ring over a small array that
 * grows (rarely: only while a reader lags behind) by linking a twice-as-large array, which the
 * consumer follows when it meets {@link #JUMP} where the next entry would be.
 */
final class ChunkQueue {
    /** Never a valid entry: "the rest is in the next array". */
    private static final long JUMP = -1L;
    private static final int INITIAL = 8;

    private static final VarHandle PRODUCED;
    private static final VarHandle CONSUMED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCED = l.findVarHandle(ChunkQueue.class, "produced", long.class);
            CONSUMED = l.findVarHandle(ChunkQueue.class, "consumed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Segment {
        final long[] entries;
        Segment next; // published by the release store of produced that follows it

        Segment(int capacity) {
            entries = new long[capacity];
        }
    }

    @SuppressWarnings("unused") // through PRODUCED
    private volatile long produced;
    @SuppressWarnings("unused") // through CONSUMED
    private volatile long consumed;
    private Segment producerSegment;
    private Segment consumerSegment;

    ChunkQueue() {
        producerSegment = consumerSegment = new Segment(INITIAL);
    }

    /** Producer: appends {@code entry} (never {@link #JUMP}). */
    void offer(long entry) {
        long p = (long) PRODUCED.getOpaque(this);
        Segment s = producerSegment;
        int capacity = s.entries.length;
        // One slot always stays free, so that a JUMP can be written where the consumer looks next.
        if (p - (long) CONSUMED.getAcquire(this) >= capacity - 1) {
            Segment bigger = new Segment(capacity * 2);
            bigger.entries[(int) (p & (capacity * 2 - 1))] = entry;
            s.next = bigger;
            s.entries[(int) (p & (capacity - 1))] = JUMP;
            producerSegment = bigger;
        } else {
            s.entries[(int) (p & (capacity - 1))] = entry;
        }
        // Volatile, not just release: the producer then reads the receiver's waiting-reader slot,
        // and a reader that publishes itself there then reads this (see MultishotReceiver).
        PRODUCED.setVolatile(this, p + 1);
    }

    /** Consumer: the oldest entry, or 0 when empty ({@code 0} is never a valid entry either). */
    long peek() {
        long c = (long) CONSUMED.getOpaque(this);
        if (c == (long) PRODUCED.getAcquire(this)) {
            return 0;
        }
        Segment s = consumerSegment;
        long e = s.entries[(int) (c & (s.entries.length - 1))];
        if (e == JUMP) {
            s = s.next;
            consumerSegment = s;
            e = s.entries[(int) (c & (s.entries.length - 1))];
        }
        return e;
    }

    /** Consumer: drops the entry {@link #peek} returned. */
    void remove() {
        CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + 1);
    }

    /** True when no entry is queued; any thread may ask. */
    boolean isEmpty() {
        return (long) CONSUMED.getVolatile(this) == (long) PRODUCED.getVolatile(this);
    }
}
