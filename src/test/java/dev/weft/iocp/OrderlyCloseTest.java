package dev.weft.iocp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.BackendConfig;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a connection with input left unread ends in an orderly close, as java.net's does: the
 * peer reads everything sent and then end of stream, not a reset. Only SO_LINGER 0 resets.
 * The peer is a weft socket too: it reports a reset as an exception, never as end of stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrderlyCloseTest {
    private static final byte[] REQUEST = new byte[4096];
    private static final byte[] RESPONSE = "HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n".getBytes();

    private IocpBackend backend;
    private NativeListener listener;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Arena arena = Arena.ofShared();

    @BeforeAll
    static void onlyOnWindows() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Windows"), "IOCP needs Windows");
    }

    @BeforeEach
    void open() throws IOException {
        backend = new IocpBackend(new BackendConfig(2, 64, 2));
        listener = backend.listen(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 50);
    }

    @AfterEach
    void close() throws InterruptedException {
        listener.close();
        backend.close();
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        arena.close();
    }

    @Test
    void closeWithUnreadInputLetsThePeerReadTheResponseAndThenEndOfStream() throws Exception {
        NativeSocket[] pair = pairWithUnreadRequest();
        NativeSocket client = pair[0];
        NativeSocket server = pair[1];
        server.writeFully(nativeCopy(RESPONSE));
        assertArrayEquals(RESPONSE, readExactly(client, RESPONSE.length));
        Future<Integer> nextRead = blockedRead(client);

        server.close();

        assertEquals(-1, nextRead.get(30, TimeUnit.SECONDS), "after the response: end of stream");
        client.close();
    }

    @Test
    void closeWithLingerZeroResetsThePeer() throws Exception {
        NativeSocket[] pair = pairWithUnreadRequest();
        NativeSocket client = pair[0];
        NativeSocket server = pair[1];
        Future<Integer> blocked = blockedRead(client);

        server.setOption(SocketOptionKind.SO_LINGER, 0);
        server.close();

        ExecutionException failed = assertThrows(ExecutionException.class, () -> blocked.get(30, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof SocketException reset && reset.getMessage().contains("reset"),
                String.valueOf(failed.getCause()));
        client.close();
    }

    /**
     * A read already waiting when the close happens: Wine reports a reset that arrives before a
     * read as end of stream (see the contract suite's ResetOracle), but a waiting read sees it.
     */
    private Future<Integer> blockedRead(NativeSocket socket) throws InterruptedException {
        MemorySegment buffer = arena.allocate(64);
        Future<Integer> read = threads.submit(() -> socket.read(buffer, 0));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (socket.inFlight() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertEquals(1, socket.inFlight(), "the read is waiting");
        return read;
    }

    /** [client, server]; the client has sent a request the server never reads. */
    private NativeSocket[] pairWithUnreadRequest() throws Exception {
        InetSocketAddress address = listener.localAddress();
        Future<NativeSocket> accepted = threads.submit(() -> listener.accept(0));
        NativeSocket client = backend.openStream(address);
        client.connect(address, TimeUnit.SECONDS.toNanos(10));
        NativeSocket server = accepted.get(30, TimeUnit.SECONDS);
        client.writeFully(nativeCopy(REQUEST));
        return new NativeSocket[] {client, server};
    }

    private MemorySegment nativeCopy(byte[] bytes) {
        MemorySegment m = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return m;
    }

    private byte[] readExactly(NativeSocket socket, int length) throws IOException {
        MemorySegment buffer = arena.allocate(length);
        int filled = 0;
        while (filled < length) {
            int n = socket.read(buffer.asSlice(filled), 0);
            if (n < 0) {
                throw new IOException("end of stream after " + filled + " of " + length + " bytes");
            }
            filled += n;
        }
        return buffer.toArray(ValueLayout.JAVA_BYTE);
    }
}
