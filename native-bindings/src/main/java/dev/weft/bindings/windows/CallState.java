package dev.weft.bindings.windows;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The per-call state the Windows downcalls capture ({@code Linker.Option.captureCallState}):
 * the thread's last error is read by the linker right after the call, before the JVM can run
 * anything that would overwrite it. Every downcall in these bindings takes such a segment as its
 * first argument. Only valid on Windows (the layout has no GetLastError member elsewhere).
 */
public final class CallState {
    private CallState() {
    }

    public static final Linker.Option CAPTURE_GET_LAST_ERROR = Linker.Option.captureCallState("GetLastError");
    public static final Linker.Option CAPTURE_WSA_GET_LAST_ERROR = Linker.Option.captureCallState("WSAGetLastError");

    private static final StructLayout $LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle GetLastError$VH = $LAYOUT.varHandle(groupElement("GetLastError"));
    private static final VarHandle WSAGetLastError$VH = $LAYOUT.varHandle(groupElement("WSAGetLastError"));

    public static StructLayout layout() {
        return $LAYOUT;
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    /** The value GetLastError() had right after a call made with CAPTURE_GET_LAST_ERROR. */
    public static int GetLastError(MemorySegment state) {
        return (int) GetLastError$VH.get(state, 0L);
    }

    /** The value WSAGetLastError() had right after a call made with CAPTURE_WSA_GET_LAST_ERROR. */
    public static int WSAGetLastError(MemorySegment state) {
        return (int) WSAGetLastError$VH.get(state, 0L);
    }
}
