package dev.weft;

import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

/**
 * The socket options the java.net adapters understand, as {@link SocketOptions} ids (what
 * {@link java.net.Socket}'s setters pass to a {@link java.net.SocketImpl}) and as
 * {@link StandardSocketOptions} (what {@code Socket.setOption} passes). Anything else is
 * refused with a message naming the option, never silently ignored.
 */
final class AdapterOptions {
    private AdapterOptions() {
    }

    /** The standard options a connected weft socket supports, with their legacy ids. */
    static final Map<SocketOption<?>, Integer> CONNECTION = Map.of(
            StandardSocketOptions.TCP_NODELAY, SocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_KEEPALIVE, SocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_RCVBUF, SocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, SocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_LINGER, SocketOptions.SO_LINGER);

    static Set<SocketOption<?>> connectionOptions() {
        return CONNECTION.keySet();
    }

    static int legacyId(SocketOption<?> option) {
        Integer id = CONNECTION.get(option);
        if (id == null) {
            throw new UnsupportedOperationException(
                    "socket option " + option.name() + " is not supported by weft sockets; supported: "
                            + CONNECTION.keySet().stream().map(SocketOption::name).sorted().toList());
        }
        return id;
    }

    static SocketException unsupported(int optionId) {
        return new SocketException("socket option " + name(optionId) + " is not supported by weft sockets");
    }

    static String name(int optionId) {
        return switch (optionId) {
            case SocketOptions.TCP_NODELAY -> "TCP_NODELAY";
            case SocketOptions.SO_BINDADDR -> "SO_BINDADDR";
            case SocketOptions.SO_REUSEADDR -> "SO_REUSEADDR";
            case SocketOptions.SO_REUSEPORT -> "SO_REUSEPORT";
            case SocketOptions.SO_BROADCAST -> "SO_BROADCAST";
            case SocketOptions.IP_MULTICAST_IF -> "IP_MULTICAST_IF";
            case SocketOptions.IP_MULTICAST_IF2 -> "IP_MULTICAST_IF2";
            case SocketOptions.IP_MULTICAST_LOOP -> "IP_MULTICAST_LOOP";
            case SocketOptions.IP_TOS -> "IP_TOS";
            case SocketOptions.SO_LINGER -> "SO_LINGER";
            case SocketOptions.SO_SNDBUF -> "SO_SNDBUF";
            case SocketOptions.SO_RCVBUF -> "SO_RCVBUF";
            case SocketOptions.SO_KEEPALIVE -> "SO_KEEPALIVE";
            case SocketOptions.SO_OOBINLINE -> "SO_OOBINLINE";
            case SocketOptions.SO_TIMEOUT -> "SO_TIMEOUT";
            default -> "0x" + Integer.toHexString(optionId);
        };
    }

    /** SO_TIMEOUT in milliseconds, as java.net takes it: 0 waits forever, negative is an error. */
    static int timeoutMillis(Object value) {
        if (!(value instanceof Integer millis)) {
            throw new IllegalArgumentException("SO_TIMEOUT takes an Integer, not " + value);
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timeout can't be negative: " + millis);
        }
        return millis;
    }
}
