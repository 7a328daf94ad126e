package dev.weft.samples;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Line-based chat on weft: every line a client sends goes to every client. Try it with
 * {@code nc localhost 9001} (or telnet) from a few terminals; {@code /nick NAME} renames you.
 *
 * <p>Each client has two virtual threads: a reader that broadcasts its lines, and a writer
 * that drains the client's outbox, all waiting lines in one write. A broadcast only offers the line to each outbox and never
 * writes to a socket itself, so a client that stops reading cannot stall anyone else.
 *
 * <p><b>Slow clients.</b> An outbox holds at most {@value #OUTBOX_LINES} lines of at most
 * {@value #MAX_LINE} bytes, so memory per client is bounded. A client whose outbox is full
 * has fallen that far behind (its socket send buffer is full too) and is disconnected.
 * Disconnecting rather than silently dropping lines was chosen because a chat with holes in
 * it misleads its reader; a client that comes back gets a clean start.
 */
public final class ChatServer {
    static final int OUTBOX_LINES = 1024;
    static final int MAX_LINE = 1024;

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger guests = new AtomicInteger();

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9001;

        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(port))) {
            System.out.println("weft chat server, backend " + weft.backendName()
                    + ", listening on " + listener.localAddress());
            System.out.println("try: nc localhost " + listener.localAddress().getPort()
                    + "   (from two terminals)");
            ChatServer chat = new ChatServer();
            AcceptLoop.serve(listener, chat::serve);
        }
    }

    /** Runs on the client's reader thread until it leaves. */
    private void serve(TcpConnection conn) {
        Client client = new Client(conn, "guest-" + guests.incrementAndGet());
        Thread writer = Thread.startVirtualThread(client::drainOutbox);
        clients.add(client);
        client.send("* welcome " + client.name + "; /nick NAME renames you, "
                + clients.size() + " here");
        broadcast("* " + client.name + " joined");
        try (conn) {
            InputStream in = new BufferedInputStream(conn.inputStream(), MAX_LINE);
            String line;
            while ((line = readLine(in)) != null) {
                if (line.startsWith("/nick ") && !line.substring(6).isBlank()) {
                    String old = client.name;
                    client.name = line.substring(6).strip();
                    broadcast("* " + old + " is now " + client.name);
                } else if (!line.isEmpty()) {
                    broadcast("[" + client.name + "] " + line);
                }
            }
        } catch (IOException e) {
            // reset by the peer, or closed because it fell behind
        } finally {
            clients.remove(client);
            writer.interrupt();  // wakes the writer if it is waiting for a line
            broadcast("* " + client.name + " left");
        }
    }

    private void broadcast(String line) {
        for (Client client : clients) {
            client.send(line);
        }
    }

    /**
     * Reads one line of at most {@link #MAX_LINE} bytes (the rest of a longer line is
     * dropped), without its line ending; null at end of stream.
     */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.UTF_8).stripTrailing();  // drops telnet's \r
    }

    private static final class Client {
        final TcpConnection conn;
        final BlockingQueue<byte[]> outbox = new ArrayBlockingQueue<>(OUTBOX_LINES);
        volatile String name;

        Client(TcpConnection conn, String name) {
            this.conn = conn;
            this.name = name;
        }

        /** Never blocks: a client too far behind is disconnected instead. */
        void send(String line) {
            if (!outbox.offer((line + "\n").getBytes(StandardCharsets.UTF_8))) {
                conn.close();  // its reader and writer wake with SocketException and clean up
            }
        }

        /** Runs on the client's writer thread: sends every waiting line in one write. */
        void drainOutbox() {
            OutputStream out = conn.outputStream();
            List<byte[]> batch = new ArrayList<>(OUTBOX_LINES);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                while (true) {
                    batch.add(outbox.take());
                    outbox.drainTo(batch);
                    for (byte[] line : batch) {
                        bytes.write(line);
                    }
                    out.write(bytes.toByteArray());
                    batch.clear();
                    bytes.reset();
                }
            } catch (IOException | InterruptedException e) {
                conn.close();
            }
        }
    }
}
