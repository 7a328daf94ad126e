package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closes from another thread at random moments during read, write, accept and connect: each
 * blocked call ends with "Socket closed" (or finishes normally if it won the race, with correct
 * data), none hangs, and every handle is released. Connects are made to a listener whose backlog
 * is full, so they stay pending in the kernel until the close (or interrupt) reaches them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloseRaceTest {
    private static final int ROUNDS = Streams.count("weft.reliability.closeRounds", 300, 60);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void closeRacingReadsAndWritesEndsEachCallCleanly() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        SplittableRandom random = new SplittableRandom(42);
        AtomicInteger closedWhileBlocked = new AtomicInteger();
        AtomicInteger finishedFirst = new AtomicInteger();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < ROUNDS; round++) {
                TcpConnection client = weft.connect(listener.localAddress(), Duration.ofSeconds(10));
                TcpConnection server = listener.accept(Duration.ofSeconds(10));
                long seed = round;
                // The server sends a little (so some reads win) and never reads (so writes block).
                Future<?> reader = threads.submit(() -> {
                    Streams.Verifier v = new Streams.Verifier(seed, "reader");
                    byte[] buffer = new byte[1024];
                    int n;
                    while ((n = client.read(buffer, 0, buffer.length)) > 0) {
                        v.accept(buffer, 0, n);
                    }
                    return v.position();
                });
                Future<?> writer = threads.submit(() -> {
                    byte[] chunk = new byte[32768];
                    while (true) {
                        client.write(chunk, 0, chunk.length);
                    }
                });
                if (random.nextBoolean()) {
                    byte[] some = new byte[random.nextInt(1, 2000)];
                    Streams.fill(seed, 0, some, 0, some.length);
                    server.write(some, 0, some.length);
                }
                LockSupport.parkNanos(random.nextLong(0, 2_000_000));
                client.close();
                for (Future<?> f : List.of(reader, writer)) {
                    try {
                        f.get(20, TimeUnit.SECONDS);
                        finishedFirst.incrementAndGet();
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(SocketException.class).hasMessage("Socket closed");
                        closedWhileBlocked.incrementAndGet();
                    }
                }
                server.close();
            }
        }
        System.out.printf("[weft reliability] %d closes raced reads and writes: %d calls woken by the close, %d finished first%n",
                ROUNDS, closedWhileBlocked.get(), finishedFirst.get());
        assertThat(closedWhileBlocked.get()).as("calls the close woke").isPositive();
    }

    @Test
    void closeRacingAcceptWakesEveryAcceptorAndLosesNoAcceptedConnection() throws Exception {
        var weft = leaks.runtime();
        SplittableRandom random = new SplittableRandom(7);
        int woken = 0;
        int accepted = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < ROUNDS / 3; round++) {
                TcpListener listener = weft.listen(Streams.anyLoopbackPort());
                List<Future<TcpConnection>> acceptors = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    acceptors.add(threads.submit(() -> listener.accept()));
                }
                int clients = random.nextInt(0, 4);
                List<TcpConnection> connected = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    connected.add(weft.connect(listener.localAddress(), Duration.ofSeconds(10)));
                }
                LockSupport.parkNanos(random.nextLong(0, 1_000_000));
                listener.close();
                for (Future<TcpConnection> f : acceptors) {
                    try {
                        f.get(20, TimeUnit.SECONDS).close();
                        accepted++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(SocketException.class).hasMessage("Socket closed");
                        woken++;
                    }
                }
                connected.forEach(TcpConnection::close);
            }
        }
        System.out.printf("[weft reliability] listener closes raced accepts: %d acceptors woken, %d accepted first%n",
                woken, accepted);
        assertThat(woken).isPositive();
    }

    /**
     * A listener that never accepts, with its backlog full: a further connect stays pending
     * (its SYN is dropped and retried) until something ends it.
     */
    private static List<Socket> fillBacklog(ServerSocket server) {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Socket s = new Socket();
            fillers.add(s);
            try {
                s.connect(server.getLocalSocketAddress(), 300);
            } catch (IOException timedOut) {
                return fillers; // this one was not answered: the backlog is full
            }
        }
        throw new AssertionError("backlog never filled after 64 connections");
    }

    @Test
    void runtimeCloseAndInterruptEndConnectsPendingOnAFullBacklog() throws Exception {
        ServerSocket server = leaks.track(new ServerSocket(0, 1, Streams.loopback()));
        for (Socket s : fillBacklog(server)) {
            leaks.track(s);
        }
        InetSocketAddress full = (InetSocketAddress) server.getLocalSocketAddress();

        // A connect timeout on the full backlog: SocketTimeoutException, nothing left open.
        var weft = leaks.runtime();
        assertThatThrownBy(() -> weft.connect(full, Duration.ofMillis(200)))
                .isInstanceOf(SocketTimeoutException.class).hasMessage("Connect timed out: " + full);
        assertThat(weft.stats().openHandles()).isZero();

        // Interrupts of connects pending there.
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Thread> connecting = new ArrayList<>();
            List<Future<Throwable>> outcomes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                java.util.concurrent.CompletableFuture<Thread> self = new java.util.concurrent.CompletableFuture<>();
                outcomes.add(threads.submit(() -> {
                    self.complete(Thread.currentThread());
                    try {
                        weft.connect(full).close();
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }));
                connecting.add(self.get());
            }
            awaitOperations(weft, 20);
            connecting.forEach(Thread::interrupt);
            for (Future<Throwable> f : outcomes) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                        .hasMessage("Closed by interrupt");
            }
        }

        // Closing a second runtime ends every connect pending on it.
        WeftRuntime other = leaks.newRuntime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Throwable>> outcomes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                outcomes.add(threads.submit(() -> {
                    try {
                        other.connect(full).close();
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }));
            }
            awaitOperations(other, 50);
            other.close();
            for (Future<Throwable> f : outcomes) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                        .hasMessage("Socket closed");
            }
        }
        assertThat(other.stats().openHandles()).isZero();
    }

    /** Waits until at least {@code n} operations are in flight on {@code runtime}. */
    static void awaitOperations(WeftRuntime runtime, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runtime.stats().liveOperations() < n) {
            assertThat(System.nanoTime() - deadline).as("operations in flight: %s", runtime.stats()).isNegative();
            Thread.sleep(1);
        }
    }
}
