package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct iovec} from {@code <sys/uio.h>}: one buffer of a vectored read or write, or of a sendmsg/recvmsg. */
public final class Iovec {
    private Iovec() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"), // void *, as an address
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

    public static long iov_base(MemorySegment s) { return (long) iov_base.get(s, 0L); }
    public static void iov_base(MemorySegment s, long v) { iov_base.set(s, 0L, v); }
    public static long iov_len(MemorySegment s) { return (long) iov_len.get(s, 0L); }
    public static void iov_len(MemorySegment s, long v) { iov_len.set(s, 0L, v); }
}
