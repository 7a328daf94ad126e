package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.core.BufferPool;
import dev.weft.core.Debug;
import dev.weft.core.PendingOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The checks behind the debug mode ({@code -Dweft.debug=true}), driven directly on core pieces:
 * a completion for an op that is not in flight is always a counted violation that changes
 * nothing; in debug mode a released handle's ops are freed and poisoned, and pooled buffers are
 * poisoned on release and guarded against double release. (The rest of the reliability suite
 * asserts, after every test, that no violation happened.)
 */
class DebugModeTest {

    @Test
    void aCompletionForAnIdleOpIsAViolationAndChangesNothing() {
        PendingOp op = new PendingOp();
        long before = Debug.violations();
        assertThatThrownBy(() -> op.complete(5)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("weft: completion (result 5) for an op that is not in flight: PendingOp@")
                .hasMessageEndingWith("[state=IDLE]");
        assertThat(Debug.violations() - before).isEqualTo(1);
        assertThat(Debug.recentViolations()).last().asString().contains("[state=IDLE]");
        op.arm(); // still usable: the stray completion did not move it
        op.complete(3);
        op.consume();
    }

    @Test
    void aSecondCompletionIsAViolationAndKeepsTheFirstResult() {
        PendingOp op = new PendingOp();
        op.arm();
        op.complete(42);
        long before = Debug.violations();
        assertThatThrownBy(() -> op.fail(dev.weft.core.SocketError.CONNECTION_RESET, 104))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("completion (CONNECTION_RESET) for an op that is not in flight")
                .hasMessageEndingWith("[state=DONE]");
        assertThat(Debug.violations() - before).isEqualTo(1);
        assertThat(op.value()).as("the waiter still reads the first completion").isEqualTo(42);
        assertThat(op.error()).isNull();
        op.consume();
    }

    @Test
    void inDebugModeAFreedOpIsPoisonedAndRefusesCompletionsAndReuse() {
        assumeTrue(Debug.ENABLED, "run with -Dweft.debug=true");
        PendingOp op = new PendingOp();
        op.retire();
        assertThat(op.value()).isEqualTo(Debug.POISON_VALUE);
        long before = Debug.violations();
        assertThatThrownBy(() -> op.complete(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("[state=FREED]");
        assertThatThrownBy(op::arm).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("weft: arm of an op whose handle was released");
        assertThat(Debug.violations() - before).isEqualTo(2);

        PendingOp busy = new PendingOp();
        busy.arm();
        assertThatThrownBy(busy::retire).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("weft: op retired while ARMED");
    }

    @Test
    void inDebugModePooledBuffersArePoisonedOnReleaseAndCannotBeReleasedTwice() throws Exception {
        assumeTrue(Debug.ENABLED, "run with -Dweft.debug=true");
        try (BufferPool pool = new BufferPool()) {
            MemorySegment buffer = pool.acquire(100);
            buffer.fill((byte) 1);
            pool.release(buffer);
            assertThat(buffer.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo(Debug.POISON);
            assertThat(buffer.get(ValueLayout.JAVA_BYTE, buffer.byteSize() - 1)).isEqualTo(Debug.POISON);
            long before = Debug.violations();
            assertThatThrownBy(() -> pool.release(buffer)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("weft: release of a pooled buffer that is not acquired");
            assertThat(Debug.violations() - before).isEqualTo(1);
            assertThat(pool.buffersInUse()).isZero();
        }
    }
}
