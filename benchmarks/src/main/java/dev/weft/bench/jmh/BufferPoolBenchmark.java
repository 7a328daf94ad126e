package dev.weft.bench.jmh;

import dev.weft.core.BufferPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost of getting a native buffer for one heap-array operation and giving it back:
 * {@link BufferPool#acquire}/{@link BufferPool#release} against the naive alternative, a
 * confined {@link Arena} per operation ({@code Arena.ofConfined().allocate(size, 64)} then
 * {@code close()}: malloc, zeroing and free each time).
 *
 * <p>{@code *Contended}: two threads at once on one shared pool (arenas are per thread by
 * nature, so there it is malloc/free from two threads).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class BufferPoolBenchmark {

    @Param({"1024", "65536"})
    public int size;

    private BufferPool pool;

    @Setup(Level.Trial)
    public void open() throws java.net.SocketException {
        pool = new BufferPool();
        // Warm the free lists so the measured loop reuses buffers instead of allocating them.
        MemorySegment a = pool.acquire(size);
        MemorySegment b = pool.acquire(size);
        pool.release(a);
        pool.release(b);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }

    private long poolRoundTrip() throws java.net.SocketException {
        MemorySegment segment = pool.acquire(size);
        long address = segment.address();
        pool.release(segment);
        return address;
    }

    private long arenaRoundTrip() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(size, 64).address();
        }
    }

    @Benchmark
    @Threads(1)
    public long pool() throws java.net.SocketException {
        return poolRoundTrip();
    }

    @Benchmark
    @Threads(1)
    public long arena() {
        return arenaRoundTrip();
    }

    @Benchmark
    @Threads(2)
    public long poolContended() throws java.net.SocketException {
        return poolRoundTrip();
    }

    @Benchmark
    @Threads(2)
    public long arenaContended() {
        return arenaRoundTrip();
    }
}
