package dev.weft.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/**
 * Whether this platform's own sockets (java.net) report a reset that arrived before a read as a
 * reset. Real Linux and Windows do; Wine does not (it reads end of stream), and weft cannot
 * report more than its OS, so reset tests accept end of stream only where java.net reads it too.
 */
final class Wine {
    private static volatile Boolean resetReadAsEndOfStream;

    private Wine() {
    }

    static boolean readsEarlierResetAsEndOfStream() {
        Boolean v = resetReadAsEndOfStream;
        if (v == null) {
            v = probe();
            resetReadAsEndOfStream = v;
        }
        return v;
    }

    private static boolean probe() {
        try (ServerSocket server = new ServerSocket(0, 1, Streams.loopback()); Socket client = new Socket()) {
            client.connect(server.getLocalSocketAddress(), 10_000);
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                client.setSoLinger(true, 0);
                client.close();
                Thread.sleep(200); // environment probe only: let the RST arrive first
                try {
                    return accepted.getInputStream().read() == -1;
                } catch (SocketException reset) {
                    return false;
                }
            }
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
