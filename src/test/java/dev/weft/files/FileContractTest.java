package dev.weft.files;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Files over the platform's backend (io_uring on Linux, IOCP on Windows), on real files in a
 * temporary directory: data byte for byte (heap and direct buffers, many threads at once, a
 * large file), end of file, appends and the stream and channel views, checked against what
 * FileChannel reads and writes on the same files. After each test {@link dev.weft.reliability.LeakCheck} proves the
 * runtime is back at its baseline, and {@link ScratchDirectory} that no file in the directory
 * is left open.
 */
class FileContractTest extends FileTestBase {
    /** 1 GiB where the disk is fast; the Windows lane under Wine is given a smaller file. */
    static final long LARGE_FILE_BYTES = Long.getLong("weft.test.largeFileBytes",
            System.getProperty("os.name").startsWith("Windows") ? 64L << 20 : 1L << 30);


    private WeftFile open(Path path, java.nio.file.OpenOption... options) throws IOException {
        return leaks.track(weft.openFile(path, options));
    }

    @Test
    void writesAndReadsBackByteForByteWithHeapAndDirectBuffers() throws Exception {
        Path path = dir.resolve("data");
        WeftFile file = open(path, READ, WRITE, CREATE);
        long position = 0;
        List<byte[]> written = new ArrayList<>();
        for (int size : new int[] {1, 7, 4095, 4096, 65_536, 65_537, 200_003, 1 << 20}) {
            byte[] bytes = Payload.random(size, size);
            ByteBuffer src = size % 2 == 0 ? ByteBuffer.allocateDirect(size).put(bytes).flip() : ByteBuffer.wrap(bytes);
            assertThat(file.write(src, position)).isEqualTo(size);
            assertThat(src.hasRemaining()).isFalse();
            written.add(bytes);
            position += size;
        }
        assertThat(file.size()).isEqualTo(position);
        byte[] expected = Payload.concat(written);
        assertThat(Files.readAllBytes(path)).as("what FileChannel reads of weft's writes").isEqualTo(expected);
        assertThat(readAll(file, false)).as("read back through heap buffers").isEqualTo(expected);
        assertThat(readAll(file, true)).as("read back through direct buffers").isEqualTo(expected);

        // and weft reads what FileChannel wrote, at an odd offset
        byte[] more = Payload.random(3, 100_001);
        try (FileChannel jdk = FileChannel.open(path, WRITE)) {
            jdk.write(ByteBuffer.wrap(more), 12_345);
        }
        ByteBuffer back = ByteBuffer.allocate(more.length);
        while (back.hasRemaining()) {
            assertThat(file.read(back, 12_345 + back.position())).isPositive();
        }
        assertThat(back.array()).isEqualTo(more);
    }

