package dev.weft.samples.soak;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The byte counts of every connection the soak has open, on both ends, so that a connection that
 * stops moving is reported with where its bytes stopped (the client's sender, the echo server's
 * read or write, the client's reader) and closed, instead of hanging the run.
 */
final class Flows {
    /** How long a soak connection may go without a byte while its owner waits on it. */
    static final long SOAK_STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One connection end: its counters, what its thread is doing, and how to close it. */
    static final class Flow {
        volatile String name;
        final AtomicLong in = new AtomicLong();
        final AtomicLong out = new AtomicLong();
        volatile String doing = "starting";
        volatile long lastProgress = System.nanoTime();
        private final Closeable connection;
        private volatile boolean reported;

        private Flow(String name, Closeable connection) {
            this.name = name;
            this.connection = connection;
        }

        void received(long n) {
            in.addAndGet(n);
            lastProgress = System.nanoTime();
        }

        void sent(long n) {
            out.addAndGet(n);
            lastProgress = System.nanoTime();
        }

        private boolean stalledFor(long nanos) {
            return System.nanoTime() - lastProgress > nanos;
        }

        @Override
        public String toString() {
            return name + ": in " + in.get() + ", out " + out.get() + ", " + doing + ", idle "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgress) + " ms";
        }
    }

    private final Map<Flow, Boolean> open = new ConcurrentHashMap<>();
    private final long stallNanos;

    /** @param stallNanos how long a connection may move no byte before {@link #closeStalled} ends it */
    Flows(long stallNanos) {
        this.stallNanos = stallNanos;
    }

    /** Tracks one end of a connection until {@link #close}; {@code connection} ends it on a stall. */
    Flow open(String name, Closeable connection) {
        Flow flow = new Flow(name, connection);
        open.put(flow, Boolean.TRUE);
        return flow;
    }

    void close(Flow flow) {
        open.remove(flow);
    }

    /**
     * The connections that moved no byte for the stall time, each reported once: the report
     * names every open connection and where every thread waits; then each stalled connection is
     * closed, which ends the operations its threads wait in (unless the OS never completes them).
     *
     * @return the report, or null when nothing new stalled
     */
    String closeStalled() {
        List<Flow> stalled = new ArrayList<>();
        for (Flow flow : open.keySet()) {
            if (!flow.reported && flow.stalledFor(stallNanos)) {
                flow.reported = true;
                stalled.add(flow);
            }
        }
        if (stalled.isEmpty()) {
            return null;
        }
        String report = "no byte moved for " + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms on " + stalled
                + "; open connections:" + describe() + "\nthreads:\n" + threadDump();
        for (Flow flow : stalled) {
            try {
                flow.connection.close();
            } catch (IOException | RuntimeException e) {
                report += "\nclosing " + flow.name + " failed: " + e;
            }
        }
        return report;
    }

    /** Every open flow, one per line. */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (Flow flow : open.keySet()) {
            s.append("\n    ").append(flow);
        }
        return s.toString();
    }

    /** Where every thread is, virtual threads included: which end of a connection waits in which call. */
    static String threadDump() {
        try {
            // Not Files.createTempFile: its SecureRandom seeds itself from the network interfaces,
            // whose enumeration crashes the JVM under Wine.
            Path file = Path.of(System.getProperty("java.io.tmpdir"), "weft-soak-threads-"
                    + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".txt");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
                return Files.readString(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            return "(no thread dump: " + e + ")";
        }
    }
}
