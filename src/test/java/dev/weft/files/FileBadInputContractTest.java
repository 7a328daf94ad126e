package dev.weft.files;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bad input, side by side: each case runs once on FileChannel and once on weft, on the same
 * fresh files, and both must end the same way — the same exception class, or both succeed with
 * the same result. So weft throws what FileChannel throws on this OS (on Linux a directory opens
 * for reading and fails on read; on Windows it is refused at open; as root a read-only file
 * opens for writing), without the test hard-coding any OS's answer; a few cases also pin the
 * expected class, so that both sides agreeing on nothing cannot pass.
 */
class FileBadInputContractTest extends FileTestBase {

    /** The operations a case uses, on either implementation. */
    interface Positional extends AutoCloseable {
        int read(ByteBuffer dst, long position) throws IOException;

        int write(ByteBuffer src, long position) throws IOException;

        long size() throws IOException;

        void force(boolean metadata) throws IOException;

        void truncate(long size) throws IOException;

        SeekableByteChannel channel();

        @Override
        void close() throws IOException;
    }

    interface Opener {
        Positional open(Path path, OpenOption... options) throws IOException;
    }

    interface Case {
        Object run(Opener opener, Path dir) throws Exception;
    }

    private final Opener jdk = (path, options) -> {
        FileChannel channel = FileChannel.open(path, Set.of(options));
        return new Positional() {
            public int read(ByteBuffer dst, long position) throws IOException {
                return channel.read(dst, position);
            }

            public int write(ByteBuffer src, long position) throws IOException {
                return channel.write(src, position);
            }

            public long size() throws IOException {
                return channel.size();
            }

            public void force(boolean metadata) throws IOException {
                channel.force(metadata);
            }

            public void truncate(long size) throws IOException {
                channel.truncate(size);
            }

            public SeekableByteChannel channel() {
                return channel;
            }

            public void close() throws IOException {
                channel.close();
            }
        };
    };

    private final Opener weftOpener = (path, options) -> {
        WeftFile file = leaks.track(weft.openFile(path, options));
        return new Positional() {
            public int read(ByteBuffer dst, long position) throws IOException {
                return file.read(dst, position);
            }

            public int write(ByteBuffer src, long position) throws IOException {
                return file.write(src, position);
            }

            public long size() throws IOException {
                return file.size();
            }

            public void force(boolean metadata) throws IOException {
                file.force(metadata);
            }

            public void truncate(long size) throws IOException {
                file.truncate(size);
            }

            public SeekableByteChannel channel() {
                return file.channel();
            }

            public void close() {
                file.close();
            }
        };
    };

    /** Runs the case on both and returns the common outcome: an exception class or a result. */
    private Object sameOutcome(String name, Case c) throws Exception {
        Object expected = outcome(jdk, c, "jdk-" + name);
        Object actual = outcome(weftOpener, c, "weft-" + name);
        assertThat(actual).as("%s: weft's outcome vs FileChannel's", name).isEqualTo(expected);
        return actual;
    }

    private Object outcome(Opener opener, Case c, String name) throws Exception {
        Path base = Files.createDirectory(dir.resolve(name.replaceAll("[^A-Za-z0-9-]", "_")));
        Files.write(base.resolve("existing"), new byte[] {1, 2, 3});
        try {
            return String.valueOf(c.run(opener, base));
        } catch (Exception | Error e) {
            if (e instanceof AssertionError) {
                throw e;
            }
            return e.getClass();
        }
    }

    /** Opens and closes at once: "opened" when it works, so that no case leaves a file open. */
    private static String opened(Opener opener, Path path, OpenOption... options) throws IOException {
        try (Positional p = opener.open(path, options)) {
            return "opened";
        }
    }

