package dev.weft.iocp;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A measuring tool, not a test: an echo server (README's loop, 8 KiB per read) that prints the
 * runtime's stats every two seconds, so the native memory held per idle connection can be read
 * while a load client keeps thousands of connections open and silent.
 *
 * <pre>.ci/windows-java.sh -cp target/classes:target/test-classes dev.weft.iocp.IdleConnectionsMemory 9710</pre>
 */
public final class IdleConnectionsMemory {
    private IdleConnectionsMemory() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(port), 4096)) {
            System.out.println("listening on " + listener.localAddress() + " over " + weft.backendName());
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    System.out.println("STATS " + weft.stats());
                    try {
                        Thread.sleep(Duration.ofSeconds(2));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            while (true) {
                TcpConnection conn = listener.accept();
                serve(conn);
            }
        }
    }

    /**
     * One virtual thread per connection; if even that cannot start (at the descriptor limit
     * under Wine a new carrier thread cannot), the connection is closed and the server goes on.
     */
    private static void serve(TcpConnection conn) {
        try {
            Thread.startVirtualThread(() -> {
                byte[] buffer = new byte[8192];
                try (conn) {
                    int n;
                    while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                        conn.write(buffer, 0, n);
                    }
                } catch (IOException gone) {
                    // the client went away
                }
            });
        } catch (OutOfMemoryError noThread) {
            conn.close();
        }
    }
}
