package dev.weft.core;

import java.util.function.BooleanSupplier;

/**
 * The wait a close does for something the kernel still has to finish (handles released, final
 * completions, op contexts given back) before it may free the memory involved. It looks every
 * millisecond: these waits are short and rare, and what ends them has no one to signal it.
 * An interrupt does not end the wait, since giving up early means leaking that memory; the
 * interrupt status is set again when the wait is over.
 */
public final class CloseWait {
    private CloseWait() {
    }

    /**
     * Waits until {@code done} is true or {@code timeoutNanos} have passed.
     *
     * @return true if {@code done} became true in time
     */
    public static boolean until(BooleanSupplier done, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (!done.getAsBoolean()) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
