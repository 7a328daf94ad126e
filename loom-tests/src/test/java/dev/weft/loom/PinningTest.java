package dev.weft.loom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual thread that parks while pinned to its carrier defeats the point of weft. JFR
 * records every pinned park (threshold 0 here); none may come from weft's code paths while
 * many connections echo, time out and close.
 */
@Timeout(120)
class PinningTest {

    @Test
    void noVirtualThreadIsPinnedInWeftCode() throws Exception {
        // First use loads and initialises classes, and the JDK pins a virtual thread that waits
        // for a class being loaded or initialised by another thread: warm up so the recording
        // sees weft's steady-state paths, which must never pin.
        exerciseBlockingPaths();
        // Not Files.createTempFile: its SecureRandom seeding enumerates network interfaces, which
        // crashes the Windows JDK under Wine.
        Path dump = Path.of(System.getProperty("java.io.tmpdir"),
                "weft-pinning-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(java.time.Duration.ZERO).withStackTrace();
            recording.start();
            // The first throwable built after a recording starts initialises JFR's exception
            // tracer; build it here, on this platform thread, rather than in 200 virtual threads
            // timing out at once (one initialises it while the others wait for it, pinned).
            new Exception("initialises JFR's throwable tracer");
            exerciseBlockingPaths();
            recording.stop();
            recording.dump(dump);
        }

        List<String> pinnedInWeft = new ArrayList<>();
        int pinnedEvents = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
            if (!event.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
                continue;
            }
            pinnedEvents++;
            if (event.getStackTrace() == null || isJdkClassInitialization(event) || isJfrCommit(event)
                    || isMethodHandleCustomization(event)) {
                continue;
            }
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith("dev.weft.") && !type.startsWith("dev.weft.loom.")) {
                    pinnedInWeft.add(describe(event));
                    break;
                }
            }
        }
        Files.deleteIfExists(dump);
        assertThat(pinnedInWeft).as("pinned parks in weft code (%d pinned events in all)", pinnedEvents).isEmpty();
    }

    /**
     * The JDK pins a virtual thread that waits while another thread loads or initialises a JDK
     * class (e.g. the tracer JFR installs for the first exception built after a recording
     * starts), and the thread running that class's initialiser is pinned too ("VM call to
     * X.&lt;clinit&gt; on stack"). That is the JDK's limitation, not a weft code path; weft's own
     * classes are loaded by the warm-up.
     */
    private static boolean isJdkClassInitialization(RecordedEvent event) {
        String reason = String.valueOf(event.getString("pinnedReason"));
        boolean waitsForInitializer = reason.startsWith("Waited for initialization of");
        boolean runsInitializer = reason.startsWith("VM call to") && reason.contains(".<clinit>");
        if ((waitsForInitializer || runsInitializer) && !reason.contains("dev.weft")) {
            return true;
        }
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        if (!frames.isEmpty() && reason.equals("Freeze or preempt failed (2)")
                && frames.getFirst().getMethod().getType().getName().equals("java.lang.Throwable")
                && frames.getFirst().getMethod().getName().equals("<init>")) {
            // A throwable's constructor reaching JFR's exception tracer while another thread
            // initialises it: the VM's wait for that initialiser (seen once in the loom suite, when
            // many read timeouts were built at once).
            return true;
        }
        return frames.stream()
                .anyMatch(f -> f.getMethod().getType().getName().equals("java.lang.ClassLoader")
                        && f.getMethod().getName().equals("loadClass"));
    }

    /**
     * JFR pins a virtual thread while it commits an event: the event writer it holds belongs to
     * the carrier (JDK-8338417), so a contended monitor inside the commit (the string pool that
     * takes an event's 16-128 character strings, such as a socket address) is waited for
     * pinned, with the reason "critical section". The park is the JDK's, inside its own commit;
     * no weft code holds the carrier there. Seen once in CI under the recording this test runs.
     */
    private static boolean isJfrCommit(RecordedEvent event) {
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        if (frames.isEmpty()) {
            return false;
        }
        RecordedFrame top = frames.getFirst();
        return String.valueOf(event.getString("pinnedReason")).equals("Freeze or preempt failed (2)")
                && top.getMethod().getName().equals("commit")
                && top.getMethod().getType().getName().startsWith("dev.weft.jfr.");
    }

    /**
     * A method handle invoked often enough is rewritten by the JDK for that handle alone
     * ({@code MethodHandle.customize}), once, on the thread that crosses the threshold. A lock
     * that rewrite waits for (seen: the {@code ReferenceQueue} of {@code MethodType}'s intern
     * table) was waited for pinned, with the freeze result 2, the JDK's "critical section",
     * which only JDK-internal code can enter (a native frame is 3, a monitor 4). The handle was
     * one of weft's downcalls (getpeername, for a JFR read event), but what holds the carrier is
     * the JDK's one-time rewrite, not a weft code path that runs again. Seen once in CI.
     */
    private static boolean isMethodHandleCustomization(RecordedEvent event) {
        return String.valueOf(event.getString("pinnedReason")).equals("Freeze or preempt failed (2)")
                && event.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().equals("java.lang.invoke.MethodHandle")
                                && f.getMethod().getName().equals("customize"));
    }

    /** The pinned reason and stack, so a failure says where the carrier was held. */
    private static String describe(RecordedEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getString("pinnedReason")));
        for (RecordedFrame frame : event.getStackTrace().getFrames()) {
            text.append("\n    at ").append(frame.getMethod().getType().getName())
                    .append('.').append(frame.getMethod().getName()).append(':').append(frame.getLineNumber());
        }
        return text.toString();
    }

    /** Echo, read timeouts and closes from 200 virtual threads. */
    private static void exerciseBlockingPaths() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            int connections = 200;
            CountDownLatch served = new CountDownLatch(connections);
            Thread acceptor = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < connections; i++) {
                    try {
                        TcpConnection conn = listener.accept();
                        Thread.ofVirtual().start(() -> {
                            byte[] buf = new byte[256];
                            try (conn) {
                                int n;
                                while ((n = conn.read(buf, 0, buf.length)) > 0) {
                                    conn.write(buf, 0, n);
                                }
                            } catch (Exception ignored) {
                                // client closed
                            } finally {
                                served.countDown();
                            }
                        });
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (TcpConnection conn = weft.connect(listener.localAddress())) {
                        byte[] out = new byte[64];
                        byte[] in = new byte[64];
                        for (int i = 0; i < 50; i++) {
                            conn.write(out, 0, out.length);
                            int got = 0;
                            while (got < in.length) {
                                got += conn.read(in, got, in.length - got);
                            }
                        }
                        conn.setReadTimeout(java.time.Duration.ofMillis(5));
                        try {
                            conn.read(in, 0, in.length);
                        } catch (java.net.SocketTimeoutException expected) {
                            // the timeout path parks and cancels too
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread client : clients) {
                client.join();
            }
            assertThat(failures).isEmpty();
            assertThat(served.await(60, TimeUnit.SECONDS)).isTrue();
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
