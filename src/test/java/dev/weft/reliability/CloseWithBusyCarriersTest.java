package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.contract.Background;
import dev.weft.loom.Carriers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A runtime closes while virtual threads that never park hold every carrier. Nothing of weft's
 * that is a virtual thread can run then, so a close with no thread of the user's blocked in
 * weft must not wait for one. It did: each io_uring ring's close joined the ring's reaper (a
 * virtual thread), and the completions of what the close cancels were reaped only by that
 * reaper, so the close waited as long as the computations lasted (first seen with one carrier,
 * where threads that only yield to each other never let the reaper in).
 *
 * <p>What stays open across the close is what a server has between requests: a listener and a
 * connection whose receive is armed in the kernel (it has been read from), with no thread
 * blocked on either. Their cancels complete in the kernel; someone has to reap them.
 */
@Timeout(90)
class CloseWithBusyCarriersTest {
    private static final long CLOSE_LIMIT_SECONDS = 10;

    private volatile boolean computing = true;

    @Test
    void closeReturnsWhileEveryCarrierComputes() throws Exception {
        WeftRuntime weft = WeftRuntime.open();
        List<Thread> computations = new ArrayList<>();
        Thread closer = null;
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        try (Socket client = new Socket()) {
            TcpListener listener = weft.listen(Streams.anyLoopbackPort());
            client.connect(listener.localAddress(), 10_000);
            TcpConnection served = listener.accept();
            echoOnce(client, served); // the ring has worked: its reaper has run, the receive is armed

            computations.addAll(Carriers.occupyAll(() -> computing));

            closer = Thread.ofPlatform().name("closer").start(() -> {
                try {
                    weft.close();
                } catch (Throwable e) {
                    closeFailure.set(e);
                }
            });
            boolean closed = closer.join(Duration.ofSeconds(CLOSE_LIMIT_SECONDS));
            assertThat(closed).as("close returned within %d s while %d computations held every carrier",
                    CLOSE_LIMIT_SECONDS, computations.size()).isTrue();
            assertThat(closeFailure.get()).as("close failed").isNull();
            assertThat(listener.isClosed()).as("listener closed by the runtime's close").isTrue();
            if (weft.backendName().equals("io_uring")) { // IOCP's completion threads are platform threads
                assertThat(weft.stats().liveNativeBytes()).as("a ring left to its reaper, which has had no carrier")
                        .isPositive();
            }

            computing = false;
            for (Thread t : computations) {
                t.join(10_000);
            }
            // A reaper frees its ring once it runs: nothing stays for the next test to count.
            Background.awaitTrue("no native bytes once the reapers have had a carrier",
                    () -> weft.stats().liveNativeBytes() == 0);
        } finally {
            computing = false; // the carriers come back, so a close still waiting can finish
            for (Thread t : computations) {
                t.join(10_000);
            }
            if (closer != null) {
                closer.join(40_000);
            } else {
                weft.close();
            }
        }
    }

    /** Three bytes from the client, echoed by the served side: each side's ops go through a ring. */
    private static void echoOnce(Socket client, TcpConnection served) throws Exception {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        out.write(new byte[] {1, 2, 3});
        ByteBuffer buffer = ByteBuffer.allocateDirect(16);
        while (buffer.position() < 3) {
            assertThat(served.read(buffer)).isPositive();
        }
        buffer.flip();
        served.write(buffer);
        assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
    }
}
