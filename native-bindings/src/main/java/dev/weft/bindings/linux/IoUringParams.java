package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@code struct io_uring_params}: passed to io_uring_setup(2) and filled in by the kernel. */
public final class IoUringParams {
    private IoUringParams() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"),
            JAVA_INT.withName("cq_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"),
            JAVA_INT.withName("sq_thread_idle"),
            JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            IoSqringOffsets.layout().withName("sq_off"),
            IoCqringOffsets.layout().withName("cq_off")
    ).withName("io_uring_params");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle sq_entries = LAYOUT.varHandle(groupElement("sq_entries"));
    private static final VarHandle cq_entries = LAYOUT.varHandle(groupElement("cq_entries"));
    private static final VarHandle flags = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle features = LAYOUT.varHandle(groupElement("features"));
    private static final long sq_off$OFFSET = LAYOUT.byteOffset(groupElement("sq_off"));
    private static final long cq_off$OFFSET = LAYOUT.byteOffset(groupElement("cq_off"));

    public static int sq_entries(MemorySegment s) { return (int) sq_entries.get(s, 0L); }
    public static void sq_entries(MemorySegment s, int v) { sq_entries.set(s, 0L, v); }
    public static int cq_entries(MemorySegment s) { return (int) cq_entries.get(s, 0L); }
    public static void cq_entries(MemorySegment s, int v) { cq_entries.set(s, 0L, v); }
    public static int flags(MemorySegment s) { return (int) flags.get(s, 0L); }
    public static void flags(MemorySegment s, int v) { flags.set(s, 0L, v); }
    public static int features(MemorySegment s) { return (int) features.get(s, 0L); }

    public static MemorySegment sq_off(MemorySegment s) {
        return s.asSlice(sq_off$OFFSET, IoSqringOffsets.layout());
    }

    public static MemorySegment cq_off(MemorySegment s) {
        return s.asSlice(cq_off$OFFSET, IoCqringOffsets.layout());
    }
}
