package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;

/**
 * {@code WSAPROTOCOL_INFOW} (winsock2.h): one installed protocol provider, as WSAEnumProtocolsW
 * lists them. Only the fields weft reads have accessors; every member is named so the ABI probe
 * checks its offset.
 */
public final class WsaProtocolInfoW {
    private WsaProtocolInfoW() {
    }

    private static final int MAX_PROTOCOL_CHAIN = 7;
    private static final int WSAPROTOCOL_LEN = 255;

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.DWORD.withName("dwServiceFlags1"),
            WinTypes.DWORD.withName("dwServiceFlags2"),
            WinTypes.DWORD.withName("dwServiceFlags3"),
            WinTypes.DWORD.withName("dwServiceFlags4"),
            WinTypes.DWORD.withName("dwProviderFlags"),
            Guid.layout().withName("ProviderId"),
            WinTypes.DWORD.withName("dwCatalogEntryId"),
            MemoryLayout.structLayout(
                    WinTypes.INT.withName("ChainLen"),
                    MemoryLayout.sequenceLayout(MAX_PROTOCOL_CHAIN, WinTypes.DWORD).withName("ChainEntries")
            ).withName("ProtocolChain"),
            WinTypes.INT.withName("iVersion"),
            WinTypes.INT.withName("iAddressFamily"),
            WinTypes.INT.withName("iMaxSockAddr"),
            WinTypes.INT.withName("iMinSockAddr"),
            WinTypes.INT.withName("iSocketType"),
            WinTypes.INT.withName("iProtocol"),
            WinTypes.INT.withName("iProtocolMaxOffset"),
            WinTypes.INT.withName("iNetworkByteOrder"),
            WinTypes.INT.withName("iSecurityScheme"),
            WinTypes.DWORD.withName("dwMessageSize"),
            WinTypes.DWORD.withName("dwProviderReserved"),
            MemoryLayout.sequenceLayout(WSAPROTOCOL_LEN + 1, ValueLayout.JAVA_CHAR).withName("szProtocol")
    ).withName("WSAPROTOCOL_INFOW");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT, count);
    }

    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * sizeof(), sizeof());
    }

    private static final OfInt dwServiceFlags1$LAYOUT = (OfInt) $LAYOUT.select(groupElement("dwServiceFlags1"));
    public static final long dwServiceFlags1$OFFSET = $LAYOUT.byteOffset(groupElement("dwServiceFlags1"));

    public static int dwServiceFlags1(MemorySegment struct) {
        return struct.get(dwServiceFlags1$LAYOUT, dwServiceFlags1$OFFSET);
    }

    private static final OfInt iAddressFamily$LAYOUT = (OfInt) $LAYOUT.select(groupElement("iAddressFamily"));
    public static final long iAddressFamily$OFFSET = $LAYOUT.byteOffset(groupElement("iAddressFamily"));

    public static int iAddressFamily(MemorySegment struct) {
        return struct.get(iAddressFamily$LAYOUT, iAddressFamily$OFFSET);
    }

    private static final OfInt iProtocol$LAYOUT = (OfInt) $LAYOUT.select(groupElement("iProtocol"));
    public static final long iProtocol$OFFSET = $LAYOUT.byteOffset(groupElement("iProtocol"));

    public static int iProtocol(MemorySegment struct) {
        return struct.get(iProtocol$LAYOUT, iProtocol$OFFSET);
    }

    public static final long szProtocol$OFFSET = $LAYOUT.byteOffset(groupElement("szProtocol"));

    /** The provider's name (a NUL-terminated UTF-16 string). */
    public static String szProtocol(MemorySegment struct) {
        return struct.getString(szProtocol$OFFSET, java.nio.charset.StandardCharsets.UTF_16LE);
    }
}
