package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;

/**
 * {@code SOCKADDR_IN6} (ws2ipdef.h); AF_INET6 is 23 on Windows. {@code sin6_port} and
 * {@code sin6_flowinfo} are in network byte order, {@code sin6_scope_id} in host order.
 */
public final class SockaddrIn6 {
    private SockaddrIn6() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.USHORT.withName("sin6_family"),
            WinTypes.USHORT.withName("sin6_port"),
            WinTypes.ULONG.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            WinTypes.ULONG.withName("sin6_scope_id")
    ).withName("SOCKADDR_IN6");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfShort sin6_family$LAYOUT = (OfShort) $LAYOUT.select(groupElement("sin6_family"));
    public static final long sin6_family$OFFSET = $LAYOUT.byteOffset(groupElement("sin6_family"));

    public static short sin6_family(MemorySegment struct) {
        return struct.get(sin6_family$LAYOUT, sin6_family$OFFSET);
    }

    public static void sin6_family(MemorySegment struct, short value) {
        struct.set(sin6_family$LAYOUT, sin6_family$OFFSET, value);
    }

    private static final OfShort sin6_port$LAYOUT = (OfShort) $LAYOUT.select(groupElement("sin6_port"));
    public static final long sin6_port$OFFSET = $LAYOUT.byteOffset(groupElement("sin6_port"));

    public static short sin6_port(MemorySegment struct) {
        return struct.get(sin6_port$LAYOUT, sin6_port$OFFSET);
    }

    public static void sin6_port(MemorySegment struct, short value) {
        struct.set(sin6_port$LAYOUT, sin6_port$OFFSET, value);
    }

    private static final OfInt sin6_flowinfo$LAYOUT = (OfInt) $LAYOUT.select(groupElement("sin6_flowinfo"));
    public static final long sin6_flowinfo$OFFSET = $LAYOUT.byteOffset(groupElement("sin6_flowinfo"));

    public static int sin6_flowinfo(MemorySegment struct) {
        return struct.get(sin6_flowinfo$LAYOUT, sin6_flowinfo$OFFSET);
    }

    public static void sin6_flowinfo(MemorySegment struct, int value) {
        struct.set(sin6_flowinfo$LAYOUT, sin6_flowinfo$OFFSET, value);
    }

    public static final long sin6_addr$OFFSET = $LAYOUT.byteOffset(groupElement("sin6_addr"));
    private static final long sin6_addr$SIZE = $LAYOUT.select(groupElement("sin6_addr")).byteSize();

    /** The 16 address bytes, as a slice of {@code struct}. */
    public static MemorySegment sin6_addr(MemorySegment struct) {
        return struct.asSlice(sin6_addr$OFFSET, sin6_addr$SIZE);
    }

    public static void sin6_addr(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0, struct, sin6_addr$OFFSET, sin6_addr$SIZE);
    }

    private static final OfInt sin6_scope_id$LAYOUT = (OfInt) $LAYOUT.select(groupElement("sin6_scope_id"));
    public static final long sin6_scope_id$OFFSET = $LAYOUT.byteOffset(groupElement("sin6_scope_id"));

    public static int sin6_scope_id(MemorySegment struct) {
        return struct.get(sin6_scope_id$LAYOUT, sin6_scope_id$OFFSET);
    }

    public static void sin6_scope_id(MemorySegment struct, int value) {
        struct.set(sin6_scope_id$LAYOUT, sin6_scope_id$OFFSET, value);
    }
}
