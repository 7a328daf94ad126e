package dev.weft;

import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;

/**
 * A {@link java.net.Socket} whose I/O runs on weft: existing blocking code (and libraries that
 * take a Socket or a {@link javax.net.SocketFactory}) gets weft's completion-based sockets
 * without changes. Make one unconnected and {@code connect} it, take one from
 * {@link WeftServerSocket#accept()}, or let {@link WeftSocketFactory} do either.
 *
 * <h2>Semantics, as java.net.Socket's</h2>
 * <ul>
 *   <li>Streams: reads block until at least one byte or end of stream (-1); writes return
 *       when every byte is sent. Closing either stream closes the socket.
 *       {@code available()} is always 0 (weft knows of bytes only once a receive completes).</li>
 *   <li>{@code setSoTimeout}: a read waiting longer throws {@link java.net.SocketTimeoutException};
 *       the socket stays usable and no byte is lost.</li>
 *   <li>{@code shutdownOutput} sends FIN; {@code shutdownInput} makes later reads return end of
 *       stream (the OS socket is not shut down for reading; unread bytes are dropped at close).</li>
 *   <li>{@code close} from another thread wakes blocked reads and writes with
 *       {@link java.net.SocketException}. Interrupting a virtual thread blocked in I/O closes
 *       the socket and throws {@code SocketException("Closed by interrupt")}, interrupt status
 *       kept.</li>
 *   <li>Options: {@code TCP_NODELAY}, {@code SO_KEEPALIVE}, {@code SO_RCVBUF}, {@code SO_SNDBUF},
 *       {@code SO_LINGER}, {@code SO_TIMEOUT}; options set before {@code connect} are applied
 *       once connected. Others ({@code SO_REUSEADDR}, {@code IP_TOS}, {@code SO_OOBINLINE},
 *       urgent data) throw {@link java.net.SocketException} (legacy setters) or
 *       {@link UnsupportedOperationException} ({@code setOption}) naming the option.</li>
 *   <li>A client socket is bound by {@code connect}: {@code bind} to a specific local address or
 *       port throws {@link java.net.SocketException}.</li>
 *   <li>Unlike java.net, {@code close} from another thread does not cut short a {@code connect}
 *       in progress: the connect ends as the kernel reports it (or at its timeout), then the
 *       new connection is closed and {@code connect} throws {@code SocketException("Socket closed")}.
 *       Interrupting the connecting virtual thread does cut it short.</li>
 * </ul>
 *
 * <p>TLS layers on top as on any Socket:
 * {@code SSLSocketFactory.getDefault().createSocket(weftSocket, host, port, true)}.
 */
public final class WeftSocket extends Socket {
    /** An unconnected socket whose connection will be made by {@code runtime}. */
    public WeftSocket(WeftRuntime runtime) throws SocketException {
        super(new WeftSocketImpl(Objects.requireNonNull(runtime, "runtime")));
    }
}
