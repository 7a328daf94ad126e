package dev.weft.loom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Completion handling must never block on anything but the kernel wait (invariant 8): a
 * completion path that parks or waits for a monitor stalls every connection behind it.
 *
 * <p>Where completions are handled differs by backend: IOCP dequeues on platform threads named
 * {@code weft-iocp-*}; io_uring reaps on a virtual reaper thread and on submitting threads that
 * reap what is already posted, always through {@code CompletionRouter.handle}. So while echo,
 * accept churn and read timeouts run on two completion threads, JFR records every park, monitor
 * enter/wait and sleep (threshold 0) on every thread, and any of them that happened on an IOCP
 * completion thread or inside a completion handler is a failure. A sampler also checks the
 * states of the platform completion threads every millisecond. (The io_uring reaper parking
 * when idle is by design and does not run inside a handler.)
 */
@Timeout(180)
class CompletionThreadsNeverBlockTest {
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final long LOAD_MILLIS = Long.getLong("weft.loom.completionLoadMillis", WINDOWS ? 2000 : 4000);
    private static final int CONNECTIONS = Integer.getInteger("weft.loom.completionConnections", WINDOWS ? 50 : 200);

    /** Frames that mean "this thread is handling a completion right now". */
    private static final List<String> COMPLETION_HANDLERS = List.of(
            "dev.weft.uring.CompletionRouter.handle", "dev.weft.iocp.CompletionLoop.dispatch");

    static boolean isPlatformCompletionThread(String name) {
        return name != null && name.startsWith("weft-iocp-");
    }

    static boolean inKernelWait(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getMethodName().equals("GetQueuedCompletionStatusEx")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void completionHandlingNeverParksOrWaitsForAMonitor() throws Exception {
        // io_uring handles completions on virtual threads (its reaper, and submitters reaping
        // what is already posted), and JFR records no park events for virtual threads: there
        // this check could not fail, so it runs where completion threads are platform threads.
        org.junit.jupiter.api.Assumptions.assumeTrue(WINDOWS,
                "completion handling runs on virtual threads on this backend; JFR cannot see their parks");
        // Not Files.createTempFile: its SecureRandom seeding crashes the Windows JDK under Wine.
        Path dump = Path.of(System.getProperty("java.io.tmpdir"),
                "weft-completion-threads-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jfr");
        Map<String, Integer> samples = new TreeMap<>();
        List<String> blocked = new ArrayList<>();
        List<String> events = new ArrayList<>();
        int recordedEvents = 0;
        try (WeftRuntime weft = WeftRuntime.builder().completionThreads(2).open();
             TcpListener listener = weft.listen(ParkUnparkStormTest.loopback());
             Recording recording = new Recording()) {
            for (String e : List.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadSleep")) {
                recording.enable(e).withThreshold(Duration.ZERO).withStackTrace();
            }
            recording.start();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sampler = Thread.ofPlatform().name("completion-sampler").start(() -> {
                while (!stop.get()) {
                    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                        Thread t = e.getKey();
                        if (!isPlatformCompletionThread(t.getName())) {
                            continue;
                        }
                        Thread.State state = t.getState();
                        StackTraceElement[] stack = e.getValue();
                        String kind;
                        if (state == Thread.State.BLOCKED || state == Thread.State.WAITING
                                || state == Thread.State.TIMED_WAITING) {
                            kind = "blocked";
                            if (blocked.size() < 5) {
                                blocked.add(t.getName() + " " + state + " " + List.of(stack).subList(0, Math.min(8, stack.length)));
                            }
                        } else if (inKernelWait(stack)) {
                            kind = "kernel wait";
                        } else {
                            kind = "completion code";
                        }
                        samples.merge(kind, 1, Integer::sum);
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException ex) {
                        return;
                    }
                }
            });
            runLoad(weft, listener);
            stop.set(true);
            sampler.join();
            recording.stop();
            recording.dump(dump);
        }
        for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
            recordedEvents++;
            var thread = event.getThread();
            String threadName = thread == null ? null : thread.getJavaName();
            List<String> frames = event.getStackTrace() == null ? List.of()
                    : event.getStackTrace().getFrames().stream()
                            .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName()).toList();
            boolean inHandler = frames.stream().anyMatch(COMPLETION_HANDLERS::contains);
            if (inHandler || isPlatformCompletionThread(threadName)) {
                events.add(event.getEventType().getName() + " on " + threadName + " at "
                        + frames.subList(0, Math.min(12, frames.size())));
            }
        }
        Files.deleteIfExists(dump);
        System.out.printf("[weft loom] platform completion thread samples: %s; JFR blocking events: %d, "
                + "of them in completion handling: %d%n", samples, recordedEvents, events.size());
        assertThat(recordedEvents).as("JFR saw the workload's own parks, so it was recording").isPositive();
        if (WINDOWS) {
            assertThat(samples.getOrDefault("kernel wait", 0) + samples.getOrDefault("completion code", 0))
                    .as("samples of the IOCP completion threads").isPositive();
        }
        List<String> findings = new ArrayList<>(events);
        findings.addAll(blocked);
        assertThat(findings).as("parks, monitor waits, sleeps or blocked states in completion handling").isEmpty();
    }

    /** Echo on many connections, connections coming and going, and read timeouts firing. */
    private static void runLoad(WeftRuntime weft, TcpListener listener) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> {
                while (true) {
                    TcpConnection conn = listener.accept();
                    threads.submit(() -> {
                        try (conn) {
                            byte[] b = new byte[512];
                            int n;
                            while ((n = conn.read(b, 0, b.length)) > 0) {
                                conn.write(b, 0, n);
                            }
                        }
                        return null;
                    });
                }
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int id = c;
                clients.add(threads.submit(() -> {
                    byte[] out = new byte[256];
                    byte[] in = new byte[256];
                    while (System.nanoTime() - end < 0) {
                        try (TcpConnection conn = weft.connect(listener.localAddress())) {
                            for (int i = 0; i < 50; i++) {
                                conn.write(out, 0, out.length);
                                int got = 0;
                                while (got < in.length) {
                                    got += conn.read(in, got, in.length - got);
                                }
                            }
                            if (id % 4 == 0) {
                                conn.setReadTimeout(Duration.ofMillis(1));
                                try {
                                    conn.read(in, 0, in.length);
                                } catch (SocketTimeoutException expected) {
                                    // the cancel path runs through the completion thread too
                                }
                            }
                        } catch (Exception e) {
                            failures.add(e);
                            return null;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(120, TimeUnit.SECONDS);
            }
            listener.close();
        }
        assertThat(failures).isEmpty();
    }
}
