package dev.weft;

import java.time.Duration;
import java.util.Objects;

/** Converts user timeouts, where zero means "wait forever" as in java.net. */
final class Timeouts {
    private Timeouts() {
    }

    static long toNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return 0; // longer than ~292 years: the same as no timeout
        }
    }
}
