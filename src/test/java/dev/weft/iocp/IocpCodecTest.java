package dev.weft.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.bindings.windows.Guid;
import dev.weft.bindings.windows.MsWsock;
import dev.weft.core.SocketError;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.NtStatus;
import dev.weft.bindings.windows.Ws2_32;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The IOCP backend's pure conversions; they touch no Windows library, so they run everywhere. */
class IocpCodecTest {

    @Test
    void sockaddrRoundTripsForBothFamilies() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(128);
            for (String ip : new String[] {"127.0.0.1", "10.1.2.3", "::1", "fe80::1%7"}) {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(ip), 65000);
                int length = Sockaddrs.write(address, buffer);
                assertEquals(ip.contains(":") ? 28 : 16, length);
                assertEquals(address, Sockaddrs.read(buffer));
            }
            Sockaddrs.write(new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 0x1234), buffer);
            assertEquals(0x12, buffer.get(ValueLayout.JAVA_BYTE, 2), "port in network byte order");
            assertEquals(Ws2_32.AF_INET, buffer.get(ValueLayout.JAVA_SHORT, 0));
        }
    }

    @Test
    void guidTextBecomesWindowsBinaryLayout() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guid = Guid.allocate(arena);
            ExtensionFunctions.writeGuid(MsWsock.WSAID_ACCEPTEX, guid);
            // b5367df1-cbac-11cf-95ca-00805f48a192: Data1..3 little-endian, Data4 as written
            byte[] expected = {(byte) 0xf1, 0x7d, 0x36, (byte) 0xb5, (byte) 0xac, (byte) 0xcb, (byte) 0xcf, 0x11,
                    (byte) 0x95, (byte) 0xca, 0x00, (byte) 0x80, 0x5f, 0x48, (byte) 0xa1, (byte) 0x92};
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, guid.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void closedOrResetTellsCancelFromReset() {
        assertEquals(SocketError.CANCELLED, Errors.toSocketError(Kernel32.ERROR_NETNAME_DELETED, true));
        assertEquals(SocketError.CONNECTION_RESET, Errors.toSocketError(Kernel32.ERROR_NETNAME_DELETED, false));
        assertEquals(SocketError.CANCELLED, Errors.toSocketError(Kernel32.ERROR_OPERATION_ABORTED, true));
        assertEquals(SocketError.CONNECTION_RESET, Errors.toSocketError(Kernel32.ERROR_OPERATION_ABORTED, false));
        assertEquals(SocketError.CONNECTION_RESET, Errors.toSocketError(Ws2_32.WSAECONNRESET, true));
        assertEquals(SocketError.CONNECTION_REFUSED, Errors.toSocketError(Kernel32.ERROR_CONNECTION_REFUSED, false));
        assertEquals(Ws2_32.WSAECONNRESET, Errors.fromNtStatus(NtStatus.STATUS_CONNECTION_RESET));
        assertEquals(Kernel32.ERROR_OPERATION_ABORTED, Errors.fromNtStatus(NtStatus.STATUS_CANCELLED));
    }

    @Test
    void opContextKeepsTheOverlappedFirst() {
        assertEquals(0, OpContext.LAYOUT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("overlapped")));
        assertEquals(32, OpContext.SLOT_OFFSET);
    }
}
