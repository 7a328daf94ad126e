package dev.weft.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Echo ping-pong load generator: each connection sends a message, waits for all of it to come
 * back, checks every byte, and sends the next. Prints round trips per second, MB/s and latency
 * percentiles, and exits non-zero at the first wrong byte or dropped connection.
 *
 * <pre>
 * java -cp target/test-classes dev.weft.samples.LoadClient -c 100 -s 64 -d 10 -w 3 localhost:9000
 * </pre>
 *
 * <p>Options: {@code -c} connections (100), {@code -s} message bytes (64), {@code -d} measured
 * seconds (10), {@code -w} warmup seconds (3), {@code -t} client threads (1), {@code --mode}
 * {@code nio} (default) or {@code vthreads}, {@code --idle N} extra connections opened, checked
 * with one round trip and then left idle for the whole run, {@code --server-pid P} to report
 * the server's CPU time (Linux /proc) over the measured window.
 *
 * <p><b>Design.</b> The default {@code nio} mode drives all connections from one JDK
 * {@link Selector} on one platform thread (or {@code -t} of them), so the client spends few
 * cycles per round trip and can hold 10,000 connections with 2 buffers each. The
 * {@code vthreads} mode runs one virtual thread per connection on java.net sockets; it is
 * kept to compare the two, and on a 2-core machine it costs more client CPU per round trip
 * (it goes through the JDK poller and a carrier hand-off per read), leaving less for the
 * server being measured. The client prints its own CPU use so the choice can be checked.
 */
public final class LoadClient {
    private enum Phase { WARMUP, MEASURE, DONE }

    private final InetSocketAddress server;
    private final int connections;
    private final int size;
    private final int threads;
    private volatile Phase phase = Phase.WARMUP;
    private volatile String failure;

    private LoadClient(InetSocketAddress server, int connections, int size, int threads) {
        this.server = server;
        this.connections = connections;
        this.size = size;
        this.threads = threads;
    }

