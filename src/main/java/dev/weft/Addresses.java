package dev.weft;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/** Argument checks for socket addresses, with the exceptions java.net users know. */
final class Addresses {
    private Addresses() {
    }

    static InetSocketAddress checkResolved(SocketAddress address, String what) throws UnknownHostException {
        Objects.requireNonNull(address, what + " address");
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException(
                    "unsupported address type " + address.getClass().getName() + ": " + address);
        }
        if (inet.isUnresolved()) {
            throw new UnknownHostException(inet.getHostString());
        }
        return inet;
    }

    static int checkPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }
}
