package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connect / echo / close cycles, several at a time, with no leak: weft's handle count and the
 * OS's socket descriptors are back where they started, every echo verified. CI runs
 * {@code weft.reliability.churnCycles} cycles (20,000 natively); the soak command runs 100,000.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChurnTest {
    static final int CYCLES = Streams.count("weft.reliability.churnCycles", 20_000, 2_000);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void connectEchoCloseCyclesLeakNoHandleAndNoDescriptor() throws Exception {
        WeftRuntime weft = leaks.runtime();
        long descriptorsBefore = LeakCheck.kernelDescriptors();
        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        long start = System.nanoTime();
        long bytes = churn(weft, listener, CYCLES, 8);
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.close();
        var settled = LeakCheck.awaitBaseline(weft, weft.stats());
        assertThat(settled.openHandles()).as("handles after %d cycles", CYCLES).isZero();
        long descriptorsAfter = LeakCheck.kernelDescriptors();
        System.out.printf("[weft reliability] churn: %d connect/echo/close cycles in %.1f s (%.0f/s), %d bytes verified, "
                + "socket+ring fds before %d after %d, %s%n", CYCLES, seconds, CYCLES / seconds, bytes,
                descriptorsBefore, descriptorsAfter, settled);
        if (descriptorsBefore >= 0) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (descriptorsAfter > descriptorsBefore && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
                descriptorsAfter = LeakCheck.kernelDescriptors();
            }
            assertThat(descriptorsAfter).as("socket and ring descriptors after churn").isEqualTo(descriptorsBefore);
        }
    }

    /**
     * Runs {@code cycles} connect/echo/close cycles on {@code parallel} virtual threads against an
     * echo loop on {@code listener}; returns the bytes echoed and verified.
     */
    static long churn(WeftRuntime weft, TcpListener listener, int cycles, int parallel) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong verified = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> server = threads.submit(() -> {
                try {
                    while (true) {
                        TcpConnection conn = listener.accept();
                        threads.submit(() -> echo(conn));
                    }
                } catch (IOException closed) {
                    return null;
                }
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int p = 0; p < parallel; p++) {
                clients.add(threads.submit(() -> {
                    byte[] out = new byte[512];
                    byte[] in = new byte[512];
                    long cycle;
                    while ((cycle = next.getAndIncrement()) < cycles) {
                        int length = 1 + (int) (cycle % out.length);
                        Streams.fill(cycle, 0, out, 0, length);
                        try (TcpConnection conn = weft.connect(listener.localAddress(), Duration.ofSeconds(30))) {
                            conn.write(out, 0, length);
                            conn.shutdownOutput();
                            Streams.Verifier v = new Streams.Verifier(cycle, "churn cycle " + cycle);
                            int n;
                            while ((n = conn.read(in, 0, in.length)) > 0) {
                                v.accept(in, 0, n);
                            }
                            assertThat(v.position()).isEqualTo(length);
                            verified.addAndGet(length);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> c : clients) {
                c.get();
            }
            listener.close();
            server.get(30, TimeUnit.SECONDS);
        }
        return verified.get();
    }

    private static Void echo(TcpConnection conn) throws IOException {
        try (conn) {
            byte[] buffer = new byte[512];
            int n;
            while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                conn.write(buffer, 0, n);
            }
        }
        return null;
    }
}
