package dev.weft.loom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of virtual threads parked in reads at once, each on its own connection, then all
 * released. Both ends live in this process, so the count stays well under the open-file limit;
 * the larger, two-process run is the separate soak command.
 */
@Timeout(180)
class ManyBlockedReadersTest {
    private static final int CONNECTIONS = Integer.getInteger("weft.loom.connections", 3000);

    @Test
    void thousandsOfParkedReadersAreAllReleasedWithTheirByte() throws Exception {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))) {
            List<TcpConnection> clients = new ArrayList<>();
            List<TcpConnection> servers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(weft.connect(listener.localAddress()));
                servers.add(listener.accept());
            }

            AtomicInteger parked = new AtomicInteger();
            AtomicInteger correct = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(CONNECTIONS);
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpConnection server = servers.get(i);
                byte expected = (byte) i;
                readers.add(Thread.ofVirtual().start(() -> {
                    byte[] one = new byte[1];
                    try {
                        parked.incrementAndGet();
                        if (server.read(one, 0, 1) == 1 && one[0] == expected) {
                            correct.incrementAndGet();
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    } finally {
                        done.countDown();
                    }
                }));
            }
            // Every reader must really be parked in the kernel wait, not spinning or finished.
            for (Thread reader : readers) {
                while (reader.getState() != Thread.State.WAITING) {
                    assertThat(reader.isAlive()).as("reader finished before any data was sent").isTrue();
                    Thread.sleep(1);
                }
            }
            assertThat(done.getCount()).isEqualTo(CONNECTIONS);

            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).write(new byte[] {(byte) i}, 0, 1);
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            assertThat(correct).hasValue(CONNECTIONS);

            clients.forEach(TcpConnection::close);
            servers.forEach(TcpConnection::close);
        }
    }
}
