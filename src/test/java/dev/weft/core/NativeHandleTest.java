package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The release rule: the OS handle goes only after the last operation on it has completed. */
class NativeHandleTest {

    /** A handle that counts what the core asks of it; no OS involved. */
    private static final class CountingHandle extends NativeHandle {
        final AtomicInteger cancels = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();

        CountingHandle(LiveHandles live) {
            super(live);
        }

        @Override
        protected void cancelInFlight() {
            cancels.incrementAndGet();
        }

        @Override
        protected void release() {
            releases.incrementAndGet();
        }
    }

    @Test
    void closeWithNothingInFlightReleasesAtOnce() {
        LiveHandles live = new LiveHandles();
        CountingHandle handle = new CountingHandle(live);
        assertThat(live.count()).isEqualTo(1);

        handle.close();

        assertThat(handle.releases).hasValue(1);
        assertThat(handle.cancels).hasValue(0);
        assertThat(live.count()).isZero();
    }

    @Test
    void closeWithOperationsInFlightCancelsAndReleasesAfterTheLastOne() throws SocketException {
        LiveHandles live = new LiveHandles();
        CountingHandle handle = new CountingHandle(live);
        handle.enter();
        handle.enter();

        handle.close();
        assertThat(handle.cancels).hasValue(1);
        assertThat(handle.releases).as("still two ops in the kernel").hasValue(0);

        handle.exit();
        assertThat(handle.releases).hasValue(0);
        handle.exit();
        assertThat(handle.releases).hasValue(1);
        assertThat(live.count()).isZero();
    }

    @Test
    void noOperationStartsAfterCloseAndDoubleCloseIsHarmless() {
        CountingHandle handle = new CountingHandle(new LiveHandles());
        handle.close();
        handle.close();

        assertThatThrownBy(handle::enter).isInstanceOf(SocketException.class).hasMessage("Socket closed");
        assertThat(handle.releases).hasValue(1);
    }
}
