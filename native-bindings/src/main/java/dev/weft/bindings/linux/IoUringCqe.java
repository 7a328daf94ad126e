package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct io_uring_cqe} from {@code <linux/io_uring.h>}: one completion queue entry. */
public final class IoUringCqe {
    private IoUringCqe() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"),
            JAVA_INT.withName("res"),
            JAVA_INT.withName("flags")
    ).withName("io_uring_cqe");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle user_data = LAYOUT.varHandle(groupElement("user_data"));
    private static final VarHandle res = LAYOUT.varHandle(groupElement("res"));
    private static final VarHandle flags = LAYOUT.varHandle(groupElement("flags"));

    public static long user_data(MemorySegment s) { return (long) user_data.get(s, 0L); }
    public static void user_data(MemorySegment s, long v) { user_data.set(s, 0L, v); }
    public static int res(MemorySegment s) { return (int) res.get(s, 0L); }
    public static void res(MemorySegment s, int v) { res.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) flags.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { flags.set(s, 0L, v); }
}
