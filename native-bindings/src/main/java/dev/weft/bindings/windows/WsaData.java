package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfShort;

/**
 * {@code WSADATA} (winsock2.h), in its _WIN64 field order: the pointer comes before the two
 * strings (the 32-bit layout puts it last).
 */
public final class WsaData {
    private WsaData() {
    }

    /** WSADESCRIPTION_LEN + 1 and WSASYS_STATUS_LEN + 1. */
    private static final long DESCRIPTION_SIZE = 257;
    private static final long STATUS_SIZE = 129;

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.WORD.withName("wVersion"),
            WinTypes.WORD.withName("wHighVersion"),
            WinTypes.USHORT.withName("iMaxSockets"),
            WinTypes.USHORT.withName("iMaxUdpDg"),
            WinTypes.POINTER.withName("lpVendorInfo"),
            MemoryLayout.sequenceLayout(DESCRIPTION_SIZE, ValueLayout.JAVA_BYTE).withName("szDescription"),
            MemoryLayout.sequenceLayout(STATUS_SIZE, ValueLayout.JAVA_BYTE).withName("szSystemStatus"),
            MemoryLayout.paddingLayout(6)
    ).withName("WSADATA");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfShort wVersion$LAYOUT = (OfShort) $LAYOUT.select(groupElement("wVersion"));
    public static final long wVersion$OFFSET = $LAYOUT.byteOffset(groupElement("wVersion"));

    public static short wVersion(MemorySegment struct) {
        return struct.get(wVersion$LAYOUT, wVersion$OFFSET);
    }

    private static final OfShort wHighVersion$LAYOUT = (OfShort) $LAYOUT.select(groupElement("wHighVersion"));
    public static final long wHighVersion$OFFSET = $LAYOUT.byteOffset(groupElement("wHighVersion"));

    public static short wHighVersion(MemorySegment struct) {
        return struct.get(wHighVersion$LAYOUT, wHighVersion$OFFSET);
    }

    public static final long szDescription$OFFSET = $LAYOUT.byteOffset(groupElement("szDescription"));

    /** The NUL-terminated description, as a slice of {@code struct}. */
    public static MemorySegment szDescription(MemorySegment struct) {
        return struct.asSlice(szDescription$OFFSET, DESCRIPTION_SIZE);
    }
}
