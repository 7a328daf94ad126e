package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfInt;

/** {@code WSABUF} (ws2def.h): one buffer of a WSARecv/WSASend; {@code len} is a 32-bit ULONG. */
public final class WsaBuf {
    private WsaBuf() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.ULONG.withName("len"),
            MemoryLayout.paddingLayout(4),
            WinTypes.POINTER.withName("buf")
    ).withName("WSABUF");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfInt len$LAYOUT = (OfInt) $LAYOUT.select(groupElement("len"));
    public static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));

    public static int len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    public static void len(MemorySegment struct, int value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final AddressLayout buf$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("buf"));
    public static final long buf$OFFSET = $LAYOUT.byteOffset(groupElement("buf"));

    public static MemorySegment buf(MemorySegment struct) {
        return struct.get(buf$LAYOUT, buf$OFFSET);
    }

    public static void buf(MemorySegment struct, MemorySegment value) {
        struct.set(buf$LAYOUT, buf$OFFSET, value);
    }
}
