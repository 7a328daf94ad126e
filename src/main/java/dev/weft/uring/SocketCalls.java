package dev.weft.uring;

import dev.weft.bindings.linux.LibC;
import dev.weft.bindings.linux.Linger;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

import static dev.weft.bindings.linux.Socket.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The synchronous socket calls around the io_uring operations: creating, binding, options,
 * names, shutdown, close, and a send that completes at once. None of them blocks (they never
 * wait on the network), so they are plain libc calls; whatever has to wait (accept, connect,
 * recv, a send into a full socket buffer) goes through the ring.
 */
final class SocketCalls {
    private SocketCalls() { }

    /** A new stream socket of {@code family}, close-on-exec, in blocking mode (io_uring needs no O_NONBLOCK). */
    static int open(int family) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            int fd = LibC.socket(errno, family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure(LibC.errno(errno), "socket");
            }
            return fd;
        }
    }

    /** A new UDP socket of {@code family}, close-on-exec, in blocking mode. */
    static int openDatagram(int family) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            int fd = LibC.socket(errno, family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
            if (fd < 0) {
                throw failure(LibC.errno(errno), "socket");
            }
            return fd;
        }
    }

    /** bind(2) without listening, for datagram sockets. */
    static void bind(int fd, InetSocketAddress local) throws IOException {
        addressCall(fd, local, false);
    }

    /** connect(2) of a datagram socket: it only records the peer, so it never waits. */
    static void connectDatagram(int fd, InetSocketAddress peer) throws IOException {
        addressCall(fd, peer, true);
    }

    private static void addressCall(int fd, InetSocketAddress address, boolean connect) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment sockaddr = arena.allocate(Sockaddrs.MAX_SIZE, 8);
            int length = Sockaddrs.encode(address, sockaddr);
            int rc = connect ? LibC.connect(errno, fd, sockaddr, length) : LibC.bind(errno, fd, sockaddr, length);
            if (rc < 0) {
                throw failure(LibC.errno(errno), (connect ? "connect to " : "bind to ") + address);
            }
        }
    }

    /** Binds and listens, with SO_REUSEADDR set first as the JDK does on Linux. */
    static void bindAndListen(int fd, InetSocketAddress local, int backlog) throws IOException {
        setOption(fd, SocketOptionKind.SO_REUSEADDR, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment address = arena.allocate(Sockaddrs.MAX_SIZE, 8);
            int length = Sockaddrs.encode(local, address);
            if (LibC.bind(errno, fd, address, length) < 0) {
                throw failure(LibC.errno(errno), "bind to " + local);
            }
            if (LibC.listen(errno, fd, backlog < 1 ? 50 : backlog) < 0) {
                throw failure(LibC.errno(errno), "listen on " + local);
            }
        }
    }

    static void setOption(int fd, SocketOptionKind option, int value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment optval;
            if (option == SocketOptionKind.SO_LINGER) {
                optval = arena.allocate(Linger.layout());
                Linger.l_onoff(optval, value < 0 ? 0 : 1);
                Linger.l_linger(optval, Math.max(value, 0));
            } else {
                optval = arena.allocate(JAVA_INT);
                optval.set(JAVA_INT, 0, value);
            }
            if (LibC.setsockopt(errno, fd, level(option), name(option), optval, (int) optval.byteSize()) < 0) {
                throw failure(LibC.errno(errno), "setsockopt " + option);
            }
        }
    }

    static int getOption(int fd, SocketOptionKind option) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment optval = arena.allocate(Linger.layout()); // big enough for an int too
            MemorySegment optlen = arena.allocate(JAVA_INT);
            optlen.set(JAVA_INT, 0, (int) optval.byteSize());
            if (LibC.getsockopt(errno, fd, level(option), name(option), optval, optlen) < 0) {
                throw failure(LibC.errno(errno), "getsockopt " + option);
            }
            if (option == SocketOptionKind.SO_LINGER) {
                return Linger.l_onoff(optval) == 0 ? -1 : Linger.l_linger(optval);
            }
            int v = optval.get(JAVA_INT, 0);
            // Booleans come back as any non-zero value; weft reports them as 0 or 1.
            return isBoolean(option) ? (v != 0 ? 1 : 0) : v;
        }
    }

    static InetSocketAddress localAddress(int fd) throws IOException {
        return name(fd, true);
    }

    static InetSocketAddress remoteAddress(int fd) throws IOException {
        return name(fd, false);
    }

    private static InetSocketAddress name(int fd, boolean local) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment address = arena.allocate(Sockaddrs.MAX_SIZE, 8);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, (int) Sockaddrs.MAX_SIZE);
            int rc = local ? LibC.getsockname(errno, fd, address, length)
                    : LibC.getpeername(errno, fd, address, length);
            if (rc < 0) {
                throw failure(LibC.errno(errno), local ? "getsockname" : "getpeername");
            }
            return Sockaddrs.decode(address);
        }
    }

    static void shutdownOutput(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            if (LibC.shutdown(errno, fd, SHUT_WR) < 0) {
                throw failure(LibC.errno(errno), "shutdown");
            }
        }
    }

    /** shutdown(SHUT_RDWR), ignoring errors: on a listening socket this stops listening at once. */
    static void shutdownQuietly(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            LibC.shutdown(arena.allocate(LibC.CAPTURE_STATE_LAYOUT), fd, SHUT_RDWR);
        }
    }

    /**
     * One send of {@code src} that never waits (MSG_DONTWAIT, and MSG_NOSIGNAL so a reset peer
     * gives EPIPE, not SIGPIPE). {@code src} may be heap memory: the kernel reads it during the
     * call, nothing is copied first.
     *
     * @param errno where errno is captured: the caller's own (a send's error, such as a reset,
     *              is reported once, so the call cannot be repeated to learn it)
     * @return the bytes sent (possibly fewer), or -errno; -EAGAIN when the socket buffer is full
     */
    static long sendNow(int fd, MemorySegment src, MemorySegment errno) {
        while (true) {
            long sent = LibC.sendWithoutWaiting(errno, fd, src, src.byteSize(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (sent >= 0) {
                return sent;
            }
            int code = LibC.errno(errno);
            if (code != dev.weft.bindings.linux.Errno.EINTR) {
                return -code;
            }
        }
    }

    /** Closes {@code fd}; errors are ignored (the descriptor is gone either way on Linux). */
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            LibC.close(arena.allocate(LibC.CAPTURE_STATE_LAYOUT), fd);
        }
    }

    static IOException failure(int errno, String context) {
        return Errors.toSocketError(errno, false).toException(errno, context);
    }

    private static boolean isBoolean(SocketOptionKind option) {
        return option == SocketOptionKind.TCP_NODELAY || option == SocketOptionKind.SO_KEEPALIVE
                || option == SocketOptionKind.SO_REUSEADDR || option == SocketOptionKind.SO_BROADCAST;
    }

    private static int level(SocketOptionKind option) {
        return option == SocketOptionKind.TCP_NODELAY ? IPPROTO_TCP : SOL_SOCKET;
    }

    private static int name(SocketOptionKind option) {
        return switch (option) {
            case TCP_NODELAY -> TCP_NODELAY;
            case SO_KEEPALIVE -> SO_KEEPALIVE;
            case SO_RCVBUF -> SO_RCVBUF;
            case SO_SNDBUF -> SO_SNDBUF;
            case SO_REUSEADDR -> SO_REUSEADDR;
            case SO_LINGER -> SO_LINGER;
            case SO_BROADCAST -> SO_BROADCAST;
        };
    }
}
