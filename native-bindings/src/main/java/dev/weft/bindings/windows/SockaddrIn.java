package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfShort;

/**
 * {@code SOCKADDR_IN} (ws2def.h). {@code sin_port} and {@code sin_addr} hold network byte order
 * (big-endian) values; the accessors read and write them as raw native shorts and bytes.
 */
public final class SockaddrIn {
    private SockaddrIn() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.USHORT.withName("sin_family"),
            WinTypes.USHORT.withName("sin_port"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero")
    ).withName("SOCKADDR_IN");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfShort sin_family$LAYOUT = (OfShort) $LAYOUT.select(groupElement("sin_family"));
    public static final long sin_family$OFFSET = $LAYOUT.byteOffset(groupElement("sin_family"));

    public static short sin_family(MemorySegment struct) {
        return struct.get(sin_family$LAYOUT, sin_family$OFFSET);
    }

    public static void sin_family(MemorySegment struct, short value) {
        struct.set(sin_family$LAYOUT, sin_family$OFFSET, value);
    }

    private static final OfShort sin_port$LAYOUT = (OfShort) $LAYOUT.select(groupElement("sin_port"));
    public static final long sin_port$OFFSET = $LAYOUT.byteOffset(groupElement("sin_port"));

    public static short sin_port(MemorySegment struct) {
        return struct.get(sin_port$LAYOUT, sin_port$OFFSET);
    }

    public static void sin_port(MemorySegment struct, short value) {
        struct.set(sin_port$LAYOUT, sin_port$OFFSET, value);
    }

    public static final long sin_addr$OFFSET = $LAYOUT.byteOffset(groupElement("sin_addr"));
    private static final long sin_addr$SIZE = $LAYOUT.select(groupElement("sin_addr")).byteSize();

    /** The 4 address bytes, as a slice of {@code struct}. */
    public static MemorySegment sin_addr(MemorySegment struct) {
        return struct.asSlice(sin_addr$OFFSET, sin_addr$SIZE);
    }

    public static void sin_addr(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0, struct, sin_addr$OFFSET, sin_addr$SIZE);
    }

    public static final long sin_zero$OFFSET = $LAYOUT.byteOffset(groupElement("sin_zero"));
}
