package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void sizesAreRoundedUpToPowersOfTwo() throws Exception {
        try (BufferPool pool = new BufferPool()) {
            assertThat(pool.acquire(0).byteSize()).isEqualTo(1024);
            assertThat(pool.acquire(1025).byteSize()).isEqualTo(2048);
            assertThat(pool.acquire(65536).byteSize()).isEqualTo(65536);
            assertThat(pool.acquire(1).isNative()).isTrue();
        }
    }

    @Test
    void releasedBuffersAreReusedSoMemoryIsThePeakInUse() throws Exception {
        try (BufferPool pool = new BufferPool()) {
            MemorySegment first = pool.acquire(4096);
            pool.release(first);
            MemorySegment second = pool.acquire(3000);

            assertThat(second.address()).isEqualTo(first.address());
            assertThat(pool.allocatedBytes()).isEqualTo(4096);
            assertThat(pool.buffersInUse()).isEqualTo(1);
        }
    }

    @Test
    void outOfRangeSizesAreRejected() {
        try (BufferPool pool = new BufferPool()) {
            assertThatThrownBy(() -> pool.acquire(BufferPool.MAX_SIZE + 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> pool.acquire(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closeFreesEverythingAndReportsZeroBytes() throws Exception {
        BufferPool pool = new BufferPool();
        MemorySegment segment = pool.acquire(10);
        pool.release(segment);
        pool.close();

        assertThat(segment.scope().isAlive()).isFalse();
        assertThat(pool.allocatedBytes()).isZero();
        assertThatThrownBy(() -> pool.acquire(10)).isInstanceOf(SocketException.class);
    }

    @Test
    void aBufferLentOutWhenThePoolClosesStaysUsableUntilReleased() throws Exception {
        // A reader may still be copying bytes out of its buffer when the runtime closes.
        BufferPool pool = new BufferPool();
        MemorySegment lent = pool.acquire(10);
        pool.close();

        lent.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 7); // still alive
        assertThat(lent.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
        assertThatThrownBy(() -> pool.acquire(10)).isInstanceOf(SocketException.class);
        pool.release(lent);

        assertThat(lent.scope().isAlive()).as("freed with the last buffer back").isFalse();
        assertThat(pool.allocatedBytes()).isZero();
        assertThat(pool.buffersInUse()).isZero();
    }
}
