package dev.weft.samples;

/**
 * Counts latencies in nanoseconds in log-linear buckets (64 per power of two, so a reported
 * percentile is within 1.6% of the true value) with constant memory and no allocation.
 * Not thread-safe: keep one per thread and {@link #add} them up.
 */
final class LatencyHistogram {
    private static final int SUB = 64;
    private final long[] counts = new long[SUB + 34 * SUB];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.min(Math.max(0, nanos), (1L << 40) - 1);   // clamp at 18 minutes
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The latency that {@code fraction} (e.g. 0.99) of the samples do not exceed. */
    long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);          // v in [2^exp, 2^(exp+1)), exp >= 6
        int sub = (int) (v >>> (exp - 6)) - SUB;              // 0..63
        return SUB + (exp - 6) * SUB + sub;
    }

    private static long upperBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exp = (index - SUB) / SUB + 6;
        int sub = (index - SUB) % SUB;
        return ((long) (SUB + sub + 1) << (exp - 6)) - 1;
    }
}
