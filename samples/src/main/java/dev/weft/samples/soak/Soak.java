package dev.weft.samples.soak;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * weft's soak and scale commands (run by {@code ./run-soak}):
 *
 * <pre>
 *   soak SECONDS            mixed load for SECONDS: connect/echo/close churn, long checksummed
 *                           streams read with random tiny timeouts, peer resets and interrupts;
 *                           then proves nothing leaked (weft stats, /proc/self/fd)
 *   churn CYCLES            CYCLES connect/echo/close cycles, then the same leak checks
 *   parked-server PORT N    accepts N connections, parks a virtual thread in a read on each,
 *                           then answers each byte it gets (the far end of parked-client)
 *   parked-client PORT N    from another process: opens N connections to parked-server, waits
 *                           until all are accepted, sends one byte on each, checks every answer
 * </pre>
 *
 * Exit status 0 when every check passed. Figures go to standard output, one "[soak]" line each.
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "soak";
        boolean ok = switch (mode) {
            case "soak" -> soak(Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 600)).passed();
            case "churn" -> churn(args.length > 1 ? Integer.parseInt(args[1]) : 100_000).passed();
            case "parked-server" -> ParkedReaders.server(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "parked-client" -> ParkedReaders.client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        System.exit(ok ? 0 : 1);
    }

    /** What a run did and whether its leak checks passed. */
    public record Report(long cycles, long bytesVerified, long timeouts, long resets, long interrupts,
                         long failures, WeftStats end, long descriptorsBefore, long descriptorsAfter,
                         List<String> problems) {
        public boolean passed() {
            return problems.isEmpty();
        }
    }

    static InetAddress loopback() throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    }

    /** Socket and io_uring descriptors of this process from /proc/self/fd, or -1 off Linux. */
    public static long kernelDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (var list = Files.list(fds)) {
            return list.filter(Soak::isSocketOrRing).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether a /proc/self/fd entry is a socket or an io_uring instance. */
    public static boolean isSocketOrRing(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("socket:") || target.contains("io_uring");
        } catch (IOException | UnsupportedOperationException e) {
            return false; // the descriptor closed while listing (e.g. the listing's own)
        }
    }

    static byte at(long seed, long position) {
        long z = seed * 0x9E3779B97F4A7C15L + position * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (byte) (z ^ (z >>> 29));
    }

    public static Report churn(int cycles) throws Exception {
        return run(Duration.ZERO, cycles, false);
    }

    public static Report soak(Duration duration) throws Exception {
        return run(duration, Long.MAX_VALUE, true);
    }

    /**
     * The JDK keeps a descriptor or two of its own once a virtual thread first uses java.net
     * (its I/O poller): make that happen before the "before" count.
     */
    static void warmUpJdkSockets() throws Exception {
        Thread t = Thread.ofVirtual().start(() -> {
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, loopback()); Socket client = new Socket()) {
                client.connect(server.getLocalSocketAddress(), 10_000);
                try (Socket accepted = server.accept()) {
                    client.getOutputStream().write(1);
                    accepted.getInputStream().read();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        t.join();
    }

    private static Report run(Duration duration, long maxCycles, boolean faults) throws Exception {
        warmUpJdkSockets();
        long descriptorsBefore = kernelDescriptors();
        long end = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        AtomicLong cycles = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong resets = new AtomicLong();
        AtomicLong interrupts = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Flows flows = new Flows(Flows.SOAK_STALL_NANOS);
        WeftStats endStats;
        long start = System.nanoTime();
        try (WeftRuntime weft = WeftRuntime.builder().completionThreads(2).open()) {
            TcpListener listener = weft.listen(new InetSocketAddress(loopback(), 0));
            InetSocketAddress at = listener.localAddress();
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            try {
                threads.submit(() -> acceptLoop(listener, threads, flows));
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    workers.add(threads.submit(() -> churnLoop(weft, at, end, maxCycles, cycles, bytes, problems)));
                }
                if (faults) {
                    for (int w = 0; w < 16; w++) {
                        long seed = w;
                        workers.add(threads.submit(() -> streamLoop(weft, at, end, seed, bytes, timeouts, problems, flows)));
                    }
                    workers.add(threads.submit(() -> resetLoop(at, end, resets, problems)));
                    workers.add(threads.submit(() -> interruptLoop(weft, at, end, interrupts, problems)));
                }
                Thread reporter = Thread.ofVirtual().start(() -> {
                    try {
                        for (long tick = 1; ; tick++) {
                            Thread.sleep(1_000);
                            String stall = flows.closeStalled();
                            if (stall != null) {
                                report(problems, "a connection stalled (closed; " + weft.stats() + ")");
                                System.out.println("[soak] stall: " + stall);
                            }
                            if (tick % 10 == 0) {
                                System.out.printf("[soak] t=%ds cycles=%d bytes=%d timeouts=%d resets=%d interrupts=%d %s fds=%d%n",
                                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), cycles.get(), bytes.get(),
                                        timeouts.get(), resets.get(), interrupts.get(), weft.stats(), kernelDescriptors());
                            }
                        }
                    } catch (InterruptedException stop) {
                        // done
                    }
                });
                // Every wait below has a limit, so a stuck operation fails the run with a report.
                long workersDeadline = (end == Long.MAX_VALUE ? System.nanoTime() + TimeUnit.HOURS.toNanos(24) : end)
                        + TimeUnit.SECONDS.toNanos(120);
                for (Future<?> f : workers) {
                    try {
                        f.get(Math.max(0, workersDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        report(problems, "a load thread was still running 120 s after the end:" + flows.describe());
                        break;
                    }
                }
                reporter.interrupt();
            } finally {
                listener.close();
                threads.shutdown();
                if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                    report(problems, "connections still open 30 s after the load ended:" + flows.describe());
                    threads.shutdownNow(); // an interrupt closes each connection its thread is blocked on
                    if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
                        report(problems, "threads still blocked 30 s after being interrupted:" + flows.describe()
                                + "\n" + Flows.threadDump());
                    }
                }
            }
            endStats = settle(weft);
            if (endStats.liveOperations() != 0 || endStats.openHandles() != 0 || endStats.buffersInUse() != 0) {
                problems.add("not back to baseline after closing everything: " + endStats);
            }
        }
        long descriptorsAfter = kernelDescriptors();
        if (descriptorsBefore >= 0 && descriptorsAfter > descriptorsBefore) {
            problems.add("socket/io_uring descriptors: " + descriptorsBefore + " before, " + descriptorsAfter + " after");
        }
        Report r = new Report(cycles.get(), bytes.get(), timeouts.get(), resets.get(), interrupts.get(),
                problems.size(), endStats, descriptorsBefore, descriptorsAfter, List.copyOf(problems));
        System.out.printf("[soak] done in %.1f s: %d connect/echo/close cycles, %d bytes verified, %d read timeouts, "
                        + "%d peer resets, %d interrupts; end %s; socket+ring fds %d -> %d; %s%n",
                (System.nanoTime() - start) / 1e9, r.cycles(), r.bytesVerified(), r.timeouts(), r.resets(), r.interrupts(),
                endStats, descriptorsBefore, descriptorsAfter, r.passed() ? "PASSED" : "FAILED " + r.problems());
        return r;
    }

    /** Records a problem and prints it at once: a later hang must not hide it. */
    private static void report(ConcurrentLinkedQueue<String> problems, String problem) {
        problems.add(problem);
        System.out.println("[soak] problem: " + problem);
    }

    private static WeftStats settle(WeftRuntime weft) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        WeftStats s = weft.stats();
        while ((s.openHandles() != 0 || s.liveOperations() != 0 || s.buffersInUse() != 0) && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            s = weft.stats();
        }
        return s;
    }

    private static Void acceptLoop(TcpListener listener, ExecutorService threads, Flows flows) {
        try {
            while (true) {
                TcpConnection conn = listener.accept();
                threads.submit(() -> {
                    Flows.Flow flow = flows.open("echo of a client", conn);
                    try (conn) {
                        flow.name = "echo of client port " + conn.remoteAddress().getPort(); // fails once reset
                        byte[] b = new byte[8192];
                        int n;
                        while (true) {
                            flow.doing = "reading";
                            if ((n = conn.read(b, 0, b.length)) <= 0) {
                                break;
                            }
                            flow.received(n);
                            flow.doing = "writing " + n;
                            conn.write(b, 0, n);
                            flow.sent(n);
                        }
                    } catch (IOException peerWentAway) {
                        // resets and interrupts on the client side end echoes this way
                    } finally {
                        flows.close(flow);
                    }
                    return null;
                });
            }
        } catch (IOException closed) {
            return null;
        }
    }

    private static Void churnLoop(WeftRuntime weft, InetSocketAddress at, long end, long maxCycles, AtomicLong cycles,
                                  AtomicLong bytes, ConcurrentLinkedQueue<String> problems) {
        byte[] out = new byte[1024];
        byte[] in = new byte[1024];
        long cycle;
        while (System.nanoTime() - end < 0 && (cycle = cycles.getAndIncrement()) < maxCycles) {
            int length = 1 + (int) (cycle % out.length);
            for (int i = 0; i < length; i++) {
                out[i] = at(cycle, i);
            }
            try (TcpConnection conn = weft.connect(at, Duration.ofSeconds(30))) {
                conn.write(out, 0, length);
                conn.shutdownOutput();
                int got = 0;
                int n;
                while ((n = conn.read(in, got, in.length - got)) > 0) {
                    got += n;
                }
                for (int i = 0; i < length; i++) {
                    if (got != length || in[i] != out[i]) {
                        problems.add("churn cycle " + cycle + ": echo differs (" + got + " of " + length + " bytes)");
                        return null;
                    }
                }
                bytes.addAndGet(length);
            } catch (IOException e) {
                problems.add("churn cycle " + cycle + ": " + e);
                return null;
            }
        }
        if (maxCycles != Long.MAX_VALUE) {
            cycles.set(Math.min(cycles.get(), maxCycles));
        }
        return null;
    }

    /** A long connection: sends a checksummed stream and reads the echo with random tiny timeouts. */
    private static Void streamLoop(WeftRuntime weft, InetSocketAddress at, long end, long seed, AtomicLong bytes,
                                   AtomicLong timeouts, ConcurrentLinkedQueue<String> problems, Flows flows) {
        SplittableRandom random = new SplittableRandom(seed);
        while (System.nanoTime() - end < 0) {
            long s = random.nextLong();
            long length = random.nextLong(1, 4 << 20);
            Flows.Flow flow = null;
            try (TcpConnection conn = weft.connect(at, Duration.ofSeconds(30))) {
                Flows.Flow client = flows.open("stream " + seed + " (" + length + " bytes) from port "
                        + conn.localAddress().getPort(), conn);
                flow = client;
                Thread sender = Thread.ofVirtual().start(() -> {
                    byte[] chunk = new byte[16384];
                    long sent = 0;
                    try {
                        while (sent < length) {
                            int n = (int) Math.min(length - sent, 1 + random.nextInt(chunk.length));
                            for (int i = 0; i < n; i++) {
                                chunk[i] = at(s, sent + i);
                            }
                            conn.write(chunk, 0, n);
                            sent += n;
                            client.sent(n);
                        }
                        conn.shutdownOutput();
                    } catch (IOException e) {
                        problems.add("stream sender: " + e);
                    }
                });
                byte[] buf = new byte[16384];
                long pos = 0;
                SplittableRandom r2 = new SplittableRandom(s);
                while (true) {
                    conn.setReadTimeout(Duration.ofNanos(r2.nextLong(20_000, 2_000_000)));
                    int n;
                    try {
                        n = conn.read(buf, 0, 1 + r2.nextInt(buf.length));
                    } catch (SocketTimeoutException e) {
                        timeouts.incrementAndGet();
                        client.doing = "reading (last read timed out)";
                        continue;
                    }
                    if (n < 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != at(s, pos + i)) {
                            problems.add("stream " + seed + ": byte " + (pos + i) + " wrong (lost or duplicated)");
                            return null;
                        }
                    }
                    pos += n;
                    client.received(n);
                }
                sender.join();
                if (pos != length) {
                    problems.add("stream " + seed + ": " + pos + " of " + length + " bytes came back");
                    return null;
                }
                bytes.addAndGet(2 * length);
            } catch (IOException | InterruptedException e) {
                problems.add("stream " + seed + ": " + e);
                return null;
            } finally {
                if (flow != null) {
                    flows.close(flow);
                }
            }
        }
        return null;
    }

    /** java.net clients that send a little and reset (SO_LINGER 0): the server side must cope. */
    private static Void resetLoop(InetSocketAddress at, long end, AtomicLong resets, ConcurrentLinkedQueue<String> problems) {
        SplittableRandom random = new SplittableRandom(11);
        while (System.nanoTime() - end < 0) {
            try (Socket s = new Socket()) {
                s.connect(at, 30_000);
                OutputStream out = s.getOutputStream();
                out.write(new byte[random.nextInt(1, 100_000)]);
                LockSupport.parkNanos(random.nextLong(0, 2_000_000));
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                problems.add("reset client: " + e);
                return null;
            }
            resets.incrementAndGet();
            LockSupport.parkNanos(1_000_000);
        }
        return null;
    }

    /** weft readers interrupted while blocked: "Closed by interrupt", the rest keeps working. */
    private static Void interruptLoop(WeftRuntime weft, InetSocketAddress at, long end, AtomicLong interrupts,
                                      ConcurrentLinkedQueue<String> problems) {
        SplittableRandom random = new SplittableRandom(13);
        while (System.nanoTime() - end < 0) {
            try {
                TcpConnection conn = weft.connect(at, Duration.ofSeconds(30));
                Thread reader = Thread.ofVirtual().start(() -> {
                    try (conn) {
                        conn.read(new byte[16], 0, 16);
                        problems.add("interrupted read returned normally");
                    } catch (SocketException expected) {
                        if (!"Closed by interrupt".equals(expected.getMessage())) {
                            problems.add("interrupted read: " + expected);
                        }
                    } catch (IOException e) {
                        problems.add("interrupted read: " + e);
                    }
                });
                LockSupport.parkNanos(random.nextLong(0, 3_000_000));
                reader.interrupt();
                reader.join();
                interrupts.incrementAndGet();
            } catch (IOException | InterruptedException e) {
                problems.add("interrupt loop: " + e);
                return null;
            }
        }
        return null;
    }
}
