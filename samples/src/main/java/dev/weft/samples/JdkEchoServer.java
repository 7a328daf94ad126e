package dev.weft.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The same echo server as {@link EchoServer}, on java.net sockets and virtual threads: the
 * JDK peer the benchmarks compare weft with.
 */
public final class JdkEchoServer {
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        int bufferSize = args.length > 1 ? Integer.parseInt(args[1]) : 8192; // as EchoServer

        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(port), 1024);
            System.out.println("JDK echo server (java.net + virtual threads), listening on "
                    + listener.getLocalSocketAddress());
            System.out.println("try: nc localhost " + listener.getLocalPort());
            while (true) {
                Socket socket = listener.accept();
                Thread.startVirtualThread(() -> echo(socket, bufferSize));
            }
        }
    }

    private static void echo(Socket socket, int bufferSize) {
        byte[] buffer = new byte[bufferSize];
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the peer reset or went away
        }
    }
}
