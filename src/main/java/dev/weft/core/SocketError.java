package dev.weft.core;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * What went wrong with a socket operation, in words both backends share. Each backend maps its
 * own codes (errno, Win32, Winsock, NTSTATUS) onto these, so a user sees the same exception for
 * the same event on every OS.
 */
public enum SocketError {
    /** weft cancelled the operation (timeout, interrupt or close). */
    CANCELLED,
    /** The peer reset the connection (RST). */
    CONNECTION_RESET,
    /** The connection was aborted locally, e.g. by the network stack. */
    CONNECTION_ABORTED,
    /** Writing to a connection whose peer has gone. */
    BROKEN_PIPE,
    /** Nobody listens at the remote address. */
    CONNECTION_REFUSED,
    /** The OS gave up on the connection (e.g. keep-alive or connect timed out in the kernel). */
    TIMED_OUT,
    NETWORK_UNREACHABLE,
    HOST_UNREACHABLE,
    ADDRESS_IN_USE,
    ADDRESS_NOT_AVAILABLE,
    /** The socket is shut down for the operation, or not connected. */
    NOT_CONNECTED,
    /** The process or system ran out of descriptors, handles or buffer space. */
    NO_RESOURCES,
    /** A datagram larger than the protocol allows (EMSGSIZE, WSAEMSGSIZE on a send). */
    MESSAGE_TOO_LONG,
    /** Anything else; the message carries the native code. */
    OTHER;

    /**
     * The exception a java.net.Socket user would expect for this error.
     *
     * @param nativeCode the OS code, shown in the message
     * @param context    what was being done, e.g. "connect to /127.0.0.1:80"
     */
    public IOException toException(int nativeCode, String context) {
        String suffix = " (" + context + ", os error " + nativeCode + ")";
        return switch (this) {
            case CANCELLED -> new SocketException("Operation cancelled" + suffix);
            case CONNECTION_RESET -> new SocketException("Connection reset" + suffix);
            case CONNECTION_ABORTED -> new SocketException("Connection aborted" + suffix);
            case BROKEN_PIPE -> new SocketException("Broken pipe" + suffix);
            case CONNECTION_REFUSED -> new ConnectException("Connection refused" + suffix);
            case TIMED_OUT -> new SocketTimeoutException("Connection timed out" + suffix);
            case NETWORK_UNREACHABLE -> new NoRouteToHostException("Network is unreachable" + suffix);
            case HOST_UNREACHABLE -> new NoRouteToHostException("Host is unreachable" + suffix);
            case ADDRESS_IN_USE -> new BindException("Address already in use" + suffix);
            case ADDRESS_NOT_AVAILABLE -> new BindException("Cannot assign requested address" + suffix);
            case NOT_CONNECTED -> new SocketException("Socket is not connected or is shut down" + suffix);
            case NO_RESOURCES -> new SocketException("Out of descriptors or buffer space" + suffix);
            case MESSAGE_TOO_LONG -> new SocketException("Message too long" + suffix);
            case OTHER -> new SocketException("Socket error" + suffix);
        };
    }
}
