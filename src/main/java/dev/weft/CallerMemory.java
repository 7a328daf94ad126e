package dev.weft;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * What a call may assume about the memory of a caller's direct buffer while the call waits on
 * it. The kernel (or, on io_uring, the thread that reaps completions) writes or reads that
 * memory by address, unchecked, at some moment while the caller is parked: the memory must not
 * be freed before then.
 *
 * <ul>
 *   <li>A buffer from {@code allocateDirect}, an automatic arena or the global arena is freed
 *       only when unreachable, and the call holds it.</li>
 *   <li>A confined arena can be closed only by its owner thread, and that thread is the caller,
 *       parked in the call; a caller that is not the owner is refused, as every access by
 *       another thread is.</li>
 *   <li>A shared arena can be closed by any thread at any moment. Such memory is never handed
 *       to the kernel across a wait: the call goes through a pooled buffer, and the bytes are
 *       copied to or from the caller's memory on the caller's own thread with checked access,
 *       which fails cleanly once the arena is closed. (The JDK's channels keep such an arena
 *       open for the call instead; that needs access to JDK internals.)</li>
 * </ul>
 */
final class CallerMemory {
    /**
     * The class of a shared arena's scope. The classes here are learned from probes rather than
     * named, so that nothing depends on the JDK's internal class names.
     */
    private static final Class<?> SHARED_SCOPE;
    /**
     * The classes of scopes nothing can close: a buffer's from {@code allocateDirect} (and a
     * heap array's), the global arena's, an automatic arena's. Memory of any other scope is
     * checked on every call.
     */
    private static final Set<Class<?>> NEVER_CLOSED = Set.copyOf(List.of( // copyOf: some are the same class
            MemorySegment.ofBuffer(ByteBuffer.allocateDirect(1)).scope().getClass(),
            MemorySegment.ofArray(new byte[1]).scope().getClass(),
            Arena.global().scope().getClass(),
            Arena.ofAuto().allocate(1).scope().getClass()));

    static {
        try (Arena probe = Arena.ofShared()) {
            SHARED_SCOPE = probe.allocate(1).scope().getClass();
        }
    }

    private CallerMemory() {
    }

    /**
     * Refuses memory no call may touch: freed (its arena closed) or confined to another thread.
     *
     * @throws IllegalStateException if the memory's arena is closed
     * @throws WrongThreadException if the memory belongs to another thread's confined arena
     */
    static void checkUsableHere(MemorySegment memory) {
        if (!memory.scope().isAlive()) {
            // the kernel would write into (or send) freed memory
            throw new IllegalStateException("the buffer's memory was freed: its arena is closed");
        }
        if (!memory.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("the buffer's memory belongs to another thread's confined arena");
        }
    }

    /**
     * True when the memory's arena can be closed, so that {@link #checkUsableHere} must look at
     * every call; false for memory that lives as long as it is reachable (a call holds it).
     */
    static boolean closable(MemorySegment memory) {
        return !NEVER_CLOSED.contains(memory.scope().getClass());
    }

    /** True when a thread other than the caller may free the memory while a call waits on it. */
    static boolean freeableByOtherThreads(MemorySegment memory) {
        return memory.scope().getClass() == SHARED_SCOPE;
    }
}
