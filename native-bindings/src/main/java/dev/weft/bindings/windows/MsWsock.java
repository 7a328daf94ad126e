package dev.weft.bindings.windows;

import static dev.weft.bindings.windows.WinTypes.BOOL;
import static dev.weft.bindings.windows.WinTypes.DWORD;
import static dev.weft.bindings.windows.WinTypes.INT;
import static dev.weft.bindings.windows.WinTypes.POINTER;
import static dev.weft.bindings.windows.WinTypes.SOCKET;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The Winsock extension functions (mswsock.h). They are not called by name: a provider hands out
 * their addresses through {@code WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)} with the GUIDs
 * below. Each nested class is the function-pointer type in jextract's shape: {@code invoke} takes
 * the address first, then the call state (WSAGetLastError is captured), then the C arguments.
 */
public final class MsWsock {
    private MsWsock() {
    }

    public static final int SO_UPDATE_ACCEPT_CONTEXT = 0x700B;
    public static final int SO_UPDATE_CONNECT_CONTEXT = 0x7010;

    /** GUIDs in canonical text form; {@link Guid} holds the binary layout. */
    public static final String WSAID_ACCEPTEX = "b5367df1-cbac-11cf-95ca-00805f48a192";
    public static final String WSAID_CONNECTEX = "25a207b9-ddf3-4660-8ee9-76e58c74063e";
    public static final String WSAID_GETACCEPTEXSOCKADDRS = "b5367df2-cbac-11cf-95ca-00805f48a192";

    @SuppressWarnings("restricted")
    private static MethodHandle pointerDowncall(FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(descriptor, CallState.CAPTURE_WSA_GET_LAST_ERROR);
    }

    /**
     * {@code BOOL AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, PVOID lpOutputBuffer,
     * DWORD dwReceiveDataLength, DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength,
     * LPDWORD lpdwBytesReceived, LPOVERLAPPED lpOverlapped)}
     */
    public static final class LPFN_ACCEPTEX {
        private LPFN_ACCEPTEX() {
        }

        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                BOOL, SOCKET, SOCKET, POINTER, DWORD, DWORD, DWORD, POINTER, POINTER);
        private static final MethodHandle DOWN = pointerDowncall(DESC);

        public static int invoke(MemorySegment function, MemorySegment callState, long sListenSocket,
                long sAcceptSocket, MemorySegment lpOutputBuffer, int dwReceiveDataLength,
                int dwLocalAddressLength, int dwRemoteAddressLength, MemorySegment lpdwBytesReceived,
                MemorySegment lpOverlapped) {
            try {
                return (int) DOWN.invokeExact(function, callState, sListenSocket, sAcceptSocket, lpOutputBuffer,
                        dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength, lpdwBytesReceived,
                        lpOverlapped);
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }
    }

    /**
     * {@code BOOL ConnectEx(SOCKET s, const struct sockaddr *name, int namelen, PVOID lpSendBuffer,
     * DWORD dwSendDataLength, LPDWORD lpdwBytesSent, LPOVERLAPPED lpOverlapped)}; the socket must
     * be bound first.
     */
    public static final class LPFN_CONNECTEX {
        private LPFN_CONNECTEX() {
        }

        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
                BOOL, SOCKET, POINTER, INT, POINTER, DWORD, POINTER, POINTER);
        private static final MethodHandle DOWN = pointerDowncall(DESC);

        public static int invoke(MemorySegment function, MemorySegment callState, long s, MemorySegment name,
                int namelen, MemorySegment lpSendBuffer, int dwSendDataLength, MemorySegment lpdwBytesSent,
                MemorySegment lpOverlapped) {
            try {
                return (int) DOWN.invokeExact(function, callState, s, name, namelen, lpSendBuffer,
                        dwSendDataLength, lpdwBytesSent, lpOverlapped);
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }
    }

    /**
     * {@code void GetAcceptExSockaddrs(PVOID lpOutputBuffer, DWORD dwReceiveDataLength,
     * DWORD dwLocalAddressLength, DWORD dwRemoteAddressLength, struct sockaddr **LocalSockaddr,
     * LPINT LocalSockaddrLength, struct sockaddr **RemoteSockaddr, LPINT RemoteSockaddrLength)}
     */
    public static final class LPFN_GETACCEPTEXSOCKADDRS {
        private LPFN_GETACCEPTEXSOCKADDRS() {
        }

        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
                POINTER, DWORD, DWORD, DWORD, POINTER, POINTER, POINTER, POINTER);
        private static final MethodHandle DOWN = pointerDowncall(DESC);

        public static void invoke(MemorySegment function, MemorySegment callState, MemorySegment lpOutputBuffer,
                int dwReceiveDataLength, int dwLocalAddressLength, int dwRemoteAddressLength,
                MemorySegment LocalSockaddr, MemorySegment LocalSockaddrLength, MemorySegment RemoteSockaddr,
                MemorySegment RemoteSockaddrLength) {
            try {
                DOWN.invokeExact(function, callState, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
                        dwRemoteAddressLength, LocalSockaddr, LocalSockaddrLength, RemoteSockaddr,
                        RemoteSockaddrLength);
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }
    }
}
