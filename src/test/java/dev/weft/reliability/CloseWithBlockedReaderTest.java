package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import dev.weft.contract.Background;
import dev.weft.loom.Carriers;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A runtime closes while a thread of the user's is blocked in a read and every carrier is held
 * by a computation that never parks. The close wakes the reader, but the reader cannot return
 * without a carrier, and its connection's memory may be freed only once it has. So the close
 * must wait for it up to the builder's {@code closeWait}, then return without freeing that
 * memory (leaking it); and when the carriers come back, the reader must return with a
 * {@link SocketException}, not hang on a runtime whose completion threads have stopped, and the
 * connection must then be released.
 */
@Timeout(90)
class CloseWithBlockedReaderTest {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private volatile boolean computing = true;

    @Test
    void closeGivesUpOnAReaderWithNoCarrierAndTheReaderStillReturns() throws Exception {
        WeftRuntime weft = WeftRuntime.builder().closeWait(CLOSE_WAIT).open();
        List<Thread> computations = new ArrayList<>();
        AtomicReference<Throwable> readOutcome = new AtomicReference<>();
        try (Socket client = new Socket()) {
            TcpListener listener = weft.listen(Streams.anyLoopbackPort());
            client.connect(listener.localAddress(), 10_000);
            TcpConnection served = listener.accept();
            listener.close();

            Thread reader = Thread.ofVirtual().name("blocked-reader").start(() -> {
                try {
                    served.read(ByteBuffer.allocateDirect(64));
                    readOutcome.set(new AssertionError("read returned with nothing sent"));
                } catch (Throwable e) {
                    readOutcome.set(e);
                }
            });
            Background.awaitParked(reader);

            computations.addAll(Carriers.occupyAll(() -> computing));

            long started = System.nanoTime();
            AtomicReference<Throwable> closeFailure = new AtomicReference<>();
            Thread closer = Thread.ofPlatform().name("closer").start(() -> {
                try {
                    weft.close();
                } catch (Throwable e) {
                    closeFailure.set(e);
                }
            });
            assertThat(closer.join(CLOSE_WAIT.plusSeconds(10)))
                    .as("close returned within closeWait (%s) and 10 s", CLOSE_WAIT).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(closeFailure.get()).as("close failed").isNull();
            assertThat(took).as("close waited for the blocked reader").isGreaterThanOrEqualTo(CLOSE_WAIT);
            assertThat(reader.isAlive()).as("the reader had no carrier to return on").isTrue();
            WeftStats gaveUp = weft.stats();
            assertThat(gaveUp.openHandles()).as("the reader's connection is not released under it").isEqualTo(1);
            assertThat(gaveUp.liveNativeBytes()).as("native memory left, not freed").isPositive();

            computing = false;
            assertThat(reader.join(Duration.ofSeconds(10))).as("the reader returned once it had a carrier").isTrue();
            assertThat(readOutcome.get()).as("the read's outcome").isInstanceOf(SocketException.class);
            assertThat(served.isOpen()).isFalse();
            assertThat(weft.stats().openHandles()).as("the connection released when its read returned").isZero();
        } finally {
            computing = false;
            for (Thread t : computations) {
                t.join(10_000);
            }
            weft.close();
        }
    }
}
