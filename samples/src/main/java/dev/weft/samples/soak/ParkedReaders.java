package dev.weft.samples.soak;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two halves of the large parked-readers run: the server parks one virtual thread in a read
 * on each of up to N accepted connections; the client, in another process (each process may
 * open 20,000 files here), opens the connections, then sends one byte on each and checks the
 * reply. Each side reports how many it reached and, if fewer than asked, why it stopped.
 */
final class ParkedReaders {
    private ParkedReaders() {
    }

    static boolean server(int port, int wanted) throws Exception {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(Soak.loopback(), port), 4096)) {
            System.out.printf("[parked] server listening on %s for %d connections%n", listener.localAddress(), wanted);
            AtomicInteger parked = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            List<Thread> readers = new ArrayList<>();
            String stoppedBy = null;
            long start = System.nanoTime();
            for (int i = 0; i < wanted; i++) {
                TcpConnection conn;
                try {
                    conn = listener.accept(Duration.ofSeconds(60));
                } catch (IOException e) {
                    stoppedBy = e.toString();
                    break;
                }
                readers.add(Thread.ofVirtual().start(() -> {
                    byte[] one = new byte[1];
                    try (conn) {
                        parked.incrementAndGet();
                        if (conn.read(one, 0, 1) == 1) {
                            one[0]++;
                            conn.write(one, 0, 1);
                            answered.incrementAndGet();
                        }
                        conn.read(one, 0, 1); // wait for the client's close
                    } catch (IOException e) {
                        // the client went away
                    }
                }));
            }
            int accepted = readers.size();
            System.out.printf("[parked] server: %d connections accepted, %d virtual threads parked in read, stats %s, "
                            + "fds %d, in %.1f s%s%n", accepted, parked.get(), weft.stats(), Soak.kernelDescriptors(),
                    (System.nanoTime() - start) / 1e9, stoppedBy == null ? "" : "; stopped by " + stoppedBy);
            for (Thread t : readers) {
                t.join(TimeUnit.MINUTES.toMillis(5));
            }
            System.out.printf("[parked] server: %d readers released and answered%n", answered.get());
            done.countDown();
            return accepted > 0 && answered.get() == accepted;
        }
    }

    static boolean client(int port, int wanted) throws Exception {
        try (WeftRuntime weft = WeftRuntime.open()) {
            InetSocketAddress server = new InetSocketAddress(Soak.loopback(), port);
            List<TcpConnection> conns = new ArrayList<>();
            String stoppedBy = null;
            long start = System.nanoTime();
            for (int i = 0; i < wanted; i++) {
                try {
                    conns.add(weft.connect(server, Duration.ofSeconds(30)));
                } catch (IOException e) {
                    stoppedBy = e.toString();
                    break;
                }
            }
            System.out.printf("[parked] client: %d connections open in %.1f s%s%n", conns.size(),
                    (System.nanoTime() - start) / 1e9, stoppedBy == null ? "" : "; stopped by " + stoppedBy);
            Thread.sleep(2000); // let the server park its readers; the server reports how many
            int ok = 0;
            long released = System.nanoTime();
            for (int i = 0; i < conns.size(); i++) {
                conns.get(i).write(new byte[] {(byte) i}, 0, 1);
            }
            byte[] one = new byte[1];
            for (int i = 0; i < conns.size(); i++) {
                if (conns.get(i).read(one, 0, 1) == 1 && one[0] == (byte) (i + 1)) {
                    ok++;
                }
            }
            System.out.printf("[parked] client: %d of %d answers correct, all released in %.2f s%n", ok, conns.size(),
                    (System.nanoTime() - released) / 1e9);
            conns.forEach(TcpConnection::close);
            return ok == conns.size() && !conns.isEmpty();
        }
    }
}
