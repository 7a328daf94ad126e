/*
 * ABI probe for weft's hand-written Windows bindings (dev.weft.bindings.windows).
 *
 * Compiled with mingw-w64 (build.sh) and run on Windows or under Wine; prints one
 * "NAME VALUE" line for every struct size, field offset, constant and GUID the Java bindings
 * declare. WindowsAbiProbeTest compares each line with the Java side, and fails for any Java
 * constant or struct field that has no line here, so a new binding cannot skip the check.
 *
 * Names: a constant is printed under its C name; a struct under the name of its Java layout
 * (the C typedef), as "STRUCT.sizeof" and "STRUCT.field"; a GUID in canonical text form.
 * Integers are printed as signed 64-bit values of their C type, so an unsigned DWORD such as
 * 0xC8000006 prints positive and the test accepts it for a Java int of the same bits.
 */
#define WIN32_NO_STATUS
#include <winsock2.h>
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stddef.h>
#include <stdio.h>

#define VALUE(name) printf("%s %lld\n", #name, (long long)(name))
#define VALUE_AS(name, expr) printf("%s %lld\n", name, (long long)(expr))
#define SIZE(type) printf("%s.sizeof %lld\n", #type, (long long)sizeof(type))
#define FIELD(type, field) printf("%s.%s %lld\n", #type, #field, (long long)offsetof(type, field))

