package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct msghdr} from {@code <sys/socket.h>} (64-bit): the argument of sendmsg/recvmsg. */
public final class Msghdr {
    private Msghdr() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4)
    ).withName("msghdr");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle msg_name = LAYOUT.varHandle(groupElement("msg_name"));
    private static final VarHandle msg_namelen = LAYOUT.varHandle(groupElement("msg_namelen"));
    private static final VarHandle msg_iov = LAYOUT.varHandle(groupElement("msg_iov"));
    private static final VarHandle msg_iovlen = LAYOUT.varHandle(groupElement("msg_iovlen"));
    private static final VarHandle msg_control = LAYOUT.varHandle(groupElement("msg_control"));
    private static final VarHandle msg_controllen = LAYOUT.varHandle(groupElement("msg_controllen"));
    private static final VarHandle msg_flags = LAYOUT.varHandle(groupElement("msg_flags"));

    public static void msg_name(MemorySegment s, MemorySegment v) { msg_name.set(s, 0L, v); }
    public static int msg_namelen(MemorySegment s) { return (int) msg_namelen.get(s, 0L); }
    public static void msg_namelen(MemorySegment s, int v) { msg_namelen.set(s, 0L, v); }
    public static void msg_iov(MemorySegment s, MemorySegment v) { msg_iov.set(s, 0L, v); }
    public static void msg_iovlen(MemorySegment s, long v) { msg_iovlen.set(s, 0L, v); }
    public static void msg_control(MemorySegment s, MemorySegment v) { msg_control.set(s, 0L, v); }
    public static void msg_controllen(MemorySegment s, long v) { msg_controllen.set(s, 0L, v); }
    public static int msg_flags(MemorySegment s) { return (int) msg_flags.get(s, 0L); }
    public static void msg_flags(MemorySegment s, int v) { msg_flags.set(s, 0L, v); }
}
