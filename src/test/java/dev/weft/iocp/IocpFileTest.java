package dev.weft.iocp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.BackendConfig;
import dev.weft.core.FileAccess;
import dev.weft.core.NativeFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * How overlapped file reads complete on this Windows (or Wine): at once with skip-on-success (no
 * packet), or through the port (Wine: every read, cached or not, and the end of file too). Either
 * is right, but every read must complete exactly once, by one route: the submitter's inline
 * completions plus the packets dequeued must equal the reads.
 */
class IocpFileTest {
    @Test
    void everyReadCompletesOnceInlineOrThroughThePort() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Windows"), "IOCP needs Windows");
        Path path = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
                "weft-iocp-file-" + ProcessHandle.current().pid())).resolve("data");
        byte[] bytes = new byte[1 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Files.write(path, bytes);
        int reads = 256;
        try (IocpBackend backend = new IocpBackend(new BackendConfig(
                Runtime.getRuntime().availableProcessors(), BackendConfig.DEFAULT_QUEUE_DEPTH,
                BackendConfig.DEFAULT_ACCEPTS_POSTED));
             Arena arena = Arena.ofConfined()) {
            NativeFile file = backend.openFile(path, new FileAccess(true, false, false, false, false, false));
            MemorySegment buffer = arena.allocate(4096);
            for (int i = 0; i < reads; i++) {
                long position = (long) (i * 4093) % (bytes.length - 4096);
                assertThat(file.read(buffer, position)).isEqualTo(4096);
                assertThat(buffer.get(ValueLayout.JAVA_BYTE, 100)).isEqualTo(bytes[(int) position + 100]);
            }
            long inline = backend.completedInline();
            long packets = backend.packetsDequeued();
            System.out.println("[iocp file] " + reads + " cached reads: " + inline + " completed at once (no packet), "
                    + packets + " through the port; skip-on-success on the file: "
                    + ((IocpFile) file).skipsCompletionPortOnSuccess());
            assertThat(inline + packets).as("completions of %d reads", reads).isEqualTo(reads);
            // At the end: ERROR_HANDLE_EOF at once (no packet), or STATUS_END_OF_FILE in a packet (Wine).
            assertThat(file.read(buffer, bytes.length)).as("a read at the end").isEqualTo(-1);
            long endPackets = backend.packetsDequeued() - packets;
            System.out.println("[iocp file] the read at the end: " + (endPackets == 0 ? "failed at once" : "a packet"));
            assertThat(endPackets).isBetween(0L, 1L);
            assertThat(backend.completedInline()).as("an end of file is never an inline success").isEqualTo(inline);
            file.close();
            assertThat(backend.dispatchFailures()).isZero();
        } finally {
            Files.deleteIfExists(path);
            Files.deleteIfExists(path.getParent());
        }
    }
}
