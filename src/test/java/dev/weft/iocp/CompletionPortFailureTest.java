package dev.weft.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.core.BackendConfig;
import dev.weft.core.NativeListener;
import dev.weft.core.NativeSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A completion port that fails under its completion threads (here: its handle closed) must not
 * leave anyone hanging: every waiter fails with an exception naming the cause, the backend
 * reports itself broken and refuses new sockets, and closing it still returns. One completion
 * thread, so that the one packet sent after the close is sure to wake the thread that waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletionPortFailureTest {

    @BeforeAll
    static void onlyOnWindows() {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Windows"), "IOCP needs Windows");
    }

    @Test
    void closingThePortFailsEveryWaiterAndMarksTheBackendBroken() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
        try (IocpBackend backend = new IocpBackend(new BackendConfig(1, 64, 2));
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Arena arena = Arena.ofShared()) {
            NativeListener listener = backend.listen(loopback, 50);
            InetSocketAddress address = listener.localAddress();
            Future<NativeSocket> accepted = threads.submit(() -> listener.accept(0));
            NativeSocket client = backend.openStream(address);
            client.connect(address, TimeUnit.SECONDS.toNanos(10));
            NativeSocket server = accepted.get(30, TimeUnit.SECONDS);
            Future<NativeSocket> triggerAccepted = threads.submit(() -> listener.accept(0));
            NativeSocket triggerClient = backend.openStream(address);
            triggerClient.connect(address, TimeUnit.SECONDS.toNanos(10));
            NativeSocket triggerServer = triggerAccepted.get(30, TimeUnit.SECONDS);
            Future<Integer> triggerRead = threads.submit(() -> triggerServer.read(arena.allocate(16), 0));

            MemorySegment buffer = arena.allocate(1024);
            Future<Integer> blockedRead = threads.submit(() -> server.read(buffer, 0));
            Future<NativeSocket> blockedAccept = threads.submit(() -> listener.accept(0));
            awaitInFlight(server);
            awaitInFlight(triggerServer);
            assertNull(backend.failure(), "a working backend reports no failure");

            Kernel32.CloseHandle(CallState.allocate(arena), backend.port());
            // Windows wakes a thread blocked on a closed port at once (ERROR_ABANDONED_WAIT_0);
            // Wine does not, so one more packet wakes it and its next wait fails on the handle.
            MemorySegment oneByte = arena.allocate(1);
            try {
                triggerClient.writeFully(oneByte);
            } catch (IOException portAlreadyFailed) {
                // Windows: the failure came first and closed this connection too
            }

            assertFailsNamingThePort(blockedRead);
            assertFailsNamingThePort(blockedAccept);
            assertNotNull(backend.failure(), "the backend reports itself broken");
            IOException refused = assertThrows(IOException.class, () -> backend.openStream(address));
            assertTrue(refused.getMessage().contains("GetQueuedCompletionStatusEx"), refused.getMessage());
            try {
                triggerRead.get(30, TimeUnit.SECONDS); // its byte (Wine), or the failure (Windows)
            } catch (ExecutionException eitherWay) {
                // fine: only the other waiters are under test
            }
            assertTrue(client.isClosed() && server.isClosed() && listener.isClosed(),
                    "every handle is closed once the port failed");
        }
    }

    private static void awaitInFlight(NativeSocket socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (socket.inFlight() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertEquals(1, socket.inFlight(), "the read is in flight");
    }

    private static void assertFailsNamingThePort(Future<?> blocked) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().contains("GetQueuedCompletionStatusEx"), e.getCause().getMessage());
    }
}
