package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** {@code struct linger} from {@code <sys/socket.h>}: the value of SO_LINGER. */
public final class Linger {
    private Linger() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("l_onoff"),
            JAVA_INT.withName("l_linger")
    ).withName("linger");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle l_onoff = LAYOUT.varHandle(groupElement("l_onoff"));
    private static final VarHandle l_linger = LAYOUT.varHandle(groupElement("l_linger"));

    public static int l_onoff(MemorySegment s) { return (int) l_onoff.get(s, 0L); }
    public static void l_onoff(MemorySegment s, int v) { l_onoff.set(s, 0L, v); }
    public static int l_linger(MemorySegment s) { return (int) l_linger.get(s, 0L); }
    public static void l_linger(MemorySegment s, int v) { l_linger.set(s, 0L, v); }
}
