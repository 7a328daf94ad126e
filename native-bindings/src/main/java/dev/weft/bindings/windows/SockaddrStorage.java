package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfShort;

/** {@code SOCKADDR_STORAGE} (ws2def.h): room for any address family; 128 bytes, 8-aligned. */
public final class SockaddrStorage {
    private SockaddrStorage() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.USHORT.withName("ss_family"),
            MemoryLayout.paddingLayout(6),
            ValueLayout.JAVA_LONG.withName("__ss_align"),
            MemoryLayout.paddingLayout(112)
    ).withName("SOCKADDR_STORAGE");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfShort ss_family$LAYOUT = (OfShort) $LAYOUT.select(groupElement("ss_family"));
    public static final long ss_family$OFFSET = $LAYOUT.byteOffset(groupElement("ss_family"));

    public static short ss_family(MemorySegment struct) {
        return struct.get(ss_family$LAYOUT, ss_family$OFFSET);
    }

    public static void ss_family(MemorySegment struct, short value) {
        struct.set(ss_family$LAYOUT, ss_family$OFFSET, value);
    }

    public static final long __ss_align$OFFSET = $LAYOUT.byteOffset(groupElement("__ss_align"));
}
