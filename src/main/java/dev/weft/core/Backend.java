package dev.weft.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The service provider interface an OS backend implements: it creates sockets whose operations
 * complete through its completion port or ring, and it runs the completion threads.
 *
 * <p>Implementations: {@code dev.weft.iocp.IocpBackend} (Windows) and
 * {@code dev.weft.uring.IoUringBackend} (Linux); the runtime ({@code dev.weft.WeftRuntime})
 * picks one. Core code never names a backend.
 */
public interface Backend extends AutoCloseable {

    /** A short name users see, e.g. "io_uring" or "iocp". */
    String name();

    /** Creates a socket bound to {@code local} and listening, with accepts already posted. */
    NativeListener listen(InetSocketAddress local, int backlog) throws IOException;

    /** Creates an unconnected stream socket of the family of {@code remote}, ready for connect. */
    NativeSocket openStream(InetSocketAddress remote) throws IOException;

    /**
     * Why this backend can no longer complete operations (its completion port or ring failed),
     * or null while it works. Once set, every pending and later operation fails with an
     * exception that names it; the runtime has to be reopened.
     */
    default IOException failure() {
        return null;
    }

    /** Handles not yet released (open sockets, plus closed ones still waiting for completions). */
    LiveHandles liveHandles();

    /**
     * Closes every socket (waking every waiter with an exception), waits for the outstanding
     * completions, stops the completion threads and frees all native memory. Idempotent.
     */
    @Override
    void close();

    /**
     * Creates a datagram (UDP) socket of the family of {@code local}, bound to it, ready for
     * receives and sends through this backend.
     */
    NativeDatagram openDatagram(InetSocketAddress local) throws IOException;

    /**
     * Opens {@code path} for reads and writes that complete through this backend.
     *
     * @throws IOException the exception {@code FileChannel.open} throws for the same failure
     *                     (NoSuchFileException, AccessDeniedException, ...)
     */
    NativeFile openFile(Path path, FileAccess access) throws IOException;
}
