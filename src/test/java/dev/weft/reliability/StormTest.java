package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Timeouts and interrupts racing with completions, many at once while data flows. A read that
 * times out while its bytes arrive must hand them to that read or the next; an interrupted
 * reader or writer must leave the peer with an exact prefix of the stream. Every byte is
 * checked at its position, so a lost or duplicated byte fails the test where it happened.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StormTest {
    private static final int CONNECTIONS = Streams.count("weft.reliability.stormConnections", 64, 16);
    private static final int BYTES_PER_CONNECTION = Streams.count("weft.reliability.stormBytes", 1 << 20, 128 << 10);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    @Test
    void tinyRandomReadTimeoutsWhileDataFlowsLoseAndDuplicateNoByte() throws Exception {
        var weft = leaks.runtime();
        ServerSocket server = leaks.track(new ServerSocket(0, CONNECTIONS, Streams.loopback()));
        AtomicLong timeouts = new AtomicLong();
        long verified = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = 300 + i;
                TcpConnection conn = leaks.track(weft.connect(server.getLocalSocketAddress(), Duration.ofSeconds(10)));
                Socket peer = leaks.track(server.accept());
                threads.submit(() -> trickle(peer, seed));
                readers.add(threads.submit(() -> readWithTinyTimeouts(conn, seed, timeouts)));
            }
            for (Future<Long> r : readers) {
                long got = r.get(150, TimeUnit.SECONDS);
                assertThat(got).isEqualTo(BYTES_PER_CONNECTION);
                verified += got;
            }
        }
        System.out.printf("[weft reliability] %d read timeouts fired among %d verified bytes on %d connections%n",
                timeouts.get(), verified, CONNECTIONS);
        assertThat(timeouts.get()).as("timeouts injected").isPositive();
    }

    /** Sends stream {@code seed} in random pieces with random pauses, then shuts down output. */
    private static Void trickle(Socket peer, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        OutputStream out = peer.getOutputStream();
        byte[] chunk = new byte[8192];
        long sent = 0;
        while (sent < BYTES_PER_CONNECTION) {
            int n = (int) Math.min(BYTES_PER_CONNECTION - sent, 1 + random.nextInt(chunk.length));
            Streams.fill(seed, sent, chunk, 0, n);
            out.write(chunk, 0, n);
            sent += n;
            if (random.nextInt(8) == 0) {
                // Longer than any read timeout below: a reader waiting now times out for sure,
                // even where every operation is slow (the Windows lane under Wine).
                LockSupport.parkNanos(random.nextLong(5_000_000, 8_000_000));
            } else if (random.nextInt(3) == 0) {
                LockSupport.parkNanos(random.nextLong(100_000, 3_000_000));
            }
        }
        peer.shutdownOutput();
        return null;
    }

    private static long readWithTinyTimeouts(TcpConnection conn, long seed, AtomicLong timeouts) throws IOException {
        SplittableRandom random = new SplittableRandom(~seed);
        Streams.Verifier verifier = new Streams.Verifier(seed, "reader with timeouts");
        byte[] array = new byte[16384];
        ByteBuffer direct = ByteBuffer.allocateDirect(16384);
        while (true) {
            conn.setReadTimeout(Duration.ofNanos(random.nextLong(50_000, 3_000_000)));
            int n;
            try {
                if (random.nextBoolean()) {
                    n = conn.read(array, 0, 1 + random.nextInt(array.length));
                } else {
                    direct.clear().limit(1 + random.nextInt(direct.capacity()));
                    n = conn.read(direct);
                    if (n > 0) {
                        direct.flip().get(array, 0, n);
                    }
                }
            } catch (SocketTimeoutException e) {
                assertThat(e).hasMessage("Read timed out");
                timeouts.incrementAndGet();
                continue;
            }
            if (n < 0) {
                return verifier.position();
            }
            verifier.accept(array, 0, n);
        }
    }

    @Test
    void interruptStormsLeaveEveryPeerWithAnExactPrefix() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        ServerSocket jdk = leaks.track(new ServerSocket(0, CONNECTIONS, Streams.loopback()));
        AtomicLong interruptsSent = new AtomicLong();
        long verified = 0;
        int ended = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Thread> victims = new ArrayList<>();
            List<Future<PeerResetTest.Outcome>> readers = new ArrayList<>();
            List<Future<Long>> peers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = 700 + i;
                // weft reads from a java.net writer that keeps sending
                Socket writer = leaks.track(new Socket());
                writer.connect(listener.localAddress(), 10_000);
                TcpConnection readEnd = leaks.track(listener.accept(Duration.ofSeconds(10)));
                threads.submit(() -> writeUntilFailure(writer, seed));
                var started = new java.util.concurrent.CompletableFuture<Thread>();
                readers.add(threads.submit(() -> {
                    started.complete(Thread.currentThread());
                    return PeerResetTest.readUntilFailure(readEnd, seed);
                }));
                victims.add(started.get());
                // weft writes to a java.net reader that checks what arrives
                long seed2 = 900 + i;
                TcpConnection writeEnd = leaks.track(weft.connect(jdk.getLocalSocketAddress(), Duration.ofSeconds(10)));
                Socket reader = leaks.track(jdk.accept());
                var started2 = new java.util.concurrent.CompletableFuture<Thread>();
                threads.submit(() -> {
                    started2.complete(Thread.currentThread());
                    return weftWriteUntilFailure(writeEnd, seed2);
                });
                victims.add(started2.get());
                peers.add(threads.submit(() -> readToEnd(reader, seed2)));
            }
            // The storm: interrupt the victims in random order at random moments.
            SplittableRandom random = new SplittableRandom(99);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> order = new ArrayList<>(victims);
            java.util.Collections.shuffle(order, new java.util.Random(5));
            for (Thread victim : order) {
                LockSupport.parkNanos(random.nextLong(0, 500_000));
                victim.interrupt();
                interruptsSent.incrementAndGet();
            }
            stop.set(true);
            for (Future<PeerResetTest.Outcome> r : readers) {
                PeerResetTest.Outcome o = r.get(60, TimeUnit.SECONDS);
                verified += o.bytes();
                assertThat(o.failure()).as("how an interrupted reader ends").isInstanceOf(SocketException.class)
                        .hasMessage("Closed by interrupt");
                ended++;
            }
            for (Future<Long> p : peers) {
                verified += p.get(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf("[weft reliability] %d interrupts: %d readers and %d writers ended, %d bytes verified%n",
                interruptsSent.get(), ended, CONNECTIONS, verified);
    }

    private static Void writeUntilFailure(Socket peer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[4096];
        long sent = 0;
        try {
            OutputStream out = peer.getOutputStream();
            while (true) {
                int n = 1 + random.nextInt(chunk.length);
                Streams.fill(seed, sent, chunk, 0, n);
                out.write(chunk, 0, n);
                sent += n;
                LockSupport.parkNanos(100_000); // data keeps flowing, at a pace the checks can follow
            }
        } catch (IOException closedByWeft) {
            return null;
        }
    }

    private static Void weftWriteUntilFailure(TcpConnection conn, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[65536];
        long sent = 0;
        try {
            while (true) {
                int n = 1 + random.nextInt(chunk.length);
                Streams.fill(seed, sent, chunk, 0, n);
                conn.write(chunk, 0, n);
                sent += n;
                LockSupport.parkNanos(100_000);
            }
        } catch (IOException e) {
            assertThat(e).isInstanceOf(SocketException.class).hasMessage("Closed by interrupt");
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
            return null;
        }
    }

    /** Reads and checks to the end (the interrupted weft writer closed its side). */
    private static long readToEnd(Socket peer, long seed) throws IOException {
        Streams.Verifier verifier = new Streams.Verifier(seed, "peer of an interrupted weft writer");
        peer.setSoTimeout(60_000);
        InputStream in = peer.getInputStream();
        byte[] buffer = new byte[16384];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                verifier.accept(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // weft closed with unread bytes in its receive buffer: Linux sends RST then
        }
        return verifier.position();
    }

    @Test
    void acceptTimeoutsRacingWithArrivalsLoseNoConnection() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        int clients = CONNECTIONS * 8;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicLong timeouts = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> acceptors = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                long seed = a;
                acceptors.add(threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    while (seen.size() < clients) {
                        TcpConnection conn;
                        try {
                            conn = listener.accept(Duration.ofNanos(random.nextLong(10_000, 2_000_000)));
                        } catch (SocketTimeoutException e) {
                            timeouts.incrementAndGet();
                            continue;
                        }
                        try (conn) {
                            byte[] id = new byte[4];
                            int got = 0;
                            while (got < 4) {
                                got += conn.read(id, got, 4 - got);
                            }
                            assertThat(seen.add(ByteBuffer.wrap(id).getInt())).as("connection accepted twice").isTrue();
                            conn.write(id, 0, 4);
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> connectors = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                connectors.add(threads.submit(() -> {
                    try (TcpConnection conn = weft.connect(listener.localAddress(), Duration.ofSeconds(30))) {
                        conn.write(ByteBuffer.allocate(4).putInt(id).flip());
                        ByteBuffer back = ByteBuffer.allocate(4);
                        while (back.hasRemaining() && conn.read(back) > 0) {
                            // loop
                        }
                        assertThat(back.flip().getInt()).isEqualTo(id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : connectors) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (Future<?> f : acceptors) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(seen).hasSize(clients);
        System.out.printf("[weft reliability] %d connections accepted exactly once among %d accept timeouts%n",
                clients, timeouts.get());
    }

    @Test
    void tinyConnectTimeoutsEitherConnectOrFailCleanly() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        SplittableRandom random = new SplittableRandom(3);
        int connected = 0;
        int timedOut = 0;
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    listener.accept().close();
                }
            } catch (IOException closed) {
                // listener closed at the end
            }
        });
        for (int i = 0; i < CONNECTIONS * 8; i++) {
            try (TcpConnection conn = weft.connect(listener.localAddress(), Duration.ofNanos(random.nextLong(1, 50_000)))) {
                assertThat(conn.isOpen()).isTrue();
                connected++;
            } catch (SocketTimeoutException e) {
                assertThat(e.getMessage()).startsWith("Connect timed out: ");
                timedOut++;
            }
        }
        listener.close();
        drain.join(10_000);
        System.out.printf("[weft reliability] tiny connect timeouts: %d connected, %d timed out%n", connected, timedOut);
    }
}
