package dev.weft.jfr;

import java.net.InetSocketAddress;
import jdk.jfr.Label;

/**
 * The remote end every weft socket event names, as the JDK's socket events do. The event types
 * live in this package (not exported); {@code dev.weft} begins and commits them.
 */
public abstract class SocketEvent extends jdk.jfr.Event {
    @Label("Remote Host")
    public String host;

    @Label("Remote Address")
    public String address;

    @Label("Remote Port")
    public int port;

    /** Sets the remote fields; null leaves them empty (the socket had no peer address). */
    public final void remote(InetSocketAddress remote) {
        if (remote != null) {
            host = remote.getHostString();
            address = remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
            port = remote.getPort();
        }
    }
}
