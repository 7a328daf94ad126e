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
 * {@code struct io_uring_buf_reg} from {@code <linux/io_uring.h>}: the argument of
 * IORING_REGISTER_PBUF_RING / IORING_UNREGISTER_PBUF_RING.
 */
public final class IoUringBufReg {
    private IoUringBufReg() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"),
            JAVA_INT.withName("ring_entries"),
            JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("pad"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("resv")
    ).withName("io_uring_buf_reg");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle ring_addr = LAYOUT.varHandle(groupElement("ring_addr"));
    private static final VarHandle ring_entries = LAYOUT.varHandle(groupElement("ring_entries"));
    private static final VarHandle bgid = LAYOUT.varHandle(groupElement("bgid"));

    public static long ring_addr(MemorySegment s) { return (long) ring_addr.get(s, 0L); }
    public static void ring_addr(MemorySegment s, long v) { ring_addr.set(s, 0L, v); }
    public static int ring_entries(MemorySegment s) { return (int) ring_entries.get(s, 0L); }
    public static void ring_entries(MemorySegment s, int v) { ring_entries.set(s, 0L, v); }
    public static short bgid(MemorySegment s) { return (short) bgid.get(s, 0L); }
    public static void bgid(MemorySegment s, short v) { bgid.set(s, 0L, v); }
}
