package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;

/** {@code GUID} (guiddef.h): Data1..Data3 in host (little-endian) order, Data4 as 8 bytes. */
public final class Guid {
    private Guid() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("Data1"),
            ValueLayout.JAVA_SHORT.withName("Data2"),
            ValueLayout.JAVA_SHORT.withName("Data3"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("Data4")
    ).withName("GUID");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfInt Data1$LAYOUT = (OfInt) $LAYOUT.select(groupElement("Data1"));
    public static final long Data1$OFFSET = $LAYOUT.byteOffset(groupElement("Data1"));

    public static int Data1(MemorySegment struct) {
        return struct.get(Data1$LAYOUT, Data1$OFFSET);
    }

    public static void Data1(MemorySegment struct, int value) {
        struct.set(Data1$LAYOUT, Data1$OFFSET, value);
    }

    private static final OfShort Data2$LAYOUT = (OfShort) $LAYOUT.select(groupElement("Data2"));
    public static final long Data2$OFFSET = $LAYOUT.byteOffset(groupElement("Data2"));

    public static short Data2(MemorySegment struct) {
        return struct.get(Data2$LAYOUT, Data2$OFFSET);
    }

    public static void Data2(MemorySegment struct, short value) {
        struct.set(Data2$LAYOUT, Data2$OFFSET, value);
    }

    private static final OfShort Data3$LAYOUT = (OfShort) $LAYOUT.select(groupElement("Data3"));
    public static final long Data3$OFFSET = $LAYOUT.byteOffset(groupElement("Data3"));

    public static short Data3(MemorySegment struct) {
        return struct.get(Data3$LAYOUT, Data3$OFFSET);
    }

    public static void Data3(MemorySegment struct, short value) {
        struct.set(Data3$LAYOUT, Data3$OFFSET, value);
    }

    public static final long Data4$OFFSET = $LAYOUT.byteOffset(groupElement("Data4"));

    /** The 8 bytes of Data4, as a slice of {@code struct}. */
    public static MemorySegment Data4(MemorySegment struct) {
        return struct.asSlice(Data4$OFFSET, 8);
    }

    public static void Data4(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0, struct, Data4$OFFSET, 8);
    }
}
