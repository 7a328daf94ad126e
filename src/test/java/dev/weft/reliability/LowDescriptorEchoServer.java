package dev.weft.reliability;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.SocketException;

/**
 * Child-JVM program of {@link DescriptorExhaustionTest}, run under a low {@code ulimit -n}: an
 * echo server whose accept loop is the naive one (log the failure, call accept again at once),
 * so any pacing while descriptors are exhausted must come from weft itself. Prints its port
 * first, then one line per failed accept.
 */
public final class LowDescriptorEchoServer {
    public static void main(String[] args) throws IOException {
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(Streams.anyLoopbackPort())) {
            System.out.println("PORT " + listener.localAddress().getPort());
            System.out.flush();
            while (true) {
                TcpConnection conn;
                try {
                    conn = listener.accept();
                } catch (SocketException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                    System.out.println("ACCEPT FAILED " + e.getMessage());
                    System.out.flush();
                    continue;
                }
                Thread.ofVirtual().start(() -> echo(conn));
            }
        }
    }

    /** Echoes until the connection fails or ends, then closes it. */
    static void echo(TcpConnection conn) {
        byte[] buffer = new byte[512];
        try (conn) {
            int n;
            while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                conn.write(buffer, 0, n);
            }
        } catch (IOException failed) {
            // the client went away, or an op failed (by an injected fault, in FaultedEchoServer)
        }
    }
}