    /**
     * A shared arena's buffers (which weft copies through its own buffers, since another
     * thread may close the arena while a call waits) write and read back byte for byte,
     * larger than one pooled buffer, and one whose arena is closed is refused before any I/O.
     */
    @Test
    void sharedArenaBuffersWriteAndReadBackByteForByte() throws Exception {
        Path path = dir.resolve("shared");
        WeftFile file = open(path, READ, WRITE, CREATE);
        byte[] bytes = Payload.random(300_001, 9);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            ByteBuffer src = arena.allocate(bytes.length).asByteBuffer().put(bytes).flip();
            assertThat(file.write(src, 0)).isEqualTo(bytes.length);
            assertThat(Files.readAllBytes(path)).isEqualTo(bytes);
            ByteBuffer dst = arena.allocate(bytes.length).asByteBuffer();
            while (dst.hasRemaining()) {
                assertThat(file.read(dst, dst.position())).isPositive();
            }
            byte[] back = new byte[bytes.length];
            dst.flip().get(back);
            assertThat(back).isEqualTo(bytes);
        }
        java.lang.foreign.Arena closed = java.lang.foreign.Arena.ofShared();
        ByteBuffer freed = closed.allocate(64).asByteBuffer();
        closed.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> file.read(freed, 0))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> file.write(freed, 0))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(path)).as("the file after the refused calls").isEqualTo(bytes);
    }

    @Test
    void endOfFileIsMinusOneAndAReadAcrossItReturnsWhatIsThere() throws Exception {
        Path path = dir.resolve("eof");
        byte[] bytes = Payload.random(9, 1000);
        Files.write(path, bytes);
        WeftFile file = open(path, READ);
        try (FileChannel jdk = FileChannel.open(path, READ)) {
            for (long position : new long[] {0, 999, 1000, 1001, 1L << 40}) {
                for (int room : new int[] {1, 10, 4096}) {
                    ByteBuffer w = ByteBuffer.allocateDirect(room);
                    ByteBuffer j = ByteBuffer.allocateDirect(room);
                    assertThat(file.read(w, position)).as("read of %d at %d", room, position)
                            .isEqualTo(jdk.read(j, position));
                    assertThat(w.flip()).isEqualTo(j.flip());
                }
            }
        }
        WeftFile empty = open(dir.resolve("empty"), READ, WRITE, CREATE);
        assertThat(empty.read(ByteBuffer.allocate(10), 0)).isEqualTo(-1);
        assertThat(empty.read(ByteBuffer.allocate(0), 0)).as("no room: 0, as FileChannel").isZero();
    }

    @Test
    void aLargeFileWrittenAndReadByManyThreadsAtOnce() throws Exception {
        Path path = dir.resolve("large");
        int chunk = 8 << 20;
        int chunks = (int) (LARGE_FILE_BYTES / chunk);
        WeftFile file = open(path, READ, WRITE, CREATE);
        // 8 virtual threads, each writing every 8th chunk: many writes in flight on one file
        runAll(8, t -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(chunk);
            for (int c = t; c < chunks; c += 8) {
                Payload.fill(buffer.clear(), c);
                file.write(buffer.flip(), (long) c * chunk);
            }
            return null;
        });
        assertThat(file.size()).isEqualTo((long) chunks * chunk);
        assertThat(Files.size(path)).isEqualTo((long) chunks * chunk);
        runAll(8, t -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(chunk);
            ByteBuffer expected = ByteBuffer.allocateDirect(chunk);
            for (int c = t; c < chunks; c += 8) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    int n = file.read(buffer, (long) c * chunk + buffer.position());
                    assertThat(n).as("bytes read of chunk %d", c).isPositive();
                }
                Payload.fill(expected.clear(), c);
                assertThat(buffer.flip().mismatch(expected.flip())).as("first differing byte of chunk %d", c).isEqualTo(-1);
            }
            return null;
        });
        ByteBuffer after = ByteBuffer.allocate(1);
        assertThat(file.read(after, (long) chunks * chunk)).isEqualTo(-1);
        file.close();
        Files.delete(path);
    }

    @Test
    void randomReadsFromManyVirtualThreadsSeeTheRightBytes() throws Exception {
        Path path = dir.resolve("random");
        byte[] bytes = Payload.random(5, 4 << 20);
        Files.write(path, bytes);
        WeftFile file = open(path, READ);
        runAll(200, t -> {
            SplittableRandom random = new SplittableRandom(t);
            ByteBuffer buffer = (t % 2 == 0) ? ByteBuffer.allocateDirect(4096) : ByteBuffer.allocate(4096);
            for (int i = 0; i < 50; i++) {
                int position = random.nextInt(bytes.length - 4096);
                buffer.clear();
                int n = file.read(buffer, position);
                assertThat(n).isPositive();
                buffer.flip();
                for (int k = 0; k < n; k++) {
                    if (buffer.get(k) != bytes[position + k]) {
                        throw new AssertionError("byte " + (position + k) + " differs");
                    }
                }
            }
            return null;
        });
    }

    @Test
    void appendsFromTheChannelAndStreamViewsGoToTheEnd() throws Exception {
        Path path = dir.resolve("appended");
        Files.write(path, "head|".getBytes());
        WeftFile file = open(path, WRITE, APPEND);
        try (OutputStream out = file.outputStream()) {
            out.write("one|".getBytes());
            out.write("two|".getBytes());
        }
        assertThat(file.isOpen()).as("closing a view closes the file").isFalse();
        WeftFile again = open(path, APPEND);
        SeekableByteChannel channel = again.channel();
        channel.write(ByteBuffer.wrap("three".getBytes()));
        assertThat(channel.position()).isEqualTo(channel.size()).isEqualTo(18);
        assertThat(new String(Files.readAllBytes(path))).isEqualTo("head|one|two|three");
    }

    @Test
    void appendsFromManyThreadsAreNeverInterleavedOrLost() throws Exception {
        Path path = dir.resolve("log");
        WeftFile file = open(path, WRITE, CREATE, APPEND);
        int threads = 16;
        int records = 50;
        int size = 64 * 1024;
        runAll(threads, t -> {
            SeekableByteChannel channel = file.channel();
            ByteBuffer record = ByteBuffer.allocateDirect(size);
            for (int r = 0; r < records; r++) {
                record.clear();
                while (record.hasRemaining()) {
                    record.put((byte) t);
                }
                channel.write(record.flip());
            }
            return null;
        });
        byte[] all = Files.readAllBytes(path);
        assertThat(all).hasSize(threads * records * size);
        int[] perThread = new int[threads];
        for (int offset = 0; offset < all.length; offset += size) {
            byte owner = all[offset];
            for (int k = 1; k < size; k++) {
                if (all[offset + k] != owner) {
                    throw new AssertionError("record at " + offset + " mixes writers " + owner + " and " + all[offset + k]);
                }
            }
            perThread[owner]++;
        }
        int[] expected = new int[threads];
        Arrays.fill(expected, records);
        assertThat(perThread).isEqualTo(expected);
    }

    @Test
    void streamAndChannelViewsReadAndSeekAsFileChannelDoes() throws Exception {
        Path path = dir.resolve("views");
        byte[] bytes = Payload.random(11, 300_000);
        WeftFile writer = open(path, WRITE, CREATE, TRUNCATE_EXISTING);
        try (OutputStream out = writer.outputStream()) {
            out.write(bytes, 0, 1000);
            out.write(bytes, 1000, bytes.length - 1000);
        }
        try (InputStream in = open(path, READ).inputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        try (SeekableByteChannel channel = open(path, READ, WRITE).channel();
             FileChannel jdk = FileChannel.open(path, READ)) {
            channel.position(123_456);
            jdk.position(123_456);
            ByteBuffer w = ByteBuffer.allocate(5000);
            ByteBuffer j = ByteBuffer.allocate(5000);
            assertThat(channel.read(w)).isEqualTo(jdk.read(j));
            assertThat(w.flip()).isEqualTo(j.flip());
            assertThat(channel.position()).isEqualTo(jdk.position());
            channel.truncate(1000);
            assertThat(channel.size()).isEqualTo(jdk.size()).isEqualTo(1000);
            assertThat(channel.position()).isEqualTo(1000);
            assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    @Test
    void forceSucceedsAndTruncateOnlyShrinks() throws Exception {
        Path path = dir.resolve("forced");
        WeftFile file = open(path, READ, WRITE, CREATE);
        file.write(ByteBuffer.wrap(Payload.random(1, 10_000)), 0);
        file.force(false);
        file.force(true);
        file.truncate(20_000);
        assertThat(file.size()).as("truncate never grows a file").isEqualTo(10_000);
        file.truncate(10);
        assertThat(file.size()).isEqualTo(10).isEqualTo(Files.size(path));
    }

    interface Worker {
        Void run(int index) throws Exception;
    }

    /** Runs {@code n} virtual threads and rethrows the first failure. */
    static void runAll(int n, Worker worker) throws Exception {
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            FutureTask<Void> task = new FutureTask<>((Callable<Void>) () -> worker.run(index));
            Thread.ofVirtual().name("file-worker-" + i).start(task);
            futures.add(task);
        }
        for (Future<Void> future : futures) {
            try {
                future.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    private static byte[] readAll(WeftFile file, boolean direct) throws IOException {
        byte[] out = new byte[(int) file.size()];
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(70_000) : ByteBuffer.allocate(70_000);
        int position = 0;
        int n;
        while ((n = file.read(buffer.clear(), position)) > 0) {
            buffer.flip().get(out, position, n);
            position += n;
        }
        assertThat(position).isEqualTo(out.length);
        return out;
    }
}
