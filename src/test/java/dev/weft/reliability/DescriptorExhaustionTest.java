package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server out of descriptors (a child JVM under {@code ulimit -n 256}, more clients than that)
 * keeps its listener: while at the limit its accept loop hears the failures at a bounded rate
 * and the process uses little CPU (no retry spin); once clients leave, it serves again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {
    private static final int LIMIT = 256;
    private static final int CLIENTS_BEYOND = 400;
    private static final long MEASURE_MILLIS = 3000;

    @Test
    void listenerSurvivesDescriptorExhaustionWithoutSpinningAndServesAgain() throws Exception {
        assumeFalse(Streams.isWindows(), "needs ulimit and /proc/PID/stat (Linux); IOCP's exhaustion test is the IOCP lane's");
        List<String> java = ChildJvm.command(List.of("-Xss512k"), LowDescriptorEchoServer.class);
        Process child = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + "; exec \"$@\"", "child")
                .redirectErrorStream(true).command(withBash(java)).start();
        AtomicInteger acceptFailures = new AtomicInteger();
        List<Socket> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("child's first line").startsWith("PORT ");
            int port = Integer.parseInt(first.substring(5).trim());
            Thread.ofVirtual().start(() -> drain(out, acceptFailures));
            assertEchoes(port, -1); // warm: the echo path is compiled and running
            double idleShare = coreShare(child.pid()); // what the idle server costs anyway

            for (int i = 0; i < CLIENTS_BEYOND; i++) {
                clients.add(new Socket(Streams.loopback(), port)); // the kernel's backlog takes them
            }
            awaitAtLeast(acceptFailures, 1, "the server to run out of descriptors");
            long failuresBefore = acceptFailures.get();
            double limitShare = coreShare(child.pid());
            long failures = acceptFailures.get() - failuresBefore;
            System.out.printf("[weft reliability] idle server: %.1f%% of a core; at the descriptor limit: %.1f%% of a "
                    + "core, %d failed accepts reported in %d ms%n", 100 * idleShare, 100 * limitShare, failures,
                    MEASURE_MILLIS);
            assertThat(limitShare - idleShare).as("CPU share of a core added while out of descriptors")
                    .isLessThan(0.25);
            assertThat(failures).as("failed accepts reported in %d ms (paced, not a spin)", MEASURE_MILLIS)
                    .isLessThan(MEASURE_MILLIS);

            for (Socket client : clients) {
                client.close();
            }
            clients.clear();
            for (int i = 0; i < 20; i++) {
                assertEchoes(port, i);
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static List<String> withBash(List<String> java) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$@\"", "child"));
        command.addAll(java);
        return command;
    }

    private static void drain(BufferedReader out, AtomicInteger acceptFailures) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACCEPT FAILED")) {
                    acceptFailures.incrementAndGet();
                } else {
                    System.out.println("[child] " + line);
                }
            }
        } catch (IOException ended) {
            // the child exited
        }
    }

    private static void awaitAtLeast(AtomicInteger counter, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (counter.get() < n) {
            assertThat(System.nanoTime() - deadline).as("waiting for %s", what).isNegative();
            Thread.sleep(10);
        }
    }

    /** The share of one core the process used over the next {@link #MEASURE_MILLIS}. */
    private static double coreShare(long pid) throws IOException, InterruptedException {
        long before = cpuTicks(pid);
        Thread.sleep(MEASURE_MILLIS); // a measurement window, not a wait for a race
        long ticks = cpuTicks(pid) - before;
        long hz = 100; // USER_HZ on every Linux architecture weft runs on
        return ticks / (double) hz / (MEASURE_MILLIS / 1000.0);
    }

    /** utime + stime of a process, in clock ticks, from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat(5)
    }

    private static void assertEchoes(int port, int seed) throws IOException {
        byte[] sent = new byte[100];
        Streams.fill(seed, 0, sent, 0, sent.length);
        try (Socket client = new Socket(Streams.loopback(), port)) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write(sent);
            byte[] back = client.getInputStream().readNBytes(sent.length);
            assertThat(back).as("echo %d after descriptors were freed", seed).isEqualTo(sent);
        }
    }
}
