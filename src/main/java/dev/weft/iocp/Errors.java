package dev.weft.iocp;

import static dev.weft.bindings.windows.Kernel32.*;
import static dev.weft.bindings.windows.NtStatus.*;
import static dev.weft.bindings.windows.Ws2_32.*;

import dev.weft.core.SocketError;
import java.io.IOException;

/**
 * Turns the codes Windows reports (Win32 errors, Winsock errors, NTSTATUS) into weft's
 * {@link SocketError}.
 *
 * <p>The one judgement call: ERROR_NETNAME_DELETED and ERROR_OPERATION_ABORTED mean both "this
 * process cancelled or closed it" and "the peer reset the connection". Only weft knows which, by
 * whether it asked for the cancel; a reset is never turned into end-of-stream.
 */
final class Errors {
    private Errors() {
    }

    static SocketError toSocketError(int code, boolean cancelRequested) {
        return switch (code) {
            case ERROR_OPERATION_ABORTED, ERROR_NETNAME_DELETED ->
                    cancelRequested ? SocketError.CANCELLED : SocketError.CONNECTION_RESET;
            case WSAECONNABORTED, ERROR_CONNECTION_ABORTED ->
                    cancelRequested ? SocketError.CANCELLED : SocketError.CONNECTION_ABORTED;
            case WSAEINTR -> SocketError.CANCELLED;
            case WSAECONNRESET, WSAENETRESET -> SocketError.CONNECTION_RESET;
            case WSAECONNREFUSED, ERROR_CONNECTION_REFUSED, ERROR_PORT_UNREACHABLE -> SocketError.CONNECTION_REFUSED;
            case WSAETIMEDOUT, ERROR_SEM_TIMEOUT -> SocketError.TIMED_OUT;
            case WSAENETUNREACH, WSAENETDOWN, ERROR_NETWORK_UNREACHABLE -> SocketError.NETWORK_UNREACHABLE;
            case WSAEHOSTUNREACH, ERROR_HOST_UNREACHABLE -> SocketError.HOST_UNREACHABLE;
            case WSAEADDRINUSE -> SocketError.ADDRESS_IN_USE;
            case WSAEADDRNOTAVAIL -> SocketError.ADDRESS_NOT_AVAILABLE;
            case WSAENOTCONN, WSAESHUTDOWN -> SocketError.NOT_CONNECTED;
            case WSAENOBUFS, WSAEMFILE -> SocketError.NO_RESOURCES;
            case WSAEMSGSIZE -> SocketError.MESSAGE_TOO_LONG;
            default -> SocketError.OTHER;
        };
    }

    /**
     * The Win32/Winsock code for an NTSTATUS, for the few statuses a socket operation ends with.
     * Used only when WSAGetOverlappedResult cannot say (it normally gives the Winsock code).
     */
    static int fromNtStatus(int status) {
        return switch (status) {
            case STATUS_SUCCESS -> 0;
            case STATUS_CANCELLED -> ERROR_OPERATION_ABORTED;
            case STATUS_LOCAL_DISCONNECT, STATUS_REMOTE_DISCONNECT -> ERROR_NETNAME_DELETED;
            case STATUS_CONNECTION_RESET -> WSAECONNRESET;
            case STATUS_CONNECTION_REFUSED -> WSAECONNREFUSED;
            case STATUS_CONNECTION_ABORTED -> WSAECONNABORTED;
            case STATUS_IO_TIMEOUT -> WSAETIMEDOUT;
            case STATUS_NETWORK_UNREACHABLE -> WSAENETUNREACH;
            case STATUS_HOST_UNREACHABLE -> WSAEHOSTUNREACH;
            case STATUS_INSUFFICIENT_RESOURCES -> WSAENOBUFS;
            default -> status;
        };
    }

    /** The exception for a failed synchronous call (bind, setsockopt, ...). */
    static IOException exception(String call, int code) {
        return toSocketError(code, false).toException(code, call);
    }
}
