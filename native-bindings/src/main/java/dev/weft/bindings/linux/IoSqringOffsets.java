package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct io_sqring_offsets}: where the SQ ring's fields sit in its mmap'ed region. */
public final class IoSqringOffsets {
    private IoSqringOffsets() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("head"),
            JAVA_INT.withName("tail"),
            JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"),
            JAVA_INT.withName("resv1"),
            JAVA_LONG.withName("resv2")
    ).withName("io_sqring_offsets");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle head = LAYOUT.varHandle(groupElement("head"));
    private static final VarHandle tail = LAYOUT.varHandle(groupElement("tail"));
    private static final VarHandle ring_mask = LAYOUT.varHandle(groupElement("ring_mask"));
    private static final VarHandle ring_entries = LAYOUT.varHandle(groupElement("ring_entries"));
    private static final VarHandle flags = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle dropped = LAYOUT.varHandle(groupElement("dropped"));
    private static final VarHandle array = LAYOUT.varHandle(groupElement("array"));

    public static int head(MemorySegment s) { return (int) head.get(s, 0L); }
    public static int tail(MemorySegment s) { return (int) tail.get(s, 0L); }
    public static int ring_mask(MemorySegment s) { return (int) ring_mask.get(s, 0L); }
    public static int ring_entries(MemorySegment s) { return (int) ring_entries.get(s, 0L); }
    public static int flags(MemorySegment s) { return (int) flags.get(s, 0L); }
    public static int dropped(MemorySegment s) { return (int) dropped.get(s, 0L); }
    public static int array(MemorySegment s) { return (int) array.get(s, 0L); }
}
