package dev.weft.iocp;

import dev.weft.bindings.windows.SockaddrIn;
import dev.weft.bindings.windows.SockaddrIn6;
import dev.weft.bindings.windows.Ws2_32;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

/** Converts between {@link InetSocketAddress} and Windows sockaddr_in / sockaddr_in6 bytes. */
final class Sockaddrs {
    private Sockaddrs() {
    }

    static int family(InetSocketAddress address) throws UnknownHostException {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new UnknownHostException(address.getHostString());
        }
        return ip instanceof Inet6Address ? Ws2_32.AF_INET6 : Ws2_32.AF_INET;
    }

    /** Writes {@code address} into {@code dst} (zeroing it first) and returns the sockaddr length. */
    static int write(InetSocketAddress address, MemorySegment dst) throws UnknownHostException {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new UnknownHostException(address.getHostString());
        }
        short port = Short.reverseBytes((short) address.getPort()); // network byte order
        if (ip instanceof Inet4Address) {
            dst.asSlice(0, SockaddrIn.sizeof()).fill((byte) 0);
            SockaddrIn.sin_family(dst, (short) Ws2_32.AF_INET);
            SockaddrIn.sin_port(dst, port);
            SockaddrIn.sin_addr(dst, MemorySegment.ofArray(ip.getAddress()));
            return (int) SockaddrIn.sizeof();
        }
        Inet6Address ip6 = (Inet6Address) ip;
        dst.asSlice(0, SockaddrIn6.sizeof()).fill((byte) 0);
        SockaddrIn6.sin6_family(dst, (short) Ws2_32.AF_INET6);
        SockaddrIn6.sin6_port(dst, port);
        SockaddrIn6.sin6_addr(dst, MemorySegment.ofArray(ip6.getAddress()));
        SockaddrIn6.sin6_scope_id(dst, ip6.getScopeId());
        return (int) SockaddrIn6.sizeof();
    }

    /** The wildcard address of a family, port 0: what a socket is bound to before ConnectEx. */
    static InetSocketAddress wildcard(int family) {
        byte[] any = new byte[family == Ws2_32.AF_INET6 ? 16 : 4];
        try {
            return new InetSocketAddress(InetAddress.getByAddress(any), 0);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress read(MemorySegment src) throws SocketException {
        int family = Short.toUnsignedInt(src.get(ValueLayout.JAVA_SHORT, 0));
        try {
            if (family == Ws2_32.AF_INET) {
                byte[] ip = SockaddrIn.sin_addr(src).toArray(ValueLayout.JAVA_BYTE);
                int port = Short.toUnsignedInt(Short.reverseBytes(SockaddrIn.sin_port(src)));
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == Ws2_32.AF_INET6) {
                byte[] ip = SockaddrIn6.sin6_addr(src).toArray(ValueLayout.JAVA_BYTE);
                int port = Short.toUnsignedInt(Short.reverseBytes(SockaddrIn6.sin6_port(src)));
                int scope = SockaddrIn6.sin6_scope_id(src);
                InetAddress address = scope == 0
                        ? InetAddress.getByAddress(ip)
                        : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(address, port);
            }
        } catch (UnknownHostException e) {
            throw new SocketException("bad address from the OS: " + e.getMessage());
        }
        throw new SocketException("unexpected address family " + family);
    }
}
