package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Native memory one completion thread owns for the calls it makes while handling packets
 * (WSAGetOverlappedResult, setsockopt on an accepted socket). It is never the op's own call
 * state: the submitter may still be reading that one when the packet is already dequeued.
 */
final class CompletionScratch {
    final MemorySegment callState;
    final MemorySegment bytes;
    final MemorySegment flags;
    /** Room for one SOCKET value (SO_UPDATE_ACCEPT_CONTEXT takes the listener's by reference). */
    final MemorySegment socketValue;

    CompletionScratch(Arena arena) {
        callState = CallState.allocate(arena);
        bytes = arena.allocate(ValueLayout.JAVA_INT);
        flags = arena.allocate(ValueLayout.JAVA_INT);
        socketValue = arena.allocate(ValueLayout.JAVA_LONG);
    }

    /** Native bytes allocated for this scratch. */
    long nativeBytes() {
        return callState.byteSize() + bytes.byteSize() + flags.byteSize() + socketValue.byteSize();
    }
}
