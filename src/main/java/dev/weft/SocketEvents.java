package dev.weft;

import dev.weft.jfr.SocketAcceptEvent;
import dev.weft.jfr.SocketConnectEvent;
import dev.weft.jfr.SocketReadEvent;
import dev.weft.jfr.SocketWriteEvent;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Where the public API begins and commits its JFR events. Each blocking call begins an event
 * before it blocks and hands it here when done; the event is filled (with the peer's address,
 * which a connection asks of the OS once) only when JFR is recording it and the call took longer
 * than its threshold, so a call costs next to nothing while JFR is off. Failed reads and writes
 * are not recorded, as the JDK records none; a failed connect is, with its message.
 */
final class SocketEvents {
    private SocketEvents() {
    }

    static SocketReadEvent beginRead() {
        SocketReadEvent event = new SocketReadEvent();
        event.begin();
        return event;
    }

    static void endRead(SocketReadEvent event, TcpConnection connection, int bytesRead) {
        event.end();
        if (event.shouldCommit()) {
            event.remote(remoteOf(connection));
            event.timeout = connection.readTimeout().toMillis();
            event.bytesRead = Math.max(bytesRead, 0);
            event.endOfStream = bytesRead < 0;
            event.commit();
        }
    }

    static SocketWriteEvent beginWrite() {
        SocketWriteEvent event = new SocketWriteEvent();
        event.begin();
        return event;
    }

    static void endWrite(SocketWriteEvent event, TcpConnection connection, long bytesWritten) {
        event.end();
        if (event.shouldCommit()) {
            event.remote(remoteOf(connection));
            event.bytesWritten = bytesWritten;
            event.commit();
        }
    }

    static SocketAcceptEvent beginAccept() {
        SocketAcceptEvent event = new SocketAcceptEvent();
        event.begin();
        return event;
    }

    static void endAccept(SocketAcceptEvent event, TcpListener listener, TcpConnection accepted) {
        event.end();
        if (event.shouldCommit()) {
            event.remote(remoteOf(accepted));
            event.localPort = listener.localAddress().getPort();
            event.commit();
        }
    }

    static SocketConnectEvent beginConnect() {
        SocketConnectEvent event = new SocketConnectEvent();
        event.begin();
        return event;
    }

    static void endConnect(SocketConnectEvent event, InetSocketAddress remote, IOException failure) {
        event.end();
        if (event.shouldCommit()) {
            event.remote(remote);
            event.exceptionMessage = failure == null ? null : String.valueOf(failure.getMessage());
            event.commit();
        }
    }

    /** The peer's address, or null once the connection is closed (the event is still worth having). */
    private static InetSocketAddress remoteOf(TcpConnection connection) {
        try {
            return connection.remoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
