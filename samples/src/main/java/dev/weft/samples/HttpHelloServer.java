package dev.weft.samples;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * HTTP/1.1 "hello" server on weft, one virtual thread per connection, keep-alive and
 * pipelining included; enough HTTP for wrk and h2load (see {@link HelloHttp}).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *      dev.weft.samples.HttpHelloServer 8080
 * curl http://localhost:8080/
 * wrk -c 100 -d 10s http://localhost:8080/
 * </pre>
 */
public final class HttpHelloServer {
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;

        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(port))) {
            System.out.println("weft HTTP hello server, backend " + weft.backendName()
                    + ", listening on " + listener.localAddress());
            System.out.println("try: curl http://localhost:" + listener.localAddress().getPort() + "/");
            AcceptLoop.serve(listener, HttpHelloServer::serve);
        }
    }

    private static void serve(TcpConnection conn) {
        ByteBuffer in = ByteBuffer.allocateDirect(HelloHttp.BUFFER_SIZE);
        ByteBuffer out = ByteBuffer.allocateDirect(HelloHttp.BUFFER_SIZE);
        try (conn) {
            conn.setNoDelay(true);
            while (conn.read(in) >= 0) {
                in.flip();
                int state;
                while ((state = HelloHttp.serve(in, out)) == HelloHttp.OUTPUT_FULL) {
                    flush(conn, out);
                }
                flush(conn, out);  // one write answers every request that arrived together
                if (state == HelloHttp.CLOSE) {
                    return;
                }
                in.compact();      // keep the start of a request that is still arriving
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void flush(TcpConnection conn, ByteBuffer out) throws IOException {
        out.flip();
        conn.write(out);
        out.clear();
    }
}
