package dev.weft.bindings.linux;

/** Constants from {@code <sys/mman.h>} used to map the io_uring regions and the receive buffers. */
public final class Mman {
    private Mman() { }

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x08000;
}
