package dev.weft.samples;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import java.io.IOException;
import java.net.SocketException;
import java.util.function.Consumer;

/**
 * The accept loop a server should have: one virtual thread per connection, and a failed accept
 * (out of descriptors, most often) is logged and survived rather than ending the server. weft
 * already paces its own retries while descriptors are exhausted; the short pause here keeps
 * the log readable and gives connection threads a moment to close what they hold.
 */
final class AcceptLoop {
    private static final long PAUSE_AFTER_FAILURE_MILLIS = 50;

    private AcceptLoop() {
    }

    /** Serves until the listener is closed; each connection runs {@code handler} on its own virtual thread. */
    static void serve(TcpListener listener, Consumer<TcpConnection> handler)
            throws IOException, InterruptedException {
        while (true) {
            TcpConnection conn;
            try {
                conn = listener.accept();
            } catch (SocketException e) {
                if (listener.isClosed()) {
                    return;
                }
                System.err.println("accept failed, still serving: " + e.getMessage());
                Thread.sleep(PAUSE_AFTER_FAILURE_MILLIS);
                continue;
            }
            Thread.startVirtualThread(() -> handler.accept(conn));
        }
    }
}
