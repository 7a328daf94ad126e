package dev.weft.uring;

import dev.weft.core.SocketError;

import static dev.weft.bindings.linux.Errno.*;

/** Maps Linux errno values (a CQE's negated {@code res}, or a syscall's errno) to {@link SocketError}. */
final class Errors {
    private Errors() { }

    /**
     * @param errno           the positive errno
     * @param cancelRequested whether weft asked for the op to be cancelled: an EINTR then means
     *                        "cancelled by us", otherwise it is an unexpected interruption
     */
    static SocketError toSocketError(int errno, boolean cancelRequested) {
        return switch (errno) {
            case ECANCELED -> SocketError.CANCELLED;
            case EINTR -> cancelRequested ? SocketError.CANCELLED : SocketError.OTHER;
            case ECONNRESET, ENETRESET -> SocketError.CONNECTION_RESET;
            case ECONNABORTED -> SocketError.CONNECTION_ABORTED;
            case EPIPE -> SocketError.BROKEN_PIPE;
            case ECONNREFUSED -> SocketError.CONNECTION_REFUSED;
            case ETIMEDOUT -> SocketError.TIMED_OUT;
            case ENETUNREACH, ENETDOWN -> SocketError.NETWORK_UNREACHABLE;
            case EHOSTUNREACH, EHOSTDOWN -> SocketError.HOST_UNREACHABLE;
            case EADDRINUSE -> SocketError.ADDRESS_IN_USE;
            case EADDRNOTAVAIL -> SocketError.ADDRESS_NOT_AVAILABLE;
            case ENOTCONN, ESHUTDOWN -> SocketError.NOT_CONNECTED;
            case EMFILE, ENFILE, ENOBUFS, ENOMEM -> SocketError.NO_RESOURCES;
            case EMSGSIZE -> SocketError.MESSAGE_TOO_LONG;
            default -> SocketError.OTHER;
        };
    }
}