    @Test
    void openingFailsAsFileChannelDoes() throws Exception {
        assertThat(sameOutcome("missing", (o, d) -> opened(o, d.resolve("missing"), READ)))
                .isEqualTo(java.nio.file.NoSuchFileException.class);
        assertThat(sameOutcome("missing parent", (o, d) -> opened(o, d.resolve("no/such"), WRITE, CREATE)))
                .isEqualTo(java.nio.file.NoSuchFileException.class);
        assertThat(sameOutcome("create new over existing", (o, d) -> opened(o, d.resolve("existing"), WRITE, CREATE_NEW)))
                .isEqualTo(java.nio.file.FileAlreadyExistsException.class);
        assertThat(sameOutcome("read with append", (o, d) -> opened(o, d.resolve("existing"), READ, APPEND)))
                .isEqualTo(IllegalArgumentException.class);
        assertThat(sameOutcome("append with truncate", (o, d) -> opened(o, d.resolve("existing"), APPEND, TRUNCATE_EXISTING)))
                .isEqualTo(IllegalArgumentException.class);
        sameOutcome("null option", (o, d) -> opened(o, d.resolve("existing"), READ, null));
        sameOutcome("create without write", (o, d) -> opened(o, d.resolve("new"), READ, CREATE));
        sameOutcome("directory for writing", (o, d) -> opened(o, d, WRITE));
        sameOutcome("directory read", (o, d) -> {
            try (Positional p = o.open(d, READ)) {
                return p.read(ByteBuffer.allocate(10), 0);
            }
        });
        sameOutcome("read-only file for writing", (o, d) -> {
            Path file = d.resolve("read-only");
            Files.write(file, new byte[] {1});
            file.toFile().setReadOnly();
            try (Positional p = o.open(file, WRITE)) {
                return "opened";
            }
        });
        sameOutcome("truncate on open", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), WRITE, TRUNCATE_EXISTING)) {
                return p.size();
            }
        });
    }

    @Test
    void badArgumentsFailAsFileChannelDoes() throws Exception {
        assertThat(sameOutcome("negative read position", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                return p.read(ByteBuffer.allocate(1), -1);
            }
        })).isEqualTo(IllegalArgumentException.class);
        sameOutcome("negative write position", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), WRITE)) {
                return p.write(ByteBuffer.allocate(1), -1);
            }
        });
        sameOutcome("null buffer", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                return p.read(null, 0);
            }
        });
        sameOutcome("read-only buffer", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                return p.read(ByteBuffer.allocate(1).asReadOnlyBuffer(), 0);
            }
        });
        assertThat(sameOutcome("read on a write-only file", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), WRITE)) {
                return p.read(ByteBuffer.allocate(1), 0);
            }
        })).isEqualTo(java.nio.channels.NonReadableChannelException.class);
        assertThat(sameOutcome("write on a read-only file", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                return p.write(ByteBuffer.allocate(1), 0);
            }
        })).isEqualTo(java.nio.channels.NonWritableChannelException.class);
        sameOutcome("truncate on a read-only file", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                p.truncate(0);
                return p.size();
            }
        });
        sameOutcome("negative truncate", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), WRITE)) {
                p.truncate(-1);
                return p.size();
            }
        });
        sameOutcome("negative channel position", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ)) {
                return p.channel().position(-1);
            }
        });
        sameOutcome("empty write", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), WRITE)) {
                return p.write(ByteBuffer.allocate(0), 100) + "/" + p.size();
            }
        });
        sameOutcome("write past the end grows the file", (o, d) -> {
            try (Positional p = o.open(d.resolve("existing"), READ, WRITE)) {
                p.write(ByteBuffer.wrap(new byte[] {9}), 10);
                ByteBuffer gap = ByteBuffer.allocate(20);
                int n = p.read(gap, 0);
                return p.size() + "/" + n + "/" + java.util.Arrays.toString(java.util.Arrays.copyOf(gap.array(), n));
            }
        });
    }

    @Test
    void everyCallAfterCloseFailsAsFileChannelDoes() throws Exception {
        for (String call : new String[] {"read", "write", "size", "force", "truncate", "channel read", "close"}) {
            Object outcome = sameOutcome("after close: " + call, (o, d) -> {
                Positional p = o.open(d.resolve("existing"), READ, WRITE);
                p.close();
                return switch (call) {
                    case "read" -> p.read(ByteBuffer.allocate(1), 0);
                    case "write" -> p.write(ByteBuffer.allocate(1), 0);
                    case "size" -> p.size();
                    case "force" -> {
                        p.force(true);
                        yield "forced";
                    }
                    case "truncate" -> {
                        p.truncate(0);
                        yield "truncated";
                    }
                    case "channel read" -> p.channel().read(ByteBuffer.allocate(1));
                    default -> {
                        p.close(); // a second close does nothing
                        yield "closed twice";
                    }
                };
            });
            if (!call.equals("close")) {
                assertThat(outcome).as(call).isEqualTo(java.nio.channels.ClosedChannelException.class);
            }
        }
    }
}
