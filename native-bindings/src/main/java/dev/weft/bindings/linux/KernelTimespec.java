package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct __kernel_timespec} from {@code <linux/time_types.h>}: a 64-bit time span. */
public final class KernelTimespec {
    private KernelTimespec() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle tv_sec = LAYOUT.varHandle(groupElement("tv_sec"));
    private static final VarHandle tv_nsec = LAYOUT.varHandle(groupElement("tv_nsec"));

    /** Sets the span to {@code nanos} nanoseconds. */
    public static void nanos(MemorySegment s, long nanos) {
        tv_sec.set(s, 0L, nanos / 1_000_000_000L);
        tv_nsec.set(s, 0L, nanos % 1_000_000_000L);
    }
}
