package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code struct pollfd} from {@code <poll.h>}: one descriptor for poll(2). */
public final class Pollfd {
    private Pollfd() { }

    /** Readable: {@code POLLIN}. */
    public static final int POLLIN = 0x1;

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")
    ).withName("pollfd");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle fd = LAYOUT.varHandle(groupElement("fd"));
    private static final VarHandle events = LAYOUT.varHandle(groupElement("events"));
    private static final VarHandle revents = LAYOUT.varHandle(groupElement("revents"));

    public static void fd(MemorySegment s, int v) { fd.set(s, 0L, v); }
    public static void events(MemorySegment s, short v) { events.set(s, 0L, v); }
    public static short revents(MemorySegment s) { return (short) revents.get(s, 0L); }
}
