package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** {@code struct sockaddr_storage} from {@code <sys/socket.h>}: room for any socket address. */
public final class SockaddrStorage {
    private SockaddrStorage() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("ss_family"),
            MemoryLayout.paddingLayout(118),
            JAVA_LONG.withName("__ss_align")
    ).withName("sockaddr_storage");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle ss_family = LAYOUT.varHandle(groupElement("ss_family"));

    public static short ss_family(MemorySegment s) { return (short) ss_family.get(s, 0L); }
    public static void ss_family(MemorySegment s, short v) { ss_family.set(s, 0L, v); }
}
