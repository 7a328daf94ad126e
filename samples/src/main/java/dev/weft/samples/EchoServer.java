package dev.weft.samples;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Echo server on weft: one virtual thread per connection, each a plain blocking loop.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *      dev.weft.samples.EchoServer 9000
 * nc localhost 9000
 * </pre>
 *
 * <p>Its twin on java.net sockets is {@link JdkEchoServer}; the two behave the same, so the
 * benchmarks compare only the socket layer.
 */
public final class EchoServer {
    /** Bytes read at a time; the second argument overrides it. */
    static final int DEFAULT_BUFFER = 8192;
    /**
     * {@code -Decho.heap=true}: echo through a {@code byte[]}, as {@link JdkEchoServer} and most
     * user code do, instead of a direct buffer (the benchmarks' {@code weft-echo-heap}).
     */
    static final boolean HEAP = Boolean.getBoolean("echo.heap");

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        int bufferSize = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_BUFFER;

        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(port))) {
            System.out.println("weft echo server, backend " + weft.backendName()
                    + ", listening on " + listener.localAddress());
            System.out.println("try: nc localhost " + listener.localAddress().getPort());
            AcceptLoop.serve(listener, conn -> {
                if (HEAP) {
                    echoArray(conn, bufferSize);
                } else {
                    echo(conn, bufferSize);
                }
            });
        }
    }

    private static void echo(TcpConnection conn, int bufferSize) {
        // A direct buffer is native memory: the kernel can use it in place whatever it waits for.
        ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
        try (conn) {
            conn.setNoDelay(true);
            while (conn.read(buffer) >= 0) {   // blocks until at least one byte, -1 at EOF
                buffer.flip();
                conn.write(buffer);            // returns once every byte is sent
                buffer.clear();
            }
        } catch (IOException e) {
            // the peer reset or went away: nothing to do but let go of the connection
        }
    }

    private static void echoArray(TcpConnection conn, int bufferSize) {
        byte[] buffer = new byte[bufferSize];
        try (conn) {
            conn.setNoDelay(true);
            int n;
            while ((n = conn.read(buffer, 0, buffer.length)) > 0) {
                conn.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // as above
        }
    }
}
