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
 * {@code OVERLAPPED_ENTRY} (minwinbase.h): one packet dequeued by GetQueuedCompletionStatusEx.
 * Its {@code Internal} is reserved; the operation's status is in the OVERLAPPED it points to.
 */
public final class OverlappedEntry {
    private OverlappedEntry() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            WinTypes.ULONG_PTR.withName("lpCompletionKey"),
            WinTypes.POINTER.withName("lpOverlapped"),
            WinTypes.ULONG_PTR.withName("Internal"),
            WinTypes.DWORD.withName("dwNumberOfBytesTransferred"),
            MemoryLayout.paddingLayout(4)
    ).withName("OVERLAPPED_ENTRY");

    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(count, $LAYOUT));
    }

    /** The element {@code index} of an array of entries. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);
    }

    private static final OfLong lpCompletionKey$LAYOUT = (OfLong) $LAYOUT.select(groupElement("lpCompletionKey"));
    public static final long lpCompletionKey$OFFSET = $LAYOUT.byteOffset(groupElement("lpCompletionKey"));

    public static long lpCompletionKey(MemorySegment struct) {
        return struct.get(lpCompletionKey$LAYOUT, lpCompletionKey$OFFSET);
    }

    public static void lpCompletionKey(MemorySegment struct, long value) {
        struct.set(lpCompletionKey$LAYOUT, lpCompletionKey$OFFSET, value);
    }

    private static final AddressLayout lpOverlapped$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("lpOverlapped"));
    public static final long lpOverlapped$OFFSET = $LAYOUT.byteOffset(groupElement("lpOverlapped"));

    public static MemorySegment lpOverlapped(MemorySegment struct) {
        return struct.get(lpOverlapped$LAYOUT, lpOverlapped$OFFSET);
    }

    public static void lpOverlapped(MemorySegment struct, MemorySegment value) {
        struct.set(lpOverlapped$LAYOUT, lpOverlapped$OFFSET, value);
    }

    private static final OfLong Internal$LAYOUT = (OfLong) $LAYOUT.select(groupElement("Internal"));
    public static final long Internal$OFFSET = $LAYOUT.byteOffset(groupElement("Internal"));

    public static long Internal(MemorySegment struct) {
        return struct.get(Internal$LAYOUT, Internal$OFFSET);
    }

    public static void Internal(MemorySegment struct, long value) {
        struct.set(Internal$LAYOUT, Internal$OFFSET, value);
    }

    private static final OfInt dwNumberOfBytesTransferred$LAYOUT =
            (OfInt) $LAYOUT.select(groupElement("dwNumberOfBytesTransferred"));
    public static final long dwNumberOfBytesTransferred$OFFSET =
            $LAYOUT.byteOffset(groupElement("dwNumberOfBytesTransferred"));

    public static int dwNumberOfBytesTransferred(MemorySegment struct) {
        return struct.get(dwNumberOfBytesTransferred$LAYOUT, dwNumberOfBytesTransferred$OFFSET);
    }

    public static void dwNumberOfBytesTransferred(MemorySegment struct, int value) {
        struct.set(dwNumberOfBytesTransferred$LAYOUT, dwNumberOfBytesTransferred$OFFSET, value);
    }
}
