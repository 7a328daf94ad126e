package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.Linger;
import dev.weft.bindings.windows.SockaddrStorage;
import dev.weft.bindings.windows.Ws2_32;
import dev.weft.bindings.windows.WsaProtocolInfoW;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.StringJoiner;

/**
 * The synchronous Winsock and kernel32 calls a backend makes outside the I/O path (create,
 * bind, listen, options, addresses), each turning a failure into an IOException. None of these
 * blocks: they only set state in the kernel.
 */
final class SocketCalls {
    private SocketCalls() {
    }

    /** A TCP socket that may be used for overlapped I/O and is not inherited by child processes. */
    static long open(int family) throws IOException {
        return open(family, Ws2_32.SOCK_STREAM, Ws2_32.IPPROTO_TCP);
    }

    /** A UDP socket for overlapped I/O, not inherited by child processes. */
    static long openDatagram(int family) throws IOException {
        return open(family, Ws2_32.SOCK_DGRAM, Ws2_32.IPPROTO_UDP);
    }

    private static long open(int family, int type, int protocol) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            long s = Ws2_32.WSASocketW(state, family, type, protocol, MemorySegment.NULL, 0,
                    Ws2_32.WSA_FLAG_OVERLAPPED | Ws2_32.WSA_FLAG_NO_HANDLE_INHERIT);
            if (s == Ws2_32.INVALID_SOCKET) {
                throw Errors.exception("WSASocketW", CallState.WSAGetLastError(state));
            }
            return s;
        }
    }

    /**
     * Turns off SIO_UDP_CONNRESET: by default an ICMP port unreachable, caused by any earlier
     * send to a dead peer, fails this socket's next receive with WSAECONNRESET, so one dead peer
     * would break a server's receive loop.
     */
    static void ignoreUdpPortUnreachable(long s) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment off = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
            MemorySegment returned = arena.allocate(ValueLayout.JAVA_INT);
            if (Ws2_32.WSAIoctl(state, s, Ws2_32.SIO_UDP_CONNRESET, off, 4, MemorySegment.NULL, 0, returned,
                    MemorySegment.NULL, MemorySegment.NULL) != 0) {
                throw Errors.exception("WSAIoctl SIO_UDP_CONNRESET", CallState.WSAGetLastError(state));
            }
        }
    }

    /** connect of a datagram socket: it only records the peer, so it never waits. */
    static void connectDatagram(long s, InetSocketAddress peer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment address = SockaddrStorage.allocate(arena);
            int length = Sockaddrs.write(peer, address);
            if (Ws2_32.connect(state, s, address, length) != 0) {
                throw Errors.exception("connect to " + peer, CallState.WSAGetLastError(state));
            }
        }
    }

    static void closeQuietly(long s) {
        try (Arena arena = Arena.ofConfined()) {
            Ws2_32.closesocket(CallState.allocate(arena), s);
        }
    }

    static MemorySegment handle(long s) {
        return MemorySegment.ofAddress(s);
    }

    /** Associates {@code s} with the port; every completion on it then arrives there. */
    static void associate(MemorySegment port, long s, MemorySegment state) throws IOException {
        MemorySegment result = Kernel32.CreateIoCompletionPort(state, handle(s), port, 0, 0);
        if (result.address() != port.address()) {
            throw Errors.exception("CreateIoCompletionPort", CallState.GetLastError(state));
        }
    }

    /**
     * Asks the kernel not to queue a packet for an operation that completes at once (and not to
     * signal the handle). Returns whether it took effect: only then may a submitter complete an
     * op inline, since otherwise the packet still comes.
     */
    static boolean skipCompletionPortOnSuccess(long s, MemorySegment state) {
        byte flags = (byte) (Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE);
        return Kernel32.SetFileCompletionNotificationModes(state, handle(s), flags) != 0;
    }

    /**
     * Null when every installed protocol provider hands out IFS handles, else which do not.
     * Skipping completion packets is unsafe with a non-IFS layered provider (its handles may
     * complete without a packet and without telling the submitter), so Go and .NET check this
     * first; so does weft. Call after WSAStartup.
     */
    static String nonIfsProviders() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
            // The first call, with no buffer, fails with WSAENOBUFS and says how much room it needs.
            int count = Ws2_32.WSAEnumProtocolsW(state, MemorySegment.NULL, MemorySegment.NULL, length);
            if (count == Ws2_32.SOCKET_ERROR && CallState.WSAGetLastError(state) != Ws2_32.WSAENOBUFS) {
                return "WSAEnumProtocolsW failed (os error " + CallState.WSAGetLastError(state) + ")";
            }
            long room = Math.max(length.get(ValueLayout.JAVA_INT, 0), WsaProtocolInfoW.sizeof());
            MemorySegment providers = arena.allocate(room, WsaProtocolInfoW.layout().byteAlignment());
            count = Ws2_32.WSAEnumProtocolsW(state, MemorySegment.NULL, providers, length);
            if (count == Ws2_32.SOCKET_ERROR) {
                return "WSAEnumProtocolsW failed (os error " + CallState.WSAGetLastError(state) + ")";
            }
            StringJoiner nonIfs = new StringJoiner(", ");
            for (int i = 0; i < count; i++) {
                MemorySegment provider = WsaProtocolInfoW.asSlice(providers, i);
                if ((WsaProtocolInfoW.dwServiceFlags1(provider) & Ws2_32.XP1_IFS_HANDLES) == 0) {
                    nonIfs.add(WsaProtocolInfoW.szProtocol(provider));
                }
            }
            return nonIfs.length() == 0 ? null : "protocol providers without IFS handles: " + nonIfs;
        }
    }

    static void bind(long s, InetSocketAddress local) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment address = SockaddrStorage.allocate(arena);
            int length = Sockaddrs.write(local, address);
            if (Ws2_32.bind(state, s, address, length) != 0) {
                throw Errors.exception("bind to " + local, CallState.WSAGetLastError(state));
            }
        }
    }

    static void listen(long s, int backlog) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            if (Ws2_32.listen(state, s, backlog) != 0) {
                throw Errors.exception("listen", CallState.WSAGetLastError(state));
            }
        }
    }

    static void setInt(long s, int level, int name, int value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            if (Ws2_32.setsockopt(state, s, level, name, v, 4) != 0) {
                throw Errors.exception("setsockopt " + name, CallState.WSAGetLastError(state));
            }
        }
    }

    static int getInt(long s, int level, int name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT); // zeroed: some options write 1 byte
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
            if (Ws2_32.getsockopt(state, s, level, name, v, length) != 0) {
                throw Errors.exception("getsockopt " + name, CallState.WSAGetLastError(state));
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** SO_LINGER as weft exposes it: seconds, or -1 for off. */
    static void setLinger(long s, int seconds) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment v = Linger.allocate(arena);
            Linger.l_onoff(v, (short) (seconds < 0 ? 0 : 1));
            Linger.l_linger(v, (short) Math.max(0, Math.min(seconds, 0xFFFF)));
            if (Ws2_32.setsockopt(state, s, Ws2_32.SOL_SOCKET, Ws2_32.SO_LINGER, v, (int) Linger.sizeof()) != 0) {
                throw Errors.exception("setsockopt SO_LINGER", CallState.WSAGetLastError(state));
            }
        }
    }

    static int getLinger(long s) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment v = Linger.allocate(arena);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) Linger.sizeof());
            if (Ws2_32.getsockopt(state, s, Ws2_32.SOL_SOCKET, Ws2_32.SO_LINGER, v, length) != 0) {
                throw Errors.exception("getsockopt SO_LINGER", CallState.WSAGetLastError(state));
            }
            return Linger.l_onoff(v) == 0 ? -1 : Short.toUnsignedInt(Linger.l_linger(v));
        }
    }

    static InetSocketAddress localAddress(long s) throws IOException {
        return name(s, false);
    }

    static InetSocketAddress remoteAddress(long s) throws IOException {
        return name(s, true);
    }

    private static InetSocketAddress name(long s, boolean peer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment address = SockaddrStorage.allocate(arena);
            MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) SockaddrStorage.sizeof());
            int rc = peer ? Ws2_32.getpeername(state, s, address, length)
                          : Ws2_32.getsockname(state, s, address, length);
            if (rc != 0) {
                throw Errors.exception(peer ? "getpeername" : "getsockname", CallState.WSAGetLastError(state));
            }
            return Sockaddrs.read(address);
        }
    }

    static void shutdown(long s, int how) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            if (Ws2_32.shutdown(state, s, how) != 0) {
                throw Errors.exception("shutdown", CallState.WSAGetLastError(state));
            }
        }
    }

    /** shutdown that ignores failures, for a socket being closed (it may never have connected). */
    static void shutdownQuietly(long s, int how) {
        try (Arena arena = Arena.ofConfined()) {
            Ws2_32.shutdown(CallState.allocate(arena), s, how);
        }
    }

    /**
     * The Winsock error of an overlapped operation that completed with a failing NTSTATUS.
     * Runs on a completion thread, with that thread's scratch memory.
     */
    static int overlappedError(long s, OpContext c, int ntStatus, CompletionScratch scratch) {
        int ok = Ws2_32.WSAGetOverlappedResult(scratch.callState, s, c.overlapped, scratch.bytes, 0, scratch.flags);
        return ok != 0 ? Errors.fromNtStatus(ntStatus) : CallState.WSAGetLastError(scratch.callState);
    }
}
