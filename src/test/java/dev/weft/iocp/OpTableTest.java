package dev.weft.iocp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.core.Accounting;
import dev.weft.core.Debug;
import java.lang.foreign.ValueLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The op-context pool on its own (no completion port): its chunks are reported to the
 * accounting and freed when no context is in use, and a packet naming a released context is a
 * {@link Debug#violation}, never a dispatch.
 */
class OpTableTest {
    private static final Completion NOBODY = (bytes, scratch) -> { };

    @BeforeAll
    static void windowsOnly() {
        // OpContext's layout holds the Windows linker's captured call state.
        assumeTrue(System.getProperty("os.name", "").startsWith("Windows"), "IOCP is Windows only");
    }

    @Test
    void chunksAreCountedAndTheExtraOnesFreedWhenNoContextIsInUse() throws IOException {
        Accounting accounting = new Accounting();
        OpTable table = new OpTable(accounting);
        long chunk = accounting.nativeBytes();
        assertThat(chunk).as("the first chunk").isEqualTo(OpContext.LAYOUT.byteSize() * table.capacity());

        int firstChunk = table.capacity();
        List<OpContext> held = new ArrayList<>();
        for (int i = 0; i < firstChunk + 1; i++) {
            held.add(table.acquire(NOBODY));
        }
        assertThat(accounting.nativeBytes()).as("two chunks").isEqualTo(2 * chunk);
        held.forEach(table::release);
        assertThat(accounting.nativeBytes()).as("back to the first chunk").isEqualTo(chunk);
        table.release(table.acquire(NOBODY)); // the pool still works after the trim

        table.close();
        assertThat(accounting.nativeBytes()).as("after close").isZero();
    }

    @Test
    void closingWaitsForAContextTakenWhileTheRuntimeClosedAndThenRefusesNewOnes() throws Exception {
        Accounting accounting = new Accounting();
        OpTable table = new OpTable(accounting);
        OpContext late = table.acquire(NOBODY); // a handle born during the close, not yet live
        Thread creator = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            table.release(late); // its creator found the runtime closed
        });
        assertThat(table.closeWhenUnused(10_000)).as("freed once the late context came back").isTrue();
        creator.join();
        assertThat(accounting.nativeBytes()).as("after close").isZero();
        assertThatThrownBy(() -> table.acquire(NOBODY)).isInstanceOf(IOException.class)
                .hasMessage("weft iocp backend is closed");
        assertThat(table.closeWhenUnused(0)).as("closing again: done at once").isTrue();
    }

    @Test
    void closingLeaksRatherThanFreesAContextStillInUse() throws IOException {
        Accounting accounting = new Accounting();
        OpTable table = new OpTable(accounting);
        OpContext held = table.acquire(NOBODY);
        long before = accounting.nativeBytes();
        assertThat(table.closeWhenUnused(20)).isFalse();
        assertThat(accounting.nativeBytes()).as("kept while in use").isEqualTo(before);
        held.resetOverlapped(); // the memory is still there to write
        table.release(held);
        table.close();
        assertThat(accounting.nativeBytes()).isZero();
    }

    @Test
    void aPacketForAReleasedContextIsAViolation() throws IOException {
        OpTable table = new OpTable(new Accounting());
        OpContext context = table.acquire(NOBODY);
        context.resetOverlapped();
        assertThat(table.targetOf(context.struct.address())).isSameAs(NOBODY);
        table.release(context);

        long before = Debug.violations();
        assertThatThrownBy(() -> table.targetOf(context.struct.address()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in use");
        assertThat(Debug.violations() - before).isEqualTo(1);
        table.close();
    }

    @Test
    void inDebugModeAReleasedContextIsPoisonedAndAStalePacketAfterReuseIsAViolation() throws IOException {
        assumeTrue(Debug.ENABLED, "run with -Dweft.debug=true");
        OpTable table = new OpTable(new Accounting());
        OpContext context = table.acquire(NOBODY);
        table.release(context);
        assertThat(context.struct.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo(Debug.POISON);
        assertThat(context.struct.get(ValueLayout.JAVA_LONG, OpContext.SLOT_OFFSET)).isEqualTo(context.slot);

        List<OpContext> others = new ArrayList<>();
        OpContext again;
        while ((again = table.acquire(NOBODY)) != context) { // the same context, taken back, not yet submitted
            others.add(again);
        }
        OpContext reused = again;
        long before = Debug.violations();
        assertThatThrownBy(() -> table.targetOf(reused.struct.address()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("poisoned");
        assertThat(Debug.violations() - before).isEqualTo(1);
        reused.resetOverlapped(); // a submission clears the poison
        assertThat(table.targetOf(reused.struct.address())).isSameAs(NOBODY);
        table.release(reused);
        others.forEach(table::release);
        table.close();
    }
}
