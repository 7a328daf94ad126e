package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct io_uring_buf} from {@code <linux/io_uring.h>}: one entry of a provided buffer
 * ring. The ring ({@code struct io_uring_buf_ring}) is an array of these whose first entry's
 * {@code resv} field is the ring's tail (a {@code __u16}), written by the application.
 */
public final class IoUringBuf {
    private IoUringBuf() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_SHORT.withName("bid"),
            JAVA_SHORT.withName("resv")
    ).withName("io_uring_buf");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle addr = LAYOUT.varHandle(groupElement("addr"));
    private static final VarHandle len = LAYOUT.varHandle(groupElement("len"));
    private static final VarHandle bid = LAYOUT.varHandle(groupElement("bid"));

    /** Offset of the ring tail inside the buffer ring: the {@code resv} field of entry 0. */
    public static long tailOffset() {
        return LAYOUT.byteOffset(groupElement("resv"));
    }

    public static long addr(MemorySegment s) { return (long) addr.get(s, 0L); }
    public static void addr(MemorySegment s, long v) { addr.set(s, 0L, v); }
    public static int len(MemorySegment s) { return (int) len.get(s, 0L); }
    public static void len(MemorySegment s, int v) { len.set(s, 0L, v); }
    public static short bid(MemorySegment s) { return (short) bid.get(s, 0L); }
    public static void bid(MemorySegment s, short v) { bid.set(s, 0L, v); }
}
