package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thousand connections, one virtual thread per end, all open and echoing at the same time. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManyConnectionsContractTest extends ContractTestBase {
    private static final int CONNECTIONS = 1000;

    @Test
    void thousandConcurrentConnectionsEchoChecksummedPayloadsAtOnce() throws Exception {
        TcpListener listener = weftListener();
        AtomicInteger serversDone = new AtomicInteger();
        List<Background.Task<Payloads.Tally>> servers = new ArrayList<>();
        Background.Task<Void> acceptLoop = Background.start("accept-loop", () -> {
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpConnection conn = weftAccept(listener);
                synchronized (servers) {
                    servers.add(Background.start("echo-" + i, () -> {
                        try (conn) {
                            return Transfers.echoUntilEndOfStream(Duplex.Style.BYTE_ARRAY.over(conn), 1500);
                        } finally {
                            serversDone.incrementAndGet();
                        }
                    }));
                }
            }
            return null;
        });

        CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
        AtomicInteger openAtOnce = new AtomicInteger();
        List<Background.Task<Void>> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int id = i;
            clients.add(Background.start("client-" + i, () -> {
                byte[] payload = Payloads.random(500 + (id * 37) % 4000, id);
                try (TcpConnection conn = weftConnect(listener.localAddress())) {
                    allConnected.countDown();
                    if (!allConnected.await(60, TimeUnit.SECONDS)) {
                        throw new AssertionError("not all clients connected; missing " + allConnected.getCount());
                    }
                    openAtOnce.accumulateAndGet(weft.openHandles(), Math::max);
                    Duplex end = (id % 2 == 0 ? Duplex.Style.DIRECT_BUFFER : Duplex.Style.HEAP_BUFFER).over(conn);
                    byte[] received = Transfers.sendAndReceiveToEnd(end, payload, 1024, 4096);
                    Payloads.assertSameBytes(received, payload, "echo of client " + id);
                }
                return null;
            }));
        }
        for (Background.Task<Void> client : clients) {
            Background.await(client, java.time.Duration.ofSeconds(90));
        }
        Background.await(acceptLoop);
        long echoedBytes = 0;
        synchronized (servers) {
            assertThat(servers).hasSize(CONNECTIONS);
            for (Background.Task<Payloads.Tally> server : servers) {
                echoedBytes += Background.await(server).bytes();
            }
        }
        assertThat(serversDone).hasValue(CONNECTIONS);
        assertThat(openAtOnce.get()).as("weft handles open at once (both ends, plus the listener)")
                .isGreaterThanOrEqualTo(CONNECTIONS + 1);
        System.out.println("[weft contract] " + CONNECTIONS + " connections echoed " + echoedBytes
                + " bytes; peak handles " + openAtOnce.get());
    }
}
