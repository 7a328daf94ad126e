package dev.weft.bindings.windows;

import static dev.weft.bindings.windows.WinTypes.BOOL;
import static dev.weft.bindings.windows.WinTypes.DWORD;
import static dev.weft.bindings.windows.WinTypes.INT;
import static dev.weft.bindings.windows.WinTypes.POINTER;
import static dev.weft.bindings.windows.WinTypes.SOCKET;
import static dev.weft.bindings.windows.WinTypes.WORD;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * ws2_32.dll: Winsock 2 (winsock2.h, ws2def.h, ws2ipdef.h), with the constants weft uses.
 *
 * <p>Each function takes a call-state segment ({@link CallState}) first, into which the linker
 * captures WSAGetLastError. A {@code SOCKET} is a 64-bit integer passed by value. The library is
 * looked up on first use of a function (each handle lives in its own holder class), so reading
 * constants on Linux loads nothing. Extension functions (AcceptEx, ConnectEx, ...) are not
 * exported by name: see {@link MsWsock}.
 */
public final class Ws2_32 {
    private Ws2_32() {
    }

    // ---- constants ----
    /** MAKEWORD(2, 2). */
    public static final short WINSOCK_VERSION = 0x0202;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 27;
    public static final int SOL_SOCKET = 0xFFFF;
    public static final int SO_REUSEADDR = 0x0004;
    /** {@code ((int) (~SO_REUSEADDR))}: no other socket may bind the same address, even with SO_REUSEADDR. */
    public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    public static final int SO_KEEPALIVE = 0x0008;
    public static final int SO_LINGER = 0x0080;
    public static final int SO_BROADCAST = 0x0020;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_ERROR = 0x1007;
    public static final int TCP_NODELAY = 0x0001;
    public static final int WSA_FLAG_OVERLAPPED = 0x01;
    public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
    public static final int SIO_GET_EXTENSION_FUNCTION_POINTER = 0xC8000006;
    /** From mswsock.h: off stops an ICMP port-unreachable from failing the next receive with WSAECONNRESET. */
    public static final int SIO_UDP_CONNRESET = 0x9800000C;
    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;
    public static final long INVALID_SOCKET = -1L;
    public static final int SOCKET_ERROR = -1;
    /** WSAPROTOCOL_INFOW.dwServiceFlags1: the provider's sockets are real IFS handles. */
    public static final int XP1_IFS_HANDLES = 0x00020000;
    public static final int WSA_IO_PENDING = 997;
    public static final int WSA_OPERATION_ABORTED = 995;
    public static final int WSAEINTR = 10004;
    public static final int WSAEACCES = 10013;
    public static final int WSAEFAULT = 10014;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEMFILE = 10024;
    public static final int WSAEWOULDBLOCK = 10035;
    public static final int WSAENOTSOCK = 10038;
    public static final int WSAEMSGSIZE = 10040;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAENETDOWN = 10050;
    public static final int WSAENETUNREACH = 10051;
    public static final int WSAENETRESET = 10052;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAENOBUFS = 10055;
    public static final int WSAEISCONN = 10056;
    public static final int WSAENOTCONN = 10057;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSAETIMEDOUT = 10060;
    public static final int WSAECONNREFUSED = 10061;
    public static final int WSAEHOSTUNREACH = 10065;
    public static final int WSANOTINITIALISED = 10093;

    @SuppressWarnings("restricted")
    private static final class Lib {
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("ws2_32", Arena.global());

