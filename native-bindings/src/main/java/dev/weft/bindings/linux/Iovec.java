package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct iovec} from {@code <sys/uio.h>}: one buffer of a sendmsg/recvmsg. */
public final class Iovec {
    private Iovec() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len")
    ).withName("iovec");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle iov_base = LAYOUT.varHandle(groupElement("iov_base"));
    private static final VarHandle iov_len = LAYOUT.varHandle(groupElement("iov_len"));

    /** The buffer's address (the buffer itself is kept alive by whoever hands it to the kernel). */
    public static void iov_base(MemorySegment s, long address) { iov_base.set(s, 0L, address); }
    public static void iov_len(MemorySegment s, long v) { iov_len.set(s, 0L, v); }
}
