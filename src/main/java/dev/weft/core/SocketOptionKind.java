package dev.weft.core;

/**
 * The socket options weft exposes, each an int at the OS level (booleans are 0 or 1;
 * SO_LINGER is seconds, or -1 for off). Backends map them to their own level and name.
 */
public enum SocketOptionKind {
    TCP_NODELAY,
    SO_KEEPALIVE,
    SO_RCVBUF,
    SO_SNDBUF,
    SO_REUSEADDR,
    SO_LINGER,
    /** Datagram sockets only: allow sends to a broadcast address. */
    SO_BROADCAST
}
