package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.samples.soak.Soak;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak for CI: {@link Soak}'s mixed load (churn, checksummed streams with tiny timeouts,
 * peer resets, interrupts) for {@code weft.soak.seconds} seconds, then its leak checks. Off
 * unless the property is set: CI runs it with 60, {@code ./run-soak} runs 600 outside CI.
 */
@Tag("soak60")
@EnabledIfSystemProperty(named = "weft.soak.seconds", matches = "\\d+")
class SoakTest {
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void mixedLoadWithFaultsLeavesNothingBehind() throws Exception {
        Soak.Report report = Soak.soak(Duration.ofSeconds(Long.getLong("weft.soak.seconds")));
        assertThat(report.problems()).isEmpty();
        assertThat(report.cycles()).isPositive();
        assertThat(report.end().openHandles()).isZero();
    }
}
