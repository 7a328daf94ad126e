package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import dev.weft.core.Debug;
import dev.weft.samples.soak.Soak;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that gives each test a fresh runtime and, after the test, proves it leaked
 * nothing. Register it as a field: {@code @RegisterExtension final LeakCheck leaks = new LeakCheck();}
 *
 * <p>After every test it closes what the test {@linkplain #track tracked} (last first), then for
 * each runtime the test opened waits until {@link WeftStats} is back at its baseline: no
 * operation in flight, no open handle, no pooled buffer lent out, backend native bytes as when
 * the runtime opened; then it closes the runtime and checks that the backend freed every native
 * byte it reported. On Linux it also compares the process's socket and io_uring descriptors
 * (from /proc/self/fd) with their count before the test, and in every mode it checks that no
 * {@link Debug#violation} happened during the test.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    /** How long closed handles may take to see their last completion. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    private final Deque<AutoCloseable> opened = new ConcurrentLinkedDeque<>();
    private final List<Opened> runtimes = new ArrayList<>();
    private final Supplier<WeftRuntime.Builder> builder;
    private WeftRuntime runtime;
    private long violationsBefore;
    private long descriptorsBefore;

    private record Opened(WeftRuntime runtime, WeftStats baseline) { }

    public LeakCheck() {
        this(WeftRuntime::builder);
    }

    /** With a runtime made by {@code builder} (e.g. more completion threads). */
    public LeakCheck(Supplier<WeftRuntime.Builder> builder) {
        this.builder = builder;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean warmedUp = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The JDK opens a few descriptors of its own for good the first time a virtual thread uses
     * java.net (its I/O pollers and their wake-up channels): make that happen before any count.
     */
    private static void warmUpJdkSockets() {
        try {
            Thread t = Thread.ofVirtual().start(() -> {
                try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, Streams.loopback());
                     java.net.Socket client = new java.net.Socket()) {
                    client.connect(server.getLocalSocketAddress(), 10_000);
                    try (java.net.Socket accepted = server.accept()) {
                        client.getOutputStream().write(1);
                        accepted.getInputStream().read();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (warmedUp.compareAndSet(false, true)) {
            warmUpJdkSockets();
        }
        violationsBefore = Debug.violations();
        descriptorsBefore = kernelDescriptors();
        runtime = newRuntime();
        System.out.println("[weft reliability] " + runtime.backendName() + (Debug.ENABLED ? " (debug)" : "") + ": "
                + context.getRequiredTestClass().getSimpleName() + " " + context.getDisplayName());
    }

    /** The runtime opened for this test. */
    public WeftRuntime runtime() {
        return runtime;
    }

    /** Opens another runtime, checked (and closed) like the first after the test. */
    public synchronized WeftRuntime newRuntime() throws IOException {
        WeftRuntime r = builder.get().open();
        runtimes.add(new Opened(r, r.stats()));
        return r;
    }

    /** Closes {@code resource} after the test, before the leak checks (last tracked, first closed). */
    public <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Throwable failure = null;
        AutoCloseable resource;
        while ((resource = opened.pollLast()) != null) {
            try {
                resource.close();
            } catch (Exception e) {
                failure = first(failure, e);
            }
        }
        List<Opened> all;
        synchronized (this) {
            all = List.copyOf(runtimes);
            runtimes.clear();
        }
        for (Opened o : all) {
            try {
                if (!o.runtime().isClosed()) {
                    WeftStats settled = awaitBaseline(o.runtime(), o.baseline());
                    assertThat(settled.liveOperations()).as("operations in flight after the test (%s)", settled).isZero();
                    assertThat(settled.openHandles()).as("open handles after the test (%s)", settled).isZero();
                    assertThat(settled.buffersInUse()).as("pooled buffers still lent (%s)", settled).isZero();
                    assertThat(settled.liveNativeBytes()).as("backend native bytes vs. baseline %s (%s)",
                            o.baseline(), settled).isEqualTo(o.baseline().liveNativeBytes());
                }
            } catch (Throwable t) {
                failure = first(failure, t);
            } finally {
                o.runtime().close();
            }
            try {
                assertThat(o.runtime().stats().liveNativeBytes()).as("backend native bytes after runtime close").isZero();
                assertThat(o.runtime().stats().openHandles()).as("handles after runtime close").isZero();
            } catch (Throwable t) {
                failure = first(failure, t);
            }
        }
        try {
            assertThat(Debug.violations() - violationsBefore)
                    .as("weft debug violations during the test: %s", Debug.recentViolations()).isZero();
            if (descriptorsBefore >= 0) {
                long deadline = System.nanoTime() + SETTLE.toNanos();
                long now;
                while ((now = kernelDescriptors()) > descriptorsBefore && System.nanoTime() - deadline < 0) {
                    Thread.sleep(5);
                }
                assertThat(now).as("socket and io_uring descriptors of this process (before the test: %d): %s",
                        descriptorsBefore, describeDescriptors()).isLessThanOrEqualTo(descriptorsBefore);
            }
        } catch (Throwable t) {
            failure = first(failure, t);
        }
        if (failure instanceof Exception e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    private static Throwable first(Throwable failure, Throwable next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    /** Waits until the runtime's stats are back at {@code baseline}; returns the last snapshot. */
    static WeftStats awaitBaseline(WeftRuntime r, WeftStats baseline) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        WeftStats s = r.stats();
        while (!(s.liveOperations() == 0 && s.openHandles() == 0 && s.buffersInUse() == 0
                && s.liveNativeBytes() == baseline.liveNativeBytes()) && System.nanoTime() - deadline < 0) {
            Thread.sleep(2);
            s = r.stats();
        }
        return s;
    }

    /**
     * Socket and io_uring descriptors open in this process (Linux), or -1 where /proc/self/fd is
     * not there (Windows): the OS's own view of what weft holds.
     */
    public static long kernelDescriptors() {
        return Soak.kernelDescriptors();
    }

    private static String describeDescriptors() {
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            return list.filter(Soak::isSocketOrRing).map(fd -> {
                try {
                    return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd.getFileName() + "->?";
                }
            }).toList().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
