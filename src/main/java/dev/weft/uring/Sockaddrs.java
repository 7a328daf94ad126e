package dev.weft.uring;

import dev.weft.bindings.linux.SockaddrIn;
import dev.weft.bindings.linux.SockaddrIn6;
import dev.weft.bindings.linux.SockaddrStorage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

import static dev.weft.bindings.linux.Socket.AF_INET;
import static dev.weft.bindings.linux.Socket.AF_INET6;

/** Encodes {@link InetSocketAddress} into {@code sockaddr_in}/{@code sockaddr_in6} and back. */
final class Sockaddrs {
    private Sockaddrs() { }

    /** Bytes to allocate for any address weft encodes or the kernel returns. */
    static final long MAX_SIZE = SockaddrStorage.sizeof();

    static int family(InetSocketAddress address) throws IOException {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new UnknownHostException("unresolved address: " + address.getHostString());
        }
        return ip instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    /** Writes {@code address} into {@code dst} (at least {@link #MAX_SIZE} bytes); returns its length. */
    static int encode(InetSocketAddress address, MemorySegment dst) throws IOException {
        int family = family(address);
        dst.asSlice(0, MAX_SIZE).fill((byte) 0);
        if (family == AF_INET) {
            SockaddrIn.sin_family(dst, (short) AF_INET);
            SockaddrIn.sin_port(dst, (short) address.getPort());
            SockaddrIn.sin_addr(dst, ByteBuffer.wrap(address.getAddress().getAddress()).getInt());
            return (int) SockaddrIn.sizeof();
        }
        Inet6Address ip6 = (Inet6Address) address.getAddress();
        SockaddrIn6.sin6_family(dst, (short) AF_INET6);
        SockaddrIn6.sin6_port(dst, (short) address.getPort());
        SockaddrIn6.sin6_addr(dst).copyFrom(MemorySegment.ofArray(ip6.getAddress()));
        SockaddrIn6.sin6_scope_id(dst, ip6.getScopeId());
        return (int) SockaddrIn6.sizeof();
    }

    /** Reads the address the kernel wrote into {@code src}. */
    static InetSocketAddress decode(MemorySegment src) throws SocketException {
        int family = SockaddrStorage.ss_family(src);
        try {
            if (family == AF_INET) {
                byte[] ip = ByteBuffer.allocate(4).putInt(SockaddrIn.sin_addr(src)).array();
                return new InetSocketAddress(InetAddress.getByAddress(ip),
                        Short.toUnsignedInt(SockaddrIn.sin_port(src)));
            }
            if (family == AF_INET6) {
                byte[] ip = SockaddrIn6.sin6_addr(src).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                int scope = SockaddrIn6.sin6_scope_id(src);
                InetAddress address = scope == 0 ? InetAddress.getByAddress(ip)
                        : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(address, Short.toUnsignedInt(SockaddrIn6.sin6_port(src)));
            }
        } catch (UnknownHostException e) {
            throw new SocketException("bad address from the kernel: " + e.getMessage());
        }
        throw new SocketException("unsupported address family " + family);
    }
}
