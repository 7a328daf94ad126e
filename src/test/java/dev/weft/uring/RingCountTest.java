package dev.weft.uring;

import dev.weft.WeftRuntime;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How many rings a runtime opens: as many as carriers that may wait in the kernel unless the
 * builder or {@code weft.completionThreads} says otherwise. Counted as the ring threads
 * (platform threads named weft-io_uring-N) that opening the runtime starts.
 */
class RingCountTest {
    private static final String PROPERTY = "weft.completionThreads";

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "io_uring needs Linux");
    }

    @Test
    void byDefaultOneRingPerCarrierThatMayWaitAndNeverNone() throws IOException {
        assumeTrue(System.getProperty(PROPERTY) == null, "-D" + PROPERTY + " is set for this run");
        int carriers = CarrierWaits.schedulerParallelism();
        int expected = Math.max(1, carriers / 2);
        assertThat(ringThreadsStartedBy(WeftRuntime.builder().backend("io_uring")))
                .as("rings for %d carriers", carriers)
                .isEqualTo(expected);
    }

    @Test
    void theBuilderCountWins() throws IOException {
        assertThat(ringThreadsStartedBy(WeftRuntime.builder().backend("io_uring").completionThreads(3)))
                .isEqualTo(3);
    }

    @Test
    void thePropertyWinsOverTheDefault() throws IOException {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "3");
        try {
            assertThat(ringThreadsStartedBy(WeftRuntime.builder().backend("io_uring"))).isEqualTo(3);
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    /** Opens a runtime and counts the ring threads that were not running before it opened. */
    private static int ringThreadsStartedBy(WeftRuntime.Builder builder) throws IOException {
        Set<Thread> before = ringThreads();
        try (WeftRuntime ignored = builder.open()) {
            Set<Thread> after = ringThreads();
            after.removeAll(before);
            return after.size();
        }
    }

    private static Set<Thread> ringThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().matches("weft-io_uring-\\d+"))
                .collect(Collectors.toSet());
    }
}
