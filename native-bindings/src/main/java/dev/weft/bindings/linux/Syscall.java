package dev.weft.bindings.linux;

/**
 * System call numbers from {@code <sys/syscall.h>} for calls glibc has no wrapper for. The
 * io_uring calls share one number on every architecture (they were added after the tables
 * were unified).
 */
public final class Syscall {
    private Syscall() { }

    public static final long SYS_io_uring_setup = 425;
    public static final long SYS_io_uring_enter = 426;
    public static final long SYS_io_uring_register = 427;
}
