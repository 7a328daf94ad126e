package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closing a runtime while new connections are still being made — accepted from a listener, or
 * dialled out by {@code connect} — wakes every thread that uses any of them: a handle created
 * while the close runs is closed too, never missed. After each round no thread is blocked and
 * {@link WeftRuntime#stats()} is at zero.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RuntimeCloseRaceTest {
    private static final int ROUNDS = Streams.count("weft.reliability.closeRaceRounds", 200, 40);
    private static final int DIALLERS = 4;
    private static final int CONNECTORS = 8;
    /** How long every woken thread gets to finish after the close; a blocked one never does. */
    private static final long WAKE_SECONDS = 20;

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void runtimeCloseDuringAcceptsWakesEveryHandler() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            WeftRuntime weft = leaks.newRuntime();
            TcpListener listener = weft.listen(Streams.anyLoopbackPort());
            InetSocketAddress address = listener.localAddress();
            Queue<Thread> threads = new ConcurrentLinkedQueue<>();
            Queue<TcpConnection> accepted = new ConcurrentLinkedQueue<>();
            CountDownLatch someAccepted = new CountDownLatch(3);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        TcpConnection conn = listener.accept();
                        accepted.add(conn);
                        threads.add(Thread.ofVirtual().start(() -> readUntilFailure(conn)));
                        someAccepted.countDown();
                    }
                } catch (IOException closed) {
                    // the runtime closed the listener: the loop ends
                }
            }));
            AtomicBoolean dialling = new AtomicBoolean(true);
            List<Thread> diallers = new ArrayList<>();
            for (int i = 0; i < DIALLERS; i++) {
                diallers.add(Thread.ofVirtual().start(() -> dialUntilStopped(address, dialling)));
            }
            assertThat(someAccepted.await(WAKE_SECONDS, TimeUnit.SECONDS)).as("round %d: accepts", round).isTrue();
            weft.close(); // clients are still dialling in while it runs
            dialling.set(false);
            for (Thread dialler : diallers) {
                dialler.join();
            }
            assertAllFinished(threads, round);
            for (TcpConnection conn : accepted) {
                assertThat(conn.isOpen()).as("round %d: %s after runtime close", round, conn).isFalse();
            }
            assertStatsAtZero(weft, round);
        }
    }

    @Test
    void runtimeCloseDuringConnectsWakesEveryConnector() throws Exception {
        ServerSocket server = leaks.track(new ServerSocket(0, 4096, Streams.loopback()));
        Queue<Socket> peers = new ConcurrentLinkedQueue<>();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    peers.add(server.accept()); // kept open and silent: weft's readers block
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        try {
            for (int round = 0; round < ROUNDS; round++) {
                WeftRuntime weft = leaks.newRuntime();
                Queue<TcpConnection> connected = new ConcurrentLinkedQueue<>();
                Queue<Thread> threads = new ConcurrentLinkedQueue<>();
                CountDownLatch someConnected = new CountDownLatch(CONNECTORS);
                for (int i = 0; i < CONNECTORS; i++) {
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            while (true) {
                                TcpConnection conn = weft.connect(server.getLocalSocketAddress());
                                connected.add(conn);
                                someConnected.countDown();
                                threads.add(Thread.ofVirtual().start(() -> readUntilFailure(conn)));
                            }
                        } catch (IOException closed) {
                            // the runtime closed: connect, or the socket it made, failed
                        }
                    }));
                }
                assertThat(someConnected.await(WAKE_SECONDS, TimeUnit.SECONDS)).as("round %d: connects", round).isTrue();
                weft.close(); // connectors keep calling connect while it runs
                assertAllFinished(threads, round);
                for (TcpConnection conn : connected) {
                    assertThat(conn.isOpen()).as("round %d: %s after runtime close", round, conn).isFalse();
                }
                assertStatsAtZero(weft, round);
                closeAll(peers);
            }
        } finally {
            server.close();
            acceptor.join();
            closeAll(peers);
        }
    }

    @Test
    void runtimeCloseRacingReadsAndWritesThatHaveDataFailsThemWithSocketExceptions() throws Exception {
        // Heap arrays go through pooled native buffers: a close that frees the pool under a
        // read still copying its bytes out (or a write copying in) must surface as the socket
        // being closed, never as an IllegalStateException from a closed arena.
        for (int round = 0; round < ROUNDS; round++) {
            WeftRuntime weft = leaks.newRuntime();
            TcpListener listener = weft.listen(Streams.anyLoopbackPort());
            Queue<Thread> threads = new ConcurrentLinkedQueue<>();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch flowing = new CountDownLatch(4);
            for (int pair = 0; pair < 2; pair++) {
                TcpConnection client = weft.connect(listener.localAddress(), Duration.ofSeconds(10));
                TcpConnection server = listener.accept(Duration.ofSeconds(10));
                for (TcpConnection end : List.of(client, server)) {
                    threads.add(Thread.ofVirtual().start(() -> failures.add(pump(end, true, flowing))));
                    threads.add(Thread.ofVirtual().start(() -> failures.add(pump(end, false, flowing))));
                }
            }
            assertThat(flowing.await(WAKE_SECONDS, TimeUnit.SECONDS)).as("round %d: data flows", round).isTrue();
            weft.close();
            assertAllFinished(threads, round);
            for (Throwable failure : failures) {
                assertThat(failure).as("round %d", round).isInstanceOf(java.net.SocketException.class);
            }
            assertStatsAtZero(weft, round);
        }
    }

    /** Writes or reads (through the buffer pool) until the call fails; returns that failure. */
    private static Throwable pump(TcpConnection conn, boolean writer, CountDownLatch flowing) {
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                if (writer) {
                    conn.write(buffer, 0, buffer.length);
                } else if (conn.read(buffer, 0, buffer.length) < 0) {
                    return new AssertionError("end of stream on " + conn + " before the runtime closed it");
                }
                flowing.countDown();
            }
        } catch (Throwable t) {
            return t;
        }
    }

    /** Reads until the read fails; a thread blocked here forever is what this test catches. */
    private static void readUntilFailure(TcpConnection conn) {
        byte[] buffer = new byte[256];
        try {
            while (conn.read(buffer, 0, buffer.length) >= 0) {
                // the peers never send; keep reading anyway
            }
        } catch (IOException expected) {
            // "Socket closed": the runtime closed this connection
        }
    }

    private static void dialUntilStopped(InetSocketAddress address, AtomicBoolean dialling) {
        List<Socket> open = new ArrayList<>();
        try {
            while (dialling.get()) {
                try {
                    open.add(new Socket(address.getAddress(), address.getPort()));
                } catch (IOException refused) {
                    // The listener is closed, or this process is out of descriptors: try again until
                    // told to stop, after a pause. Not Thread.yield(): on one carrier, diallers that
                    // only yield to each other keep the carrier's local queue full, and a thread
                    // unparked from outside it (the ring's reaper, which the runtime's close waits
                    // for) waited behind them for over ten minutes in a run with one carrier.
                    pause();
                }
            }
        } finally {
            closeAll(open);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertAllFinished(Iterable<Thread> threads, int round) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAKE_SECONDS);
        for (Thread thread : threads) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!thread.join(Duration.ofMillis(left))) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    stack.append("\n\tat ").append(frame);
                }
                throw new AssertionError("round " + round + ": a thread is still blocked after runtime close:" + stack);
            }
        }
    }

    private static void assertStatsAtZero(WeftRuntime weft, int round) {
        WeftStats stats = weft.stats();
        assertThat(stats.liveOperations()).as("round %d: %s", round, stats).isZero();
        assertThat(stats.openHandles()).as("round %d: %s", round, stats).isZero();
        assertThat(stats.buffersInUse()).as("round %d: %s", round, stats).isZero();
        assertThat(stats.pooledBufferBytes()).as("round %d: pool freed by close: %s", round, stats).isZero();
    }

    private static void closeAll(Iterable<? extends AutoCloseable> resources) {
        var iterator = resources.iterator();
        while (iterator.hasNext()) {
            try {
                iterator.next().close();
            } catch (Exception ignored) {
                // already reset or closed by the peer
            }
            iterator.remove();
        }
    }
}