    public static void main(String[] args) throws Exception {
        int connections = 100;
        int size = 64;
        double duration = 10;
        double warmup = 3;
        int threads = 1;
        int idle = 0;
        long serverPid = -1;
        String mode = "nio";
        String target = "localhost:9000";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> connections = Integer.parseInt(args[++i]);
                case "-s" -> size = Integer.parseInt(args[++i]);
                case "-d" -> duration = Double.parseDouble(args[++i]);
                case "-w" -> warmup = Double.parseDouble(args[++i]);
                case "-t" -> threads = Integer.parseInt(args[++i]);
                case "--idle" -> idle = Integer.parseInt(args[++i]);
                case "--server-pid" -> serverPid = Long.parseLong(args[++i]);
                case "--mode" -> mode = args[++i];
                case "-h", "--help" -> {
                    System.out.println("usage: LoadClient [-c conns] [-s bytes] [-d secs] [-w secs]"
                            + " [-t threads] [--mode nio|vthreads] [--idle N] [--server-pid P] host:port");
                    return;
                }
                default -> target = args[i];
            }
        }
        int colon = target.lastIndexOf(':');
        var address = new InetSocketAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)));
        if (size < 1 || connections < 0 || threads < 1) {
            throw new IllegalArgumentException("need size >= 1, connections >= 0, threads >= 1");
        }
        new LoadClient(address, connections, size, threads)
                .run(mode, idle, (long) (warmup * 1e9), (long) (duration * 1e9), serverPid);
    }

    private void run(String mode, int idle, long warmupNanos, long durationNanos, long serverPid)
            throws Exception {
        System.out.printf("LoadClient: %d connections x %d B to %s, %s mode, %d thread(s), "
                        + "warmup %.1f s, measured %.1f s%s%n", connections, size, server, mode,
                threads, warmupNanos / 1e9, durationNanos / 1e9,
                idle > 0 ? ", plus " + idle + " idle connections" : "");
        long connectStart = System.nanoTime();
        List<SocketChannel> idlers = openIdle(idle);
        if (idle > 0) {
            System.out.printf("READY %d idle connections open and checked (%.1f s)%n", idle,
                    (System.nanoTime() - connectStart) / 1e9);
        }
        List<Worker> workers = switch (mode) {
            case "nio" -> startNio();
            case "vthreads" -> startVirtual();
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        System.out.printf("connected %d in %.1f s%n", connections + idle,
                (System.nanoTime() - connectStart) / 1e9);

        sleepWatching(warmupNanos);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long server0 = serverCpuNanos(serverPid);
        phase = Phase.MEASURE;        // each worker resets its counters when it sees this
        long start = System.nanoTime();
        sleepWatching(durationNanos);
        phase = Phase.DONE;
        long elapsed = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpu0;
        long serverCpu = serverCpuNanos(serverPid) - server0;
        for (Worker w : workers) {
            w.thread.join(5000);
        }
        checkFailure();

        var latency = new LatencyHistogram();
        long roundTrips = 0;
        var counted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Stats, Boolean>());
        for (Worker w : workers) {
            if (counted.add(w.stats)) {
                latency.add(w.stats.latency);
                roundTrips += w.stats.roundTrips;
            }
        }
        double seconds = elapsed / 1e9;
        double rtps = roundTrips / seconds;
        double mbps = rtps * size / 1e6;
        System.out.printf("throughput: %,.0f round trips/s, %.1f MB/s each way%n", rtps, mbps);
        System.out.printf("latency: p50 %.1f us, p99 %.1f us, p999 %.1f us, max %.1f us%n",
                latency.percentile(0.50) / 1e3, latency.percentile(0.99) / 1e3,
                latency.percentile(0.999) / 1e3, latency.max() / 1e3);
        System.out.printf("client CPU: %.0f%% of one core, %.2f us per round trip%n",
                100.0 * cpu / elapsed, roundTrips == 0 ? 0 : cpu / 1e3 / roundTrips);
        String serverPart = "";
        if (serverCpu >= 0) {
            System.out.printf("server CPU: %.0f%% of one core, %,.0f round trips per server CPU-second%n",
                    100.0 * serverCpu / elapsed, serverCpu == 0 ? 0 : roundTrips / (serverCpu / 1e9));
            serverPart = String.format(" server_cpu_pct=%.1f rt_per_server_cpu_s=%.0f",
                    100.0 * serverCpu / elapsed, serverCpu == 0 ? 0 : roundTrips / (serverCpu / 1e9));
        }
        System.out.printf("verified: %,d round trips, every byte checked, %d connections intact%n",
                roundTrips, connections + idle);
        // One line for scripts to parse.
        System.out.printf("RESULT conns=%d size=%d rt_per_s=%.0f mb_per_s=%.2f p50_us=%.1f p99_us=%.1f "
                        + "p999_us=%.1f max_us=%.1f client_cpu_pct=%.1f%s%n",
                connections, size, rtps, mbps, latency.percentile(0.50) / 1e3,
                latency.percentile(0.99) / 1e3, latency.percentile(0.999) / 1e3,
                latency.max() / 1e3, 100.0 * cpu / elapsed, serverPart);
        for (SocketChannel ch : idlers) {
            resetClose(ch);
        }
        System.exit(0);
    }

    private void sleepWatching(long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            checkFailure();
            Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
        }
        checkFailure();
    }

    private void checkFailure() {
        if (failure != null) {
            System.err.println("FAIL: " + failure);
            System.out.println("RESULT failed");
            System.exit(2);
        }
    }

    private void fail(String message) {
        if (failure == null) {
            failure = message;
        }
    }

    /** Opens connections that do one checked round trip and then stay idle. */
    private List<SocketChannel> openIdle(int count) throws IOException {
        List<SocketChannel> idlers = new ArrayList<>(count);
        ByteBuffer sent = ByteBuffer.allocate(size);
        ByteBuffer back = ByteBuffer.allocate(size);
        for (int i = 0; i < count; i++) {
            SocketChannel ch = connect();
            idlers.add(ch);
            fill(sent, -1 - i, 0, new SplittableRandom(i));
            while (sent.hasRemaining()) {
                ch.write(sent);
            }
            back.clear();
            while (back.hasRemaining()) {
                if (ch.read(back) < 0) {
                    throw new IOException("server closed idle connection " + i);
                }
            }
            if (back.flip().mismatch(sent.flip()) >= 0) {
                fail("idle connection " + i + ": echoed bytes differ");
                checkFailure();
            }
        }
        return idlers;
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.socket().connect(server, 10_000);
        return ch;
    }

    /** Closes with a reset so that thousands of closes leave no client ports in TIME_WAIT. */
    private static void resetClose(SocketChannel ch) {
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * The message for round {@code seq} of connection {@code id}: random bytes fixed per
     * connection, with the id and round number in front so a reply from another connection or
     * an earlier round cannot pass the check.
     */
    private static void fill(ByteBuffer message, long id, long seq, SplittableRandom random) {
        message.clear();
        if (random != null) {
            while (message.remaining() >= 8) {
                message.putLong(random.nextLong());
            }
            while (message.hasRemaining()) {
                message.put((byte) random.nextInt());
            }
        }
        for (int i = 0; i < Math.min(16, message.capacity()); i++) {
            long word = i < 8 ? seq : id;
            message.put(i, (byte) (word >>> (8 * (i % 8))));
        }
        message.clear();
    }

    private static long serverCpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime + stime
            return ticks * 10_000_000L;                                    // USER_HZ is 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // ---- workers ----

    /** Counts of the measured window: one per nio thread; virtual threads share 16 stripes. */
    private static final class Stats {
        final LatencyHistogram latency = new LatencyHistogram();
        long roundTrips;
    }

    private abstract class Worker implements Runnable {
        final Stats stats;
        Thread thread;

        Worker(Stats stats) {
            this.stats = stats;
        }

        /** Called after each checked round trip; counts only in the measured window. */
        final void completed(long sentAt, long now) {
            if (phase == Phase.MEASURE) {
                stats.latency.record(now - sentAt);
                stats.roundTrips++;
            }
        }
    }

    /** One connection's state in nio mode. */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer sent;
        final ByteBuffer received;
        SelectionKey key;
        long seq;
        long sentAt;

        Conn(int id, SocketChannel channel, int size) {
            this.id = id;
            this.channel = channel;
            this.sent = ByteBuffer.allocateDirect(size);
            this.received = ByteBuffer.allocateDirect(size);
            fill(sent, id, 0, new SplittableRandom(id));
        }
    }

    private List<Worker> startNio() throws IOException {
        List<NioWorker> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(new NioWorker(Selector.open()));
        }
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = connect();
            ch.configureBlocking(false);
            Conn conn = new Conn(i, ch, size);
            NioWorker w = workers.get(i % threads);
            conn.key = ch.register(w.selector, SelectionKey.OP_READ, conn);
            w.conns.add(conn);
        }
        List<Worker> started = new ArrayList<>();
        for (NioWorker w : workers) {
            w.thread = Thread.ofPlatform().name("load-nio").daemon().start(w);
            started.add(w);
        }
        return started;
    }

    private final class NioWorker extends Worker {
        final Selector selector;
        final List<Conn> conns = new ArrayList<>();

        NioWorker(Selector selector) {
            super(new Stats());
            this.selector = selector;
        }

        @Override
        public void run() {
            try {
                for (Conn c : conns) {
                    send(c);
                }
                while (phase != Phase.DONE && failure == null) {
                    selector.select(100);
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        Conn c = (Conn) key.attachment();
                        if (key.isWritable()) {
                            writeMore(c);
                        }
                        if (key.isReadable()) {
                            readMore(c);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                fail("client I/O error: " + e);
            } finally {
                for (Conn c : conns) {
                    resetClose(c.channel);
                }
            }
        }

        private void send(Conn c) throws IOException {
            c.sent.clear();
            c.sentAt = System.nanoTime();
            writeMore(c);
        }

        private void writeMore(Conn c) throws IOException {
            c.channel.write(c.sent);
            int wanted = c.sent.hasRemaining()
                    ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (c.key.interestOps() != wanted) {
                c.key.interestOps(wanted);
            }
        }

        private void readMore(Conn c) throws IOException {
            if (c.channel.read(c.received) < 0) {
                fail("connection " + c.id + ": server closed it in round " + c.seq);
                return;
            }
            if (c.received.hasRemaining()) {
                return;  // part of the echo is still on its way
            }
            long now = System.nanoTime();
            c.received.flip();
            c.sent.clear();
            long at = c.received.mismatch(c.sent);
            if (at >= 0) {
                fail("connection " + c.id + ", round " + c.seq + ": byte " + at + " is "
                        + c.received.get((int) at) + ", sent " + c.sent.get((int) at));
                return;
            }
            completed(c.sentAt, now);
            c.received.clear();
            c.seq++;
            fill(c.sent, c.id, c.seq, null);   // new header, same random body
            send(c);
        }
    }

    private List<Worker> startVirtual() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(server, 10_000);
            sockets.add(s);
        }
        Stats[] stripes = new Stats[16];
        Arrays.setAll(stripes, i -> new Stats());
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            VirtualWorker w = new VirtualWorker(i, sockets.get(i), stripes[i % stripes.length]);
            w.thread = Thread.ofVirtual().start(w);
            workers.add(w);
        }
        return workers;
    }

    /** vthreads mode: one virtual thread per connection on java.net sockets. */
    private final class VirtualWorker extends Worker {
        final int id;
        final Socket socket;

        VirtualWorker(int id, Socket socket, Stats stats) {
            super(stats);
            this.id = id;
            this.socket = socket;
        }

        @Override
        public void run() {
            ByteBuffer sent = ByteBuffer.allocate(size);
            byte[] received = new byte[size];
            fill(sent, id, 0, new SplittableRandom(id));
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (long seq = 0; phase != Phase.DONE && failure == null; seq++) {
                    fill(sent, id, seq, null);
                    long sentAt = System.nanoTime();
                    out.write(sent.array());
                    in.readNBytes(received, 0, size);
                    long now = System.nanoTime();
                    int at = Arrays.mismatch(received, sent.array());
                    if (at >= 0) {
                        fail("connection " + id + ", round " + seq + ": byte " + at + " differs");
                        return;
                    }
                    synchronized (stats) {
                        completed(sentAt, now);
                    }
                }
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                fail("connection " + id + ": " + e);
            }
        }
    }
}
