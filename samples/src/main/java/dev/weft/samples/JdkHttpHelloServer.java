package dev.weft.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The same HTTP hello server as {@link HttpHelloServer}, on java.net sockets and virtual
 * threads: the JDK peer for the HTTP benchmarks.
 */
public final class JdkHttpHelloServer {
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;

        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(port), 1024);
            System.out.println("JDK HTTP hello server (java.net + virtual threads), listening on "
                    + listener.getLocalSocketAddress());
            System.out.println("try: curl http://localhost:" + listener.getLocalPort() + "/");
            while (true) {
                Socket socket = listener.accept();
                Thread.startVirtualThread(() -> serve(socket));
            }
        }
    }

    /** Serves one connection until it closes; also {@link HttpsHelloServer}'s, over TLS. */
    static void serve(Socket socket) {
        ByteBuffer in = ByteBuffer.allocate(HelloHttp.BUFFER_SIZE);
        ByteBuffer out = ByteBuffer.allocate(HelloHttp.BUFFER_SIZE);
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream input = socket.getInputStream();
            OutputStream output = socket.getOutputStream();
            int n;
            while ((n = input.read(in.array(), in.position(), in.remaining())) >= 0) {
                in.position(in.position() + n);
                in.flip();
                int state;
                while ((state = HelloHttp.serve(in, out)) == HelloHttp.OUTPUT_FULL) {
                    flush(output, out);
                }
                flush(output, out);
                if (state == HelloHttp.CLOSE) {
                    return;
                }
                in.compact();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void flush(OutputStream output, ByteBuffer out) throws IOException {
        output.write(out.array(), 0, out.position());
        out.clear();
    }
}
