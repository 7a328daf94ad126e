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

/**
 * {@code struct sockaddr_in} from {@code <netinet/in.h>}. Port and address are in network byte
 * order, so their layouts are big-endian and the accessors take host values.
 */
public final class SockaddrIn {
    private SockaddrIn() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_port"),
            JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero")
    ).withName("sockaddr_in");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle sin_family = LAYOUT.varHandle(groupElement("sin_family"));
    private static final VarHandle sin_port = LAYOUT.varHandle(groupElement("sin_port"));
    private static final VarHandle sin_addr = LAYOUT.varHandle(groupElement("sin_addr"));

    public static short sin_family(MemorySegment s) { return (short) sin_family.get(s, 0L); }
    public static void sin_family(MemorySegment s, short v) { sin_family.set(s, 0L, v); }
    public static short sin_port(MemorySegment s) { return (short) sin_port.get(s, 0L); }
    public static void sin_port(MemorySegment s, short v) { sin_port.set(s, 0L, v); }
    public static int sin_addr(MemorySegment s) { return (int) sin_addr.get(s, 0L); }
    public static void sin_addr(MemorySegment s, int v) { sin_addr.set(s, 0L, v); }
}
