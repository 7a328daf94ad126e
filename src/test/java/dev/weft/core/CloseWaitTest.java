package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The wait every backend's close does before it frees memory the kernel may still use. */
class CloseWaitTest {
    @Test
    void returnsOnceTheConditionHolds() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread setter = Thread.ofVirtual().start(() -> {
            sleepQuietly(30);
            done.set(true);
        });
        assertThat(CloseWait.until(done::get, TimeUnit.SECONDS.toNanos(10))).isTrue();
        setter.join();
    }

    @Test
    void givesUpAtTheDeadline() {
        long start = System.nanoTime();
        assertThat(CloseWait.until(() -> false, TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void anInterruptNeitherEndsTheWaitNorIsLost() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread.currentThread().interrupt();
        Thread setter = Thread.ofVirtual().start(() -> {
            sleepQuietly(30);
            done.set(true);
        });
        assertThat(CloseWait.until(done::get, TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(Thread.interrupted()).as("interrupt status set again").isTrue();
        setter.join();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
