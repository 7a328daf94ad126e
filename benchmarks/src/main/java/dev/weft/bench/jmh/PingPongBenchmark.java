package dev.weft.bench.jmh;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One loopback connection, one round trip per operation: the client writes {@code size} bytes
 * and reads until the echo of all of them is back. Both ends are virtual threads in this JVM:
 * the client is the JMH benchmark thread ({@code -Djmh.executor=VIRTUAL}) and the server is a
 * thread-per-connection echo loop.
 *
 * <p>{@code impl=weft}: {@link WeftRuntime} listener and connections (byte[] API);
 * {@code impl=jdk}, the named peer: {@link ServerSocket}/{@link Socket} streams, which the JDK
 * runs on virtual threads through its own poller. Same code shape, TCP_NODELAY on both ends.
 * bench/jmh.sh prints the weft/JDK ratio.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Djmh.executor=VIRTUAL"})
@Threads(1)
@State(Scope.Thread)
public class PingPongBenchmark {

    @Param({"weft", "jdk"})
    public String impl;

    @Param({"64", "16384"})
    public int size;

    private byte[] message;
    private byte[] reply;
    private Client client;
    private AutoCloseable server;
    private Thread echoThread;

    /** The client end of the one connection, whatever implements it. */
    private interface Client extends AutoCloseable {
        void write(byte[] bytes, int length) throws IOException;

        int read(byte[] bytes, int offset, int length) throws IOException;

        @Override
        void close() throws IOException;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        VirtualThreads.requireVirtualBenchmarkThread();
        message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) i;
        }
        reply = new byte[size];
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        switch (impl) {
            case "weft" -> openWeft(loopback);
            case "jdk" -> openJdk(loopback);
            default -> throw new IllegalArgumentException("impl must be weft or jdk: " + impl);
        }
        // One untimed round trip proves the echo is wired up and the bytes come back intact.
        roundTrip();
        for (int i = 0; i < size; i++) {
            if (reply[i] != message[i]) {
                throw new IllegalStateException("echo corrupted byte " + i);
            }
        }
    }

    private void openWeft(InetAddress loopback) throws IOException {
        WeftRuntime weft = WeftRuntime.open();
        TcpListener listener = weft.listen(new InetSocketAddress(loopback, 0));
        TcpConnection conn = weft.connect(listener.localAddress());
        TcpConnection accepted = listener.accept();
        conn.setNoDelay(true);
        accepted.setNoDelay(true);
        echoThread = Thread.ofVirtual().name("weft-echo").start(() -> {
            byte[] buf = new byte[64 * 1024];
            try (accepted) {
                int n;
                while ((n = accepted.read(buf, 0, buf.length)) > 0) {
                    accepted.write(buf, 0, n);
                }
            } catch (IOException closedAtTearDown) {
                // the runtime closed under us: the trial is over
            }
        });
        server = () -> {
            listener.close();
            weft.close();
        };
        client = new Client() {
            @Override
            public void write(byte[] bytes, int length) throws IOException {
                conn.write(bytes, 0, length);
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return conn.read(bytes, offset, length);
            }

            @Override
            public void close() {
                conn.close();
            }
        };
    }

    private void openJdk(InetAddress loopback) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, loopback);
        Socket socket = new Socket(loopback, listener.getLocalPort());
        Socket accepted = listener.accept();
        socket.setTcpNoDelay(true);
        accepted.setTcpNoDelay(true);
        echoThread = Thread.ofVirtual().name("jdk-echo").start(() -> {
            byte[] buf = new byte[64 * 1024];
            try (accepted) {
                InputStream in = accepted.getInputStream();
                OutputStream out = accepted.getOutputStream();
                int n;
                while ((n = in.read(buf, 0, buf.length)) > 0) {
                    out.write(buf, 0, n);
                }
            } catch (IOException closedAtTearDown) {
                // the client closed under us: the trial is over
            }
        });
        server = listener;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        client = new Client() {
            @Override
            public void write(byte[] bytes, int length) throws IOException {
                out.write(bytes, 0, length);
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return in.read(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        client.close(); // the echo loop sees EOF and closes its end
        echoThread.join(5_000);
        server.close();
    }

    /** Writes {@code size} bytes and reads until all of them are echoed back. */
    @Benchmark
    public int roundTrip() throws IOException {
        client.write(message, size);
        int got = 0;
        while (got < size) {
            int n = client.read(reply, got, size - got);
            if (n < 0) {
                throw new EOFException("echo server closed after " + got + " of " + size + " bytes");
            }
            got += n;
        }
        return reply[size - 1];
    }
}
