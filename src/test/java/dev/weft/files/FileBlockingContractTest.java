package dev.weft.files;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.WeftFile;
import dev.weft.contract.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operations that really wait, made to wait by the kernel: a read from a FIFO (Linux) or named
 * pipe (Windows) nobody writes to parks until data comes, and a write larger than a FIFO's 64 KiB
 * buffer completes only partly each time the reader drains it. A regular file never makes an
 * operation wait that long, so this is how close, interrupt and partial writes are exercised.
 */
class FileBlockingContractTest extends FileTestBase {
    private Path fifo;

    @BeforeEach
    void fifo() throws Exception {
        fifo = leaks.track(WaitingFile.create(dir)).path();
    }

    /**
     * READ and WRITE: O_RDWR opens a FIFO at once (a named pipe opens once its server exists),
     * and a read waits for data that never comes.
     */
    private WeftFile openIdleFifo() throws IOException {
        return leaks.track(weft.openFile(fifo, READ, WRITE));
    }

    @Test
    void closeWakesEveryBlockedReaderWithAsynchronousClose() throws Exception {
        WeftFile file = openIdleFifo();
        List<Background.Task<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            readers.add(Background.start("reader-" + i, () -> file.channel().read(ByteBuffer.allocateDirect(100))));
        }
        for (Background.Task<Integer> reader : readers) {
            Background.awaitParked(reader.thread());
        }
        assertThat(weft.stats().liveOperations()).as("reads in flight").isEqualTo(20);
        file.close();
        for (Background.Task<Integer> reader : readers) {
            assertThat(Background.failureOf(reader)).isInstanceOf(AsynchronousCloseException.class);
        }
        assertThat(file.isOpen()).isFalse();
    }

    /**
     * A close that comes while the reads are still being set up in the kernel: each must still
     * end, every round. (A pipe read sent to io_uring's worker armed its poll after a cancel had
     * already looked for it, and slept forever: once in about a hundred closes.) Linux only: a
     * Windows named pipe takes one client, and CancelIoEx has no such window.
     */
    @Test
    void aCloseRightAfterTheReadsWereSubmittedWakesEveryReaderEveryTime() throws Exception {
        assumeTrue(WaitingFile.isLinux(), "one FIFO reopened every round (Linux)");
        for (int round = 0; round < 150; round++) {
            WeftFile file = openIdleFifo();
            List<Background.Task<Integer>> readers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                readers.add(Background.start("reader-" + i, () -> file.read(ByteBuffer.allocateDirect(10), 0)));
            }
            while (weft.stats().liveOperations() < readers.size()) {
                Thread.onSpinWait();
            }
            file.close();
            for (Background.Task<Integer> reader : readers) {
                assertThat(Background.failureOf(reader)).as("round %d", round).isInstanceOf(AsynchronousCloseException.class);
            }
        }
    }

    @Test
    void interruptClosesTheFileAndThrowsClosedByInterrupt() throws Exception {
        WeftFile file = openIdleFifo();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Background.Task<Integer> reader = Background.start("reader", () -> {
            try {
                return file.channel().read(ByteBuffer.allocate(100));
            } finally {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        Background.awaitParked(reader.thread());
        reader.thread().interrupt();
        assertThat(Background.failureOf(reader)).isInstanceOf(ClosedByInterruptException.class);
        assertThat(stillInterrupted).as("the interrupt status stays set, as FileChannel leaves it").isTrue();
        assertThat(file.isOpen()).as("an interrupt closes the file, as it closes a FileChannel").isFalse();
    }

    @Test
    void anInterruptBeforeTheCallClosesTheFileToo() throws Exception {
        WeftFile file = openIdleFifo();
        Background.Task<Integer> reader = Background.start("reader", () -> {
            Thread.currentThread().interrupt();
            return file.read(ByteBuffer.allocate(1), 0);
        });
        assertThat(Background.failureOf(reader)).isInstanceOf(ClosedByInterruptException.class);
        assertThat(file.isOpen()).isFalse();
    }

    /** Linux only: a Windows pipe write completes whole, and no file system there writes short. */
    @Test
    void aWriteTheKernelTakesInPartsIsReissuedUntilEveryByteIsWritten() throws Exception {
        assumeTrue(WaitingFile.isLinux(), "partial writes are made with a FIFO (Linux)");
        byte[] bytes = Payload.random(17, 4 << 20);
        try (FileChannel drain = FileChannel.open(fifo, READ, WRITE)) { // the reader end, open first
            WeftFile file = leaks.track(weft.openFile(fifo, WRITE, APPEND));
            Background.Task<Void> writer = Background.start("writer", () -> {
                ByteBuffer src = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
                assertThat(file.channel().write(src)).isEqualTo(bytes.length);
                return null;
            });
            ByteBuffer received = ByteBuffer.allocate(bytes.length);
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            while (received.hasRemaining()) {
                chunk.clear().limit(Math.min(chunk.capacity(), received.remaining()));
                assertThat(drain.read(chunk)).isPositive();
                received.put(chunk.flip());
            }
            Background.await(writer);
            assertThat(received.array()).as("every byte, in order").isEqualTo(bytes);
            assertThat(file.partialWritesResumed()).as("writes the FIFO took only part of").isPositive();
        }
    }
}