        static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
            return Linker.nativeLinker().downcallHandle(
                    LOOKUP.findOrThrow(name), descriptor, CallState.CAPTURE_WSA_GET_LAST_ERROR);
        }
    }

    // int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData)
    private static final class WSAStartup$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, WORD, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSAStartup", DESC);
    }

    public static MethodHandle WSAStartup$handle() {
        return WSAStartup$.HANDLE;
    }

    public static int WSAStartup(MemorySegment callState, short wVersionRequested, MemorySegment lpWSAData) {
        try {
            return (int) WSAStartup$.HANDLE.invokeExact(callState, wVersionRequested, lpWSAData);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSAEnumProtocolsW(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer, LPDWORD lpdwBufferLength)
    private static final class WSAEnumProtocolsW$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, POINTER, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSAEnumProtocolsW", DESC);
    }

    public static MethodHandle WSAEnumProtocolsW$handle() {
        return WSAEnumProtocolsW$.HANDLE;
    }

    public static int WSAEnumProtocolsW(MemorySegment callState, MemorySegment lpiProtocols,
                                        MemorySegment lpProtocolBuffer, MemorySegment lpdwBufferLength) {
        try {
            return (int) WSAEnumProtocolsW$.HANDLE.invokeExact(callState, lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSACleanup(void)
    private static final class WSACleanup$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT);
        static final MethodHandle HANDLE = Lib.downcall("WSACleanup", DESC);
    }

    public static MethodHandle WSACleanup$handle() {
        return WSACleanup$.HANDLE;
    }

    public static int WSACleanup(MemorySegment callState) {
        try {
            return (int) WSACleanup$.HANDLE.invokeExact(callState);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags)
    private static final class WSASocketW$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(SOCKET, INT, INT, INT, POINTER, DWORD, DWORD);
        static final MethodHandle HANDLE = Lib.downcall("WSASocketW", DESC);
    }

    public static MethodHandle WSASocketW$handle() {
        return WSASocketW$.HANDLE;
    }

    public static long WSASocketW(MemorySegment callState, int af, int type, int protocol, MemorySegment lpProtocolInfo, int g, int dwFlags) {
        try {
            return (long) WSASocketW$.HANDLE.invokeExact(callState, af, type, protocol, lpProtocolInfo, g, dwFlags);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int bind(SOCKET s, const struct sockaddr *name, int namelen)
    private static final class bind$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, INT);
        static final MethodHandle HANDLE = Lib.downcall("bind", DESC);
    }

    public static MethodHandle bind$handle() {
        return bind$.HANDLE;
    }

    public static int bind(MemorySegment callState, long s, MemorySegment name, int namelen) {
        try {
            return (int) bind$.HANDLE.invokeExact(callState, s, name, namelen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int listen(SOCKET s, int backlog)
    private static final class listen$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, INT);
        static final MethodHandle HANDLE = Lib.downcall("listen", DESC);
    }

    public static MethodHandle listen$handle() {
        return listen$.HANDLE;
    }

    public static int listen(MemorySegment callState, long s, int backlog) {
        try {
            return (int) listen$.HANDLE.invokeExact(callState, s, backlog);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int getsockname(SOCKET s, struct sockaddr *name, int *namelen)
    private static final class getsockname$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("getsockname", DESC);
    }

    public static MethodHandle getsockname$handle() {
        return getsockname$.HANDLE;
    }

    public static int getsockname(MemorySegment callState, long s, MemorySegment name, MemorySegment namelen) {
        try {
            return (int) getsockname$.HANDLE.invokeExact(callState, s, name, namelen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int getpeername(SOCKET s, struct sockaddr *name, int *namelen)
    private static final class getpeername$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("getpeername", DESC);
    }

    public static MethodHandle getpeername$handle() {
        return getpeername$.HANDLE;
    }

    public static int getpeername(MemorySegment callState, long s, MemorySegment name, MemorySegment namelen) {
        try {
            return (int) getpeername$.HANDLE.invokeExact(callState, s, name, namelen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen)
    private static final class setsockopt$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, INT, INT, POINTER, INT);
        static final MethodHandle HANDLE = Lib.downcall("setsockopt", DESC);
    }

    public static MethodHandle setsockopt$handle() {
        return setsockopt$.HANDLE;
    }

    public static int setsockopt(MemorySegment callState, long s, int level, int optname, MemorySegment optval, int optlen) {
        try {
            return (int) setsockopt$.HANDLE.invokeExact(callState, s, level, optname, optval, optlen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int getsockopt(SOCKET s, int level, int optname, char *optval, int *optlen)
    private static final class getsockopt$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, INT, INT, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("getsockopt", DESC);
    }

    public static MethodHandle getsockopt$handle() {
        return getsockopt$.HANDLE;
    }

    public static int getsockopt(MemorySegment callState, long s, int level, int optname, MemorySegment optval, MemorySegment optlen) {
        try {
            return (int) getsockopt$.HANDLE.invokeExact(callState, s, level, optname, optval, optlen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
    private static final class WSAIoctl$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, DWORD, POINTER, DWORD, POINTER, DWORD, POINTER, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSAIoctl", DESC);
    }

    public static MethodHandle WSAIoctl$handle() {
        return WSAIoctl$.HANDLE;
    }

    public static int WSAIoctl(MemorySegment callState, long s, int dwIoControlCode, MemorySegment lpvInBuffer, int cbInBuffer, MemorySegment lpvOutBuffer, int cbOutBuffer, MemorySegment lpcbBytesReturned, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) WSAIoctl$.HANDLE.invokeExact(callState, s, dwIoControlCode, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned, lpOverlapped, lpCompletionRoutine);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
    private static final class WSARecv$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, DWORD, POINTER, POINTER, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSARecv", DESC);
    }

    public static MethodHandle WSARecv$handle() {
        return WSARecv$.HANDLE;
    }

    public static int WSARecv(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesRecvd, MemorySegment lpFlags, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) WSARecv$.HANDLE.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpOverlapped, lpCompletionRoutine);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
    private static final class WSASend$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, DWORD, POINTER, DWORD, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSASend", DESC);
    }

    public static MethodHandle WSASend$handle() {
        return WSASend$.HANDLE;
    }

    public static int WSASend(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesSent, int dwFlags, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) WSASend$.HANDLE.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags, struct sockaddr *lpFrom, LPINT lpFromlen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
    private static final class WSARecvFrom$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, DWORD, POINTER, POINTER, POINTER, POINTER, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSARecvFrom", DESC);
    }

    public static MethodHandle WSARecvFrom$handle() {
        return WSARecvFrom$.HANDLE;
    }

    public static int WSARecvFrom(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesRecvd, MemorySegment lpFlags, MemorySegment lpFrom, MemorySegment lpFromlen, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) WSARecvFrom$.HANDLE.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesRecvd, lpFlags, lpFrom, lpFromlen, lpOverlapped, lpCompletionRoutine);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent, DWORD dwFlags, const struct sockaddr *lpTo, int iTolen, LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
    private static final class WSASendTo$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, DWORD, POINTER, DWORD, POINTER, INT, POINTER, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSASendTo", DESC);
    }

    public static MethodHandle WSASendTo$handle() {
        return WSASendTo$.HANDLE;
    }

    public static int WSASendTo(MemorySegment callState, long s, MemorySegment lpBuffers, int dwBufferCount, MemorySegment lpNumberOfBytesSent, int dwFlags, MemorySegment lpTo, int iTolen, MemorySegment lpOverlapped, MemorySegment lpCompletionRoutine) {
        try {
            return (int) WSASendTo$.HANDLE.invokeExact(callState, s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpTo, iTolen, lpOverlapped, lpCompletionRoutine);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int connect(SOCKET s, const struct sockaddr *name, int namelen); weft uses it for datagram sockets only (it just records the peer)
    private static final class connect$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, POINTER, INT);
        static final MethodHandle HANDLE = Lib.downcall("connect", DESC);
    }

    public static MethodHandle connect$handle() {
        return connect$.HANDLE;
    }

    public static int connect(MemorySegment callState, long s, MemorySegment name, int namelen) {
        try {
            return (int) connect$.HANDLE.invokeExact(callState, s, name, namelen);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer, BOOL fWait, LPDWORD lpdwFlags)
    private static final class WSAGetOverlappedResult$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, SOCKET, POINTER, POINTER, BOOL, POINTER);
        static final MethodHandle HANDLE = Lib.downcall("WSAGetOverlappedResult", DESC);
    }

    public static MethodHandle WSAGetOverlappedResult$handle() {
        return WSAGetOverlappedResult$.HANDLE;
    }

    public static int WSAGetOverlappedResult(MemorySegment callState, long s, MemorySegment lpOverlapped, MemorySegment lpcbTransfer, int fWait, MemorySegment lpdwFlags) {
        try {
            return (int) WSAGetOverlappedResult$.HANDLE.invokeExact(callState, s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int shutdown(SOCKET s, int how)
    private static final class shutdown$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET, INT);
        static final MethodHandle HANDLE = Lib.downcall("shutdown", DESC);
    }

    public static MethodHandle shutdown$handle() {
        return shutdown$.HANDLE;
    }

    public static int shutdown(MemorySegment callState, long s, int how) {
        try {
            return (int) shutdown$.HANDLE.invokeExact(callState, s, how);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // int closesocket(SOCKET s)
    private static final class closesocket$ {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(INT, SOCKET);
        static final MethodHandle HANDLE = Lib.downcall("closesocket", DESC);
    }

    public static MethodHandle closesocket$handle() {
        return closesocket$.HANDLE;
    }

    public static int closesocket(MemorySegment callState, long s) {
        try {
            return (int) closesocket$.HANDLE.invokeExact(callState, s);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
