package dev.weft.bench.jmh;

import dev.weft.core.PendingOp;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
 * What one completion costs the thread that waits for it, with no kernel involved: a virtual
 * thread arms a {@link PendingOp}, hands it to a completer thread and parks in
 * {@link PendingOp#await}; the completer calls {@link PendingOp#complete} (which unparks the
 * waiter) and parks again until the next op arrives.
 *
 * <p>Peer ({@link #lockSupportFloor}): the same hand-off with bare {@link LockSupport}
 * park/unpark and a volatile flag, i.e. the floor any park-based completion can reach. The
 * difference between the two is what PendingOp's state machine adds.
 *
 * <p>{@code completer}: {@code platform} stands in for a completion thread blocked in the
 * kernel (IOCP's completion threads, io_uring's idle waiter); {@code virtual} for io_uring's
 * reaper, a virtual thread whose unparks queue the waiter on its own carrier.
 *
 * <p>The benchmark thread is itself a virtual thread ({@code -Djmh.executor=VIRTUAL}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.executor=VIRTUAL"})
@Threads(1)
@State(Scope.Thread)
public class ParkUnparkBenchmark {

    @Param({"platform", "virtual"})
    public String completer;

    /** The item handed to the completer: a PendingOp, or the waiting thread for the floor. */
    private final AtomicReference<Object> handoff = new AtomicReference<>();
    /** The floor's "completed" flag, set by the completer before it unparks the waiter. */
    private volatile boolean floorDone;
    private volatile boolean running;
    private Thread completerThread;
    private final PendingOp op = new PendingOp();

    @Setup(Level.Trial)
    public void startCompleter() {
        VirtualThreads.requireVirtualBenchmarkThread();
        running = true;
        Thread.Builder builder = "virtual".equals(completer)
                ? Thread.ofVirtual()
                : Thread.ofPlatform().daemon();
        completerThread = builder.name("bench-completer").start(this::completeLoop);
    }

    @TearDown(Level.Trial)
    public void stopCompleter() throws InterruptedException {
        running = false;
        LockSupport.unpark(completerThread);
        completerThread.join();
    }

    /** Stands in for a completion thread: takes each handed-off item and completes it. */
    private void completeLoop() {
        while (running) {
            Object item = handoff.getAndSet(null);
            if (item == null) {
                LockSupport.park(this);
            } else if (item instanceof PendingOp pending) {
                pending.complete(1);
            } else {
                floorDone = true;
                LockSupport.unpark((Thread) item);
            }
        }
    }

    /** arm, hand to the completer, await, consume: one completion round trip. */
    @Benchmark
    public long pendingOpRoundTrip() {
        op.arm();
        handoff.set(op);
        LockSupport.unpark(completerThread);
        op.awaitUninterruptibly();
        long result = op.value();
        op.consume();
        return result;
    }

    /** The same round trip with bare park/unpark and a volatile flag. */
    @Benchmark
    public boolean lockSupportFloor() {
        floorDone = false;
        handoff.set(Thread.currentThread());
        LockSupport.unpark(completerThread);
        while (!floorDone) {
            LockSupport.park(this);
        }
        return floorDone;
    }
}
