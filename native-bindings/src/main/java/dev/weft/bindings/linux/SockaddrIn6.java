package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code struct sockaddr_in6} from {@code <netinet/in.h>}; port and flow info are big-endian. */
public final class SockaddrIn6 {
    private SockaddrIn6() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_port"),
            JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id")
    ).withName("sockaddr_in6");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle sin6_family = LAYOUT.varHandle(groupElement("sin6_family"));
    private static final VarHandle sin6_port = LAYOUT.varHandle(groupElement("sin6_port"));
    private static final VarHandle sin6_flowinfo = LAYOUT.varHandle(groupElement("sin6_flowinfo"));
    private static final VarHandle sin6_scope_id = LAYOUT.varHandle(groupElement("sin6_scope_id"));
    private static final long sin6_addr$OFFSET = LAYOUT.byteOffset(groupElement("sin6_addr"));

    public static short sin6_family(MemorySegment s) { return (short) sin6_family.get(s, 0L); }
    public static void sin6_family(MemorySegment s, short v) { sin6_family.set(s, 0L, v); }
    public static short sin6_port(MemorySegment s) { return (short) sin6_port.get(s, 0L); }
    public static void sin6_port(MemorySegment s, short v) { sin6_port.set(s, 0L, v); }
    public static int sin6_flowinfo(MemorySegment s) { return (int) sin6_flowinfo.get(s, 0L); }
    public static void sin6_flowinfo(MemorySegment s, int v) { sin6_flowinfo.set(s, 0L, v); }
    public static int sin6_scope_id(MemorySegment s) { return (int) sin6_scope_id.get(s, 0L); }
    public static void sin6_scope_id(MemorySegment s, int v) { sin6_scope_id.set(s, 0L, v); }

    /** The 16 address bytes, as a slice of {@code s}. */
    public static MemorySegment sin6_addr(MemorySegment s) {
        return s.asSlice(sin6_addr$OFFSET, 16);
    }
}
