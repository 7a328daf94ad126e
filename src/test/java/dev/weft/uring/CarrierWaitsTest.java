package dev.weft.uring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** At most half the carriers may wait in the kernel at once, and never the only one. */
class CarrierWaitsTest {

    @Test
    void aSingleCarrierNeverWaits() {
        assertThat(new CarrierWaits(1).tryTake()).isFalse();
    }

    @Test
    void halfTheCarriersMayWaitAtOnceAndAWaitGivenBackIsFreeAgain() {
        CarrierWaits waits = new CarrierWaits(5);
        assertThat(waits.tryTake()).isTrue();
        assertThat(waits.tryTake()).isTrue();
        assertThat(waits.tryTake()).as("a third of five carriers").isFalse();
        waits.giveBack();
        assertThat(waits.tryTake()).isTrue();
    }
}
