package dev.weft.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.NamedPipeApi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A path whose reads wait until someone writes, made by the kernel: a FIFO (mkfifo) on Linux, the
 * server end of a named pipe on Windows, kept open until {@link #close()}. A regular file never
 * makes a read wait long enough to close or interrupt it meanwhile.
 */
final class WaitingFile implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path path;
    /** The pipe server's HANDLE (Windows), or 0. */
    private final long server;

    private WaitingFile(Path path, long server) {
        this.path = path;
        this.server = server;
    }

    static boolean isLinux() {
        return System.getProperty("os.name").startsWith("Linux");
    }

    /** A FIFO in {@code dir} (Linux) or a new named pipe (Windows). */
    static WaitingFile create(Path dir) throws Exception {
        if (isLinux()) {
            Path fifo = dir.resolve("fifo");
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
            return new WaitingFile(fifo, 0);
        }
        String name = "\\\\.\\pipe\\weft-files-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        try (Arena arena = Arena.ofConfined()) {
            byte[] utf16 = (name + "\0").getBytes(StandardCharsets.UTF_16LE);
            MemorySegment wide = arena.allocate(utf16.length, 2);
            MemorySegment.copy(utf16, 0, wide, ValueLayout.JAVA_BYTE, 0, utf16.length);
            MemorySegment state = CallState.allocate(arena);
            MemorySegment handle = NamedPipeApi.CreateNamedPipeW(state, wide, NamedPipeApi.PIPE_ACCESS_DUPLEX,
                    NamedPipeApi.PIPE_TYPE_BYTE, 1, 65536, 65536, 0, MemorySegment.NULL);
            assertThat(handle.address()).as("CreateNamedPipeW %s (error %d)", name, CallState.GetLastError(state))
                    .isNotEqualTo(Kernel32.INVALID_HANDLE_VALUE);
            return new WaitingFile(Path.of(name), handle.address());
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        if (server != 0) {
            try (Arena arena = Arena.ofConfined()) {
                Kernel32.CloseHandle(CallState.allocate(arena), MemorySegment.ofAddress(server));
            }
        }
    }
}