static void guid(const char *name, GUID g) {
    printf("%s %08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", name,
           (unsigned long)g.Data1, g.Data2, g.Data3, g.Data4[0], g.Data4[1], g.Data4[2],
           g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
}

int main(void) {
    /* ---- structs ---- */
    SIZE(OVERLAPPED);
    FIELD(OVERLAPPED, Internal);
    FIELD(OVERLAPPED, InternalHigh);
    FIELD(OVERLAPPED, Offset);
    FIELD(OVERLAPPED, OffsetHigh);
    FIELD(OVERLAPPED, hEvent);

    SIZE(OVERLAPPED_ENTRY);
    FIELD(OVERLAPPED_ENTRY, lpCompletionKey);
    FIELD(OVERLAPPED_ENTRY, lpOverlapped);
    FIELD(OVERLAPPED_ENTRY, Internal);
    FIELD(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred);

    SIZE(WSABUF);
    FIELD(WSABUF, len);
    FIELD(WSABUF, buf);

    SIZE(WSADATA);
    FIELD(WSADATA, wVersion);
    FIELD(WSADATA, wHighVersion);
    FIELD(WSADATA, iMaxSockets);
    FIELD(WSADATA, iMaxUdpDg);
    FIELD(WSADATA, lpVendorInfo);
    FIELD(WSADATA, szDescription);
    FIELD(WSADATA, szSystemStatus);

    SIZE(SOCKADDR_IN);
    FIELD(SOCKADDR_IN, sin_family);
    FIELD(SOCKADDR_IN, sin_port);
    FIELD(SOCKADDR_IN, sin_addr);
    FIELD(SOCKADDR_IN, sin_zero);

    SIZE(SOCKADDR_IN6);
    FIELD(SOCKADDR_IN6, sin6_family);
    FIELD(SOCKADDR_IN6, sin6_port);
    FIELD(SOCKADDR_IN6, sin6_flowinfo);
    FIELD(SOCKADDR_IN6, sin6_addr);
    FIELD(SOCKADDR_IN6, sin6_scope_id);

    SIZE(SOCKADDR_STORAGE);
    FIELD(SOCKADDR_STORAGE, ss_family);
    FIELD(SOCKADDR_STORAGE, __ss_align);

    SIZE(GUID);
    FIELD(GUID, Data1);
    FIELD(GUID, Data2);
    FIELD(GUID, Data3);
    FIELD(GUID, Data4);

    SIZE(LINGER);
    FIELD(LINGER, l_onoff);
    FIELD(LINGER, l_linger);

    /* ---- kernel32 / winerror.h ---- */
    VALUE(INFINITE);
    VALUE_AS("INVALID_HANDLE_VALUE", (INT_PTR)INVALID_HANDLE_VALUE);
    VALUE(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    VALUE(FILE_SKIP_SET_EVENT_ON_HANDLE);
    VALUE(WAIT_TIMEOUT);
    VALUE(ERROR_INVALID_HANDLE);
    VALUE(ERROR_HANDLE_EOF);
    VALUE(ERROR_NETNAME_DELETED);
    VALUE(ERROR_SEM_TIMEOUT);
    VALUE(ERROR_MORE_DATA);
    VALUE(ERROR_ABANDONED_WAIT_0);
    VALUE(ERROR_OPERATION_ABORTED);
    VALUE(ERROR_IO_PENDING);
    VALUE(ERROR_NOT_FOUND);
    VALUE(ERROR_CONNECTION_REFUSED);
    VALUE(ERROR_NETWORK_UNREACHABLE);
    VALUE(ERROR_HOST_UNREACHABLE);
    VALUE(ERROR_PORT_UNREACHABLE);
    VALUE(ERROR_CONNECTION_ABORTED);
    /* fileapi.h, winnt.h: files */
    VALUE(GENERIC_READ);
    VALUE(GENERIC_WRITE);
    VALUE(FILE_SHARE_READ);
    VALUE(FILE_SHARE_WRITE);
    VALUE(FILE_SHARE_DELETE);
    VALUE(CREATE_NEW);
    VALUE(CREATE_ALWAYS);
    VALUE(OPEN_EXISTING);
    VALUE(OPEN_ALWAYS);
    VALUE(TRUNCATE_EXISTING);
    VALUE(FILE_ATTRIBUTE_NORMAL);
    VALUE(FILE_FLAG_OVERLAPPED);
    VALUE(FileEndOfFileInfo);
    VALUE(ERROR_FILE_NOT_FOUND);
    VALUE(ERROR_PATH_NOT_FOUND);
    VALUE(ERROR_ACCESS_DENIED);
    VALUE(ERROR_SHARING_VIOLATION);
    VALUE(ERROR_HANDLE_DISK_FULL);
    VALUE(ERROR_FILE_EXISTS);
    VALUE(ERROR_DISK_FULL);
    VALUE(ERROR_ALREADY_EXISTS);
    /* namedpipeapi.h, winbase.h */
    VALUE(PIPE_ACCESS_DUPLEX);
    VALUE(PIPE_TYPE_BYTE);
    VALUE(PIPE_UNLIMITED_INSTANCES);

    SIZE(WSAPROTOCOL_INFOW);
    FIELD(WSAPROTOCOL_INFOW, dwServiceFlags1);
    FIELD(WSAPROTOCOL_INFOW, dwServiceFlags2);
    FIELD(WSAPROTOCOL_INFOW, dwServiceFlags3);
    FIELD(WSAPROTOCOL_INFOW, dwServiceFlags4);
    FIELD(WSAPROTOCOL_INFOW, dwProviderFlags);
    FIELD(WSAPROTOCOL_INFOW, ProviderId);
    FIELD(WSAPROTOCOL_INFOW, dwCatalogEntryId);
    FIELD(WSAPROTOCOL_INFOW, ProtocolChain);
    FIELD(WSAPROTOCOL_INFOW, iVersion);
    FIELD(WSAPROTOCOL_INFOW, iAddressFamily);
    FIELD(WSAPROTOCOL_INFOW, iMaxSockAddr);
    FIELD(WSAPROTOCOL_INFOW, iMinSockAddr);
    FIELD(WSAPROTOCOL_INFOW, iSocketType);
    FIELD(WSAPROTOCOL_INFOW, iProtocol);
    FIELD(WSAPROTOCOL_INFOW, iProtocolMaxOffset);
    FIELD(WSAPROTOCOL_INFOW, iNetworkByteOrder);
    FIELD(WSAPROTOCOL_INFOW, iSecurityScheme);
    FIELD(WSAPROTOCOL_INFOW, dwMessageSize);
    FIELD(WSAPROTOCOL_INFOW, dwProviderReserved);
    FIELD(WSAPROTOCOL_INFOW, szProtocol);

    /* ---- ntstatus.h ---- */
    VALUE(STATUS_SUCCESS);
    VALUE(STATUS_PENDING);
    VALUE_AS("STATUS_BUFFER_OVERFLOW", (int)STATUS_BUFFER_OVERFLOW);
    VALUE(STATUS_CANCELLED);
    VALUE(STATUS_LOCAL_DISCONNECT);
    VALUE(STATUS_REMOTE_DISCONNECT);
    VALUE(STATUS_CONNECTION_RESET);
    VALUE(STATUS_CONNECTION_REFUSED);
    VALUE(STATUS_CONNECTION_ABORTED);
    VALUE(STATUS_IO_TIMEOUT);
    VALUE(STATUS_END_OF_FILE);
    VALUE(STATUS_DISK_FULL);
    VALUE(STATUS_NETWORK_UNREACHABLE);
    VALUE(STATUS_HOST_UNREACHABLE);
    VALUE(STATUS_INSUFFICIENT_RESOURCES);

    /* ---- ws2_32 / winsock2.h, ws2def.h, ws2ipdef.h ---- */
    VALUE(WINSOCK_VERSION);
    VALUE(AF_INET);
    VALUE(AF_INET6);
    VALUE(SOCK_STREAM);
    VALUE(SOCK_DGRAM);
    VALUE(IPPROTO_TCP);
    VALUE(IPPROTO_UDP);
    VALUE(IPPROTO_IPV6);
    VALUE(IPV6_V6ONLY);
    VALUE(SOL_SOCKET);
    VALUE(SO_REUSEADDR);
    VALUE(SO_EXCLUSIVEADDRUSE);
    VALUE(SO_KEEPALIVE);
    VALUE(SO_LINGER);
    VALUE(SO_BROADCAST);
    VALUE(SO_SNDBUF);
    VALUE(SO_RCVBUF);
    VALUE(SO_ERROR);
    VALUE(TCP_NODELAY);
    VALUE(WSA_FLAG_OVERLAPPED);
    VALUE(WSA_FLAG_NO_HANDLE_INHERIT);
    VALUE(SIO_GET_EXTENSION_FUNCTION_POINTER);
    VALUE_AS("SIO_UDP_CONNRESET", (int)SIO_UDP_CONNRESET);
    VALUE(SD_RECEIVE);
    VALUE(SD_SEND);
    VALUE(SD_BOTH);
    VALUE_AS("INVALID_SOCKET", (long long)INVALID_SOCKET);
    VALUE(SOCKET_ERROR);
    VALUE(XP1_IFS_HANDLES);
    VALUE(WSA_IO_PENDING);
    VALUE(WSA_OPERATION_ABORTED);
    VALUE(WSAEINTR);
    VALUE(WSAEACCES);
    VALUE(WSAEFAULT);
    VALUE(WSAEINVAL);
    VALUE(WSAEMFILE);
    VALUE(WSAEWOULDBLOCK);
    VALUE(WSAENOTSOCK);
    VALUE(WSAEMSGSIZE);
    VALUE(WSAEAFNOSUPPORT);
    VALUE(WSAEADDRINUSE);
    VALUE(WSAEADDRNOTAVAIL);
    VALUE(WSAENETDOWN);
    VALUE(WSAENETUNREACH);
    VALUE(WSAENETRESET);
    VALUE(WSAECONNABORTED);
    VALUE(WSAECONNRESET);
    VALUE(WSAENOBUFS);
    VALUE(WSAEISCONN);
    VALUE(WSAENOTCONN);
    VALUE(WSAESHUTDOWN);
    VALUE(WSAETIMEDOUT);
    VALUE(WSAECONNREFUSED);
    VALUE(WSAEHOSTUNREACH);
    VALUE(WSANOTINITIALISED);

    /* ---- mswsock.h ---- */
    VALUE(SO_UPDATE_ACCEPT_CONTEXT);
    VALUE(SO_UPDATE_CONNECT_CONTEXT);
    {
        GUID acceptEx = WSAID_ACCEPTEX;
        GUID connectEx = WSAID_CONNECTEX;
        GUID sockaddrs = WSAID_GETACCEPTEXSOCKADDRS;
        guid("WSAID_ACCEPTEX", acceptEx);
        guid("WSAID_CONNECTEX", connectEx);
        guid("WSAID_GETACCEPTEXSOCKADDRS", sockaddrs);
    }
    return 0;
}
