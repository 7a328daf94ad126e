package dev.weft.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The argument of a timed io_uring_enter(GETEVENTS | EXT_ARG): a {@code struct
 * io_uring_getevents_arg} (sigmask u64, sigmask_sz u32, min_wait_usec u32, ts u64) followed by
 * the {@code struct __kernel_timespec} its ts points to (tv_sec i64, tv_nsec i64).
 *
 * <p>Both are fixed by the kernel ABI (uapi headers); they belong in the bindings once a
 * probe covers them. One instance per waiting thread: the kernel reads it during the call.
 */
final class TimedWait {
    static final int ARG_SIZE = 24;
    private static final long TS_POINTER = 16;
    private static final long TIMESPEC = 24;

    private final MemorySegment memory;

    TimedWait(Arena arena, long nanos) {
        memory = arena.allocate(TIMESPEC + 16, 8);
        memory.set(JAVA_LONG, 0, 0L);   // no sigmask
        memory.set(JAVA_INT, 8, 0);
        memory.set(JAVA_INT, 12, 0);    // min_wait_usec: none
        memory.set(JAVA_LONG, TS_POINTER, memory.address() + TIMESPEC);
        memory.set(JAVA_LONG, TIMESPEC, nanos / 1_000_000_000L);
        memory.set(JAVA_LONG, TIMESPEC + 8, nanos % 1_000_000_000L);
    }

    MemorySegment arg() {
        return memory;
    }
}
