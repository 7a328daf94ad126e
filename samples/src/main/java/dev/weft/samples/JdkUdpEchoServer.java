package dev.weft.samples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * {@link UdpEchoServer}'s twin on the JDK's own {@code DatagramChannel} in blocking mode, on
 * the same number of virtual threads: the peer of the UDP benchmark.
 */
public final class JdkUdpEchoServer {
    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9751;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;

        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(port));
            System.out.println("JDK UDP echo server (DatagramChannel), listening on " + channel.getLocalAddress());
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = Thread.ofVirtual().name("udp-echo-" + i).start(() -> echo(channel));
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
    }

    private static void echo(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(UdpEchoServer.BUFFER);
        try {
            while (true) {
                SocketAddress sender = channel.receive(buffer.clear());
                channel.send(buffer.flip(), sender);
            }
        } catch (IOException e) {
            // the channel was closed: this worker is done
        }
    }
}
