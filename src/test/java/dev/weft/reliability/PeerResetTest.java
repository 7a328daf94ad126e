package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peers that reset (SO_LINGER 0, so close sends RST) in the middle of a transfer, at random
 * moments, on many connections at once. Whatever arrived before the reset is exactly a prefix
 * of what was sent (checked byte by byte), the end is a "Connection reset" or "Broken pipe"
 * {@link SocketException} and never a silent end of stream, nothing hangs, nothing leaks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerResetTest {
    private static final int CONNECTIONS = Streams.count("weft.reliability.resetConnections", 100, 20);

    @RegisterExtension
    final LeakCheck leaks = new LeakCheck();

    static final AtomicLong faultsInjected = new AtomicLong();

    @Test
    void resetsInTheMiddleOfReadsKeepEveryEarlierByteAndSurfaceAsResets() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        List<Outcome> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = 1000 + i;
                Socket peer = leaks.track(new Socket());
                peer.connect(listener.localAddress(), 10_000);
                TcpConnection conn = leaks.track(listener.accept(Duration.ofSeconds(10)));
                futures.add(threads.submit(() -> readUntilFailure(conn, seed)));
                threads.submit(() -> writeThenReset(peer, seed));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        long endOfStream = outcomes.stream().filter(o -> o.failure() == null).count();
        long bytes = outcomes.stream().mapToLong(Outcome::bytes).sum();
        faultsInjected.addAndGet(CONNECTIONS);
        System.out.printf("[weft reliability] %d resets mid-read, %d bytes verified, %d read as end of stream%n",
                CONNECTIONS, bytes, endOfStream);
        for (Outcome o : outcomes) {
            if (o.failure() == null) {
                assertThat(Wine.readsEarlierResetAsEndOfStream())
                        .as("a reset read as end of stream on an OS whose java.net reports it").isTrue();
            } else {
                assertThat(o.failure()).isInstanceOf(SocketException.class)
                        .hasMessageContaining("Connection reset");
            }
        }
    }

    @Test
    void resetsInTheMiddleOfWritesFailTheWriterAndThePeerGotAPrefix() throws Exception {
        var weft = leaks.runtime();
        ServerSocket server = leaks.track(new ServerSocket(0, CONNECTIONS, Streams.loopback()));
        int failedWrites = 0;
        long verified = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Throwable>> writers = new ArrayList<>();
            List<Future<Long>> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = 5000 + i;
                TcpConnection conn = leaks.track(weft.connect(server.getLocalSocketAddress(), Duration.ofSeconds(10)));
                Socket peer = leaks.track(server.accept());
                writers.add(threads.submit(() -> writeUntilFailure(conn, seed)));
                readers.add(threads.submit(() -> readSomeThenReset(peer, seed)));
            }
            for (Future<Long> r : readers) {
                verified += r.get(60, TimeUnit.SECONDS);
            }
            for (Future<Throwable> w : writers) {
                Throwable failure = w.get(60, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOf(SocketException.class)
                        .message().containsAnyOf("Connection reset", "Broken pipe");
                failedWrites++;
            }
        }
        faultsInjected.addAndGet(CONNECTIONS);
        System.out.printf("[weft reliability] %d resets mid-write, %d bytes verified at the peer%n", failedWrites, verified);
    }

    @Test
    void weftResetOfAWeftPeerWhileBothTransferLosesNoEarlierByte() throws Exception {
        var weft = leaks.runtime();
        TcpListener listener = leaks.track(weft.listen(Streams.anyLoopbackPort()));
        long verified = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Outcome>> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = 9000 + i;
                TcpConnection client = leaks.track(weft.connect(listener.localAddress(), Duration.ofSeconds(10)));
                TcpConnection server = leaks.track(listener.accept(Duration.ofSeconds(10)));
                readers.add(threads.submit(() -> readUntilFailure(server, seed)));
                threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    byte[] chunk = new byte[8192];
                    long sent = 0;
                    long limit = random.nextLong(1, 400_000);
                    try {
                        while (sent < limit) {
                            int n = 1 + random.nextInt(chunk.length);
                            Streams.fill(seed, sent, chunk, 0, n);
                            client.write(chunk, 0, n);
                            sent += n;
                        }
                        client.setSoLinger(0);
                    } finally {
                        client.close(); // with linger 0: RST, possibly with bytes still unread
                    }
                    return sent;
                });
            }
            for (Future<Outcome> r : readers) {
                Outcome o = r.get(60, TimeUnit.SECONDS);
                verified += o.bytes();
                if (o.failure() != null) {
                    assertThat(o.failure()).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
                } else {
                    assertThat(Wine.readsEarlierResetAsEndOfStream()).as("reset read as end of stream").isTrue();
                }
            }
        }
        faultsInjected.addAndGet(CONNECTIONS);
        System.out.printf("[weft reliability] %d weft-to-weft resets, %d bytes verified%n", CONNECTIONS, verified);
    }

    record Outcome(long bytes, Throwable failure) { }

    /** Reads and checks until the read fails (the outcome) or ends (failure null). */
    static Outcome readUntilFailure(TcpConnection conn, long seed) {
        Streams.Verifier verifier = new Streams.Verifier(seed, "reader of " + conn);
        SplittableRandom random = new SplittableRandom(seed * 3);
        byte[] buffer = new byte[16384];
        try {
            int n;
            while ((n = conn.read(buffer, 0, 1 + random.nextInt(buffer.length))) > 0) {
                verifier.accept(buffer, 0, n);
            }
            return new Outcome(verifier.position(), null);
        } catch (IOException e) {
            return new Outcome(verifier.position(), e);
        }
    }

    @Test
    void aResetSeenByAWriteIsStillAResetForTheNextRead() throws Exception {
        // Linux reports a reset to the first operation only; the next recv returns 0. A read
        // after a write that saw the reset must still fail with it, as java.net does: a reset
        // is never an end of stream.
        var weft = leaks.runtime();
        ServerSocket server = leaks.track(new ServerSocket(0, 1, Streams.loopback()));
        TcpConnection conn = leaks.track(weft.connect(server.getLocalSocketAddress(), Duration.ofSeconds(10)));
        Socket peer = leaks.track(server.accept());
        peer.setSoLinger(true, 0);
        peer.close(); // RST
        Throwable writeFailure = writeUntilFailure(conn, 77);
        // Linux hands ECONNRESET to whichever operation meets the RST first: the write, or a
        // multishot recv armed meanwhile (the write then gets EPIPE, as java.net's would).
        assertThat(writeFailure).isInstanceOf(SocketException.class).message()
                .containsAnyOf("Connection reset", "Broken pipe");

        assertThatThrownBy(() -> conn.read(new byte[16], 0, 16))
                .as("a read after the write saw the reset")
                .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        assertThatThrownBy(() -> conn.read(new byte[16], 0, 16))
                .as("and every read after that")
                .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
    }

    /** Sends a random amount of stream {@code seed}, pauses at random, then resets. */
    private static Void writeThenReset(Socket peer, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        OutputStream out = peer.getOutputStream();
        byte[] chunk = new byte[4096];
        long sent = 0;
        int pieces = random.nextInt(1, 40);
        for (int i = 0; i < pieces; i++) {
            int n = 1 + random.nextInt(chunk.length);
            Streams.fill(seed, sent, chunk, 0, n);
            out.write(chunk, 0, n);
            sent += n;
            if (random.nextInt(4) == 0) {
                LockSupport.parkNanos(random.nextLong(10_000, 2_000_000)); // the reader parks meanwhile
            }
        }
        peer.setSoLinger(true, 0);
        peer.close();
        return null;
    }

    private static Throwable writeUntilFailure(TcpConnection conn, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[65536];
        long sent = 0;
        try {
            while (true) {
                int n = 1 + random.nextInt(chunk.length);
                Streams.fill(seed, sent, chunk, 0, n);
                conn.write(chunk, 0, n);
                sent += n;
            }
        } catch (IOException e) {
            return e;
        }
    }

    /** Reads and checks a random number of bytes, then resets while the writer is still busy. */
    private static long readSomeThenReset(Socket peer, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(~seed);
        Streams.Verifier verifier = new Streams.Verifier(seed, "jdk peer of a weft writer");
        long want = random.nextLong(1, 2_000_000);
        byte[] buffer = new byte[8192];
        InputStream in = peer.getInputStream();
        peer.setSoTimeout(30_000);
        while (verifier.position() < want) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, want - verifier.position()));
            if (n < 0) {
                throw new AssertionError("weft writer's stream ended early at " + verifier.position());
            }
            verifier.accept(buffer, 0, n);
        }
        peer.setSoLinger(true, 0);
        peer.close();
        return verifier.position();
    }
}
