package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One reader and one writer run at once on a connection. Both ends send 16 MiB before reading
 * anything back would be possible, so the transfer completes only if reads and writes truly
 * overlap; and concurrent writers never interleave the bytes of one write.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FullDuplexContractTest extends ContractTestBase {
    private static final int VOLUME = 16 << 20;

    @ParameterizedTest(name = "[{index}] peer {0}")
    @ValueSource(strings = {"jdk", "weft"})
    void readAndWriteAtOnceMoveLargeVolumesBothWays(String peerKind) throws Exception {
        Duplex local;
        Duplex peer;
        if (peerKind.equals("jdk")) {
            WeftAndJdk pair = weftClientOfJdkServer();
            local = Duplex.Style.DIRECT_BUFFER.over(pair.weft());
            peer = Duplex.over(pair.jdk());
        } else {
            WeftPair pair = weftToWeft();
            local = Duplex.Style.HEAP_BUFFER.over(pair.client());
            peer = Duplex.Style.BYTE_ARRAY.over(pair.server());
        }
        byte[] outbound = Payloads.random(VOLUME, 1);
        byte[] inbound = Payloads.random(VOLUME, 2);

        var localWriter = Background.start("local-writer", () -> {
            Transfers.writeInChunks(local, outbound, 256 * 1024, 5);
            local.shutdownOutput();
            return null;
        });
        var peerWriter = Background.start("peer-writer", () -> {
            Transfers.writeInChunks(peer, inbound, 256 * 1024, 6);
            peer.shutdownOutput();
            return null;
        });
        var localReader = Background.start("local-reader", () -> Transfers.readToEnd(local, 100_000));
        var peerReader = Background.start("peer-reader", () -> Transfers.readToEnd(peer, 100_000));

        Background.await(localWriter);
        Background.await(peerWriter);
        Payloads.assertSameBytes(Background.await(peerReader), outbound, "weft -> peer");
        Payloads.assertSameBytes(Background.await(localReader), inbound, "peer -> weft");
    }

    @Test
    void concurrentWritersNeverInterleaveTheBytesOfOneWrite() throws Exception {
        WeftAndJdk pair = weftClientOfJdkServer();
        TcpConnection conn = pair.weft();
        int writers = 4;
        int recordsEach = 100;
        int recordSize = 100_000; // larger than one pooled buffer, so a write takes several sends
        var tasks = new java.util.ArrayList<Background.Task<Void>>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            tasks.add(Background.start("writer-" + w, () -> {
                ByteBuffer record = writer % 2 == 0 ? ByteBuffer.allocate(recordSize) : ByteBuffer.allocateDirect(recordSize);
                for (int r = 0; r < recordsEach; r++) {
                    record.clear();
                    while (record.hasRemaining()) {
                        record.putInt(writer).putInt(r);
                    }
                    record.flip();
                    conn.write(record);
                }
                return null;
            }));
        }
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(pair.jdk().getInputStream()));
        Map<Integer, Integer> nextRecord = new HashMap<>();
        for (int i = 0; i < writers * recordsEach; i++) {
            int writer = in.readInt();
            int record = in.readInt();
            assertThat(record).as("record order of writer %d", writer).isEqualTo(nextRecord.getOrDefault(writer, 0));
            for (int at = 8; at < recordSize; at += 8) {
                int w = in.readInt();
                int r = in.readInt();
                if (w != writer || r != record) {
                    throw new AssertionError("record " + record + " of writer " + writer + " interleaved at byte "
                            + at + " with record " + r + " of writer " + w);
                }
            }
            nextRecord.put(writer, record + 1);
        }
        for (var task : tasks) {
            Background.await(task);
        }
    }
}
