package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfShort;

/** {@code LINGER} (winsock2.h): the SO_LINGER option value; two 16-bit fields on Windows. */
public final class Linger {
    private Linger() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.USHORT.withName("l_onoff"),
            WinTypes.USHORT.withName("l_linger")
    ).withName("LINGER");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfShort l_onoff$LAYOUT = (OfShort) $LAYOUT.select(groupElement("l_onoff"));
    public static final long l_onoff$OFFSET = $LAYOUT.byteOffset(groupElement("l_onoff"));

    public static short l_onoff(MemorySegment struct) {
        return struct.get(l_onoff$LAYOUT, l_onoff$OFFSET);
    }

    public static void l_onoff(MemorySegment struct, short value) {
        struct.set(l_onoff$LAYOUT, l_onoff$OFFSET, value);
    }

    private static final OfShort l_linger$LAYOUT = (OfShort) $LAYOUT.select(groupElement("l_linger"));
    public static final long l_linger$OFFSET = $LAYOUT.byteOffset(groupElement("l_linger"));

    public static short l_linger(MemorySegment struct) {
        return struct.get(l_linger$LAYOUT, l_linger$OFFSET);
    }

    public static void l_linger(MemorySegment struct, short value) {
        struct.set(l_linger$LAYOUT, l_linger$OFFSET, value);
    }
}
