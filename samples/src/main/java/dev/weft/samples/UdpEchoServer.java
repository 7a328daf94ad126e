package dev.weft.samples;

import dev.weft.DatagramEndpoint;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * UDP echo server on weft: a few virtual threads share one endpoint, each a plain blocking
 * loop that receives a datagram and sends it back to its sender.
 *
 * <pre>
 * ./run-demo udp 9750
 * nc -u localhost 9750
 * </pre>
 *
 * <p>Receives are serialized on the endpoint (one in the kernel at a time), so a second thread
 * only overlaps one thread's send with the other's receive; the default is 2. Its twin on
 * {@code DatagramChannel} is {@link JdkUdpEchoServer}; the two behave the same, so the benchmark
 * compares only the socket layer.
 */
public final class UdpEchoServer {
    /** Large enough for any IPv4 datagram: nothing is ever truncated. */
    static final int BUFFER = 65_507;

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9750;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;

        try (WeftRuntime weft = WeftRuntime.open();
             DatagramEndpoint endpoint = weft.bindDatagram(new InetSocketAddress(port))) {
            endpoint.setReceiveBufferSize(4 << 20); // bursts wait in the kernel instead of being dropped
            System.out.println("weft UDP echo server, backend " + weft.backendName()
                    + ", listening on " + endpoint.localAddress());
            System.out.println("try: nc -u localhost " + endpoint.localAddress().getPort());
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = Thread.ofVirtual().name("udp-echo-" + i).start(() -> echo(endpoint));
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
    }

    private static void echo(DatagramEndpoint endpoint) {
        // A direct buffer is handed to the kernel in place.
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try {
            while (true) {
                DatagramEndpoint.Received got = endpoint.receive(buffer.clear()); // blocks for one datagram
                endpoint.send(buffer.flip(), got.sender());
            }
        } catch (IOException e) {
            // the endpoint was closed: this worker is done
        }
    }
}
