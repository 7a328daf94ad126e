package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;

/**
 * {@code OVERLAPPED} (minwinbase.h). The {@code Offset}/{@code OffsetHigh} pair shares a union
 * with {@code Pointer}; sockets never use either, so only the pair is modelled.
 * {@code Internal} holds the operation's NTSTATUS and {@code InternalHigh} its byte count once
 * it completed.
 */
public final class Overlapped {
    private Overlapped() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.ULONG_PTR.withName("Internal"),
            WinTypes.ULONG_PTR.withName("InternalHigh"),
            WinTypes.DWORD.withName("Offset"),
            WinTypes.DWORD.withName("OffsetHigh"),
            WinTypes.HANDLE.withName("hEvent")
    ).withName("OVERLAPPED");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final OfLong Internal$LAYOUT = (OfLong) $LAYOUT.select(groupElement("Internal"));
    public static final long Internal$OFFSET = $LAYOUT.byteOffset(groupElement("Internal"));

    public static long Internal(MemorySegment struct) {
        return struct.get(Internal$LAYOUT, Internal$OFFSET);
    }

    public static void Internal(MemorySegment struct, long value) {
        struct.set(Internal$LAYOUT, Internal$OFFSET, value);
    }

    private static final OfLong InternalHigh$LAYOUT = (OfLong) $LAYOUT.select(groupElement("InternalHigh"));
    public static final long InternalHigh$OFFSET = $LAYOUT.byteOffset(groupElement("InternalHigh"));

    public static long InternalHigh(MemorySegment struct) {
        return struct.get(InternalHigh$LAYOUT, InternalHigh$OFFSET);
    }

    public static void InternalHigh(MemorySegment struct, long value) {
        struct.set(InternalHigh$LAYOUT, InternalHigh$OFFSET, value);
    }

    private static final OfInt Offset$LAYOUT = (OfInt) $LAYOUT.select(groupElement("Offset"));
    public static final long Offset$OFFSET = $LAYOUT.byteOffset(groupElement("Offset"));

    public static int Offset(MemorySegment struct) {
        return struct.get(Offset$LAYOUT, Offset$OFFSET);
    }

    public static void Offset(MemorySegment struct, int value) {
        struct.set(Offset$LAYOUT, Offset$OFFSET, value);
    }

    private static final OfInt OffsetHigh$LAYOUT = (OfInt) $LAYOUT.select(groupElement("OffsetHigh"));
    public static final long OffsetHigh$OFFSET = $LAYOUT.byteOffset(groupElement("OffsetHigh"));

    public static int OffsetHigh(MemorySegment struct) {
        return struct.get(OffsetHigh$LAYOUT, OffsetHigh$OFFSET);
    }

    public static void OffsetHigh(MemorySegment struct, int value) {
        struct.set(OffsetHigh$LAYOUT, OffsetHigh$OFFSET, value);
    }

    private static final AddressLayout hEvent$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("hEvent"));
    public static final long hEvent$OFFSET = $LAYOUT.byteOffset(groupElement("hEvent"));

    public static MemorySegment hEvent(MemorySegment struct) {
        return struct.get(hEvent$LAYOUT, hEvent$OFFSET);
    }

    public static void hEvent(MemorySegment struct, MemorySegment value) {
        struct.set(hEvent$LAYOUT, hEvent$OFFSET, value);
    }
}
