package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct io_uring_getevents_arg} from {@code <linux/io_uring.h>}: what io_uring_enter
 * takes in place of a signal mask with {@code IORING_ENTER_EXT_ARG}, notably a wait's time limit.
 */
public final class IoUringGeteventsArg {
    private IoUringGeteventsArg() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"),
            JAVA_INT.withName("sigmask_sz"),
            JAVA_INT.withName("pad"),
            JAVA_LONG.withName("ts")
    ).withName("io_uring_getevents_arg");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle ts = LAYOUT.varHandle(groupElement("ts"));

    /** The address of a {@link KernelTimespec}: the wait's limit, relative to now. */
    public static void ts(MemorySegment s, long address) { ts.set(s, 0L, address); }
}
