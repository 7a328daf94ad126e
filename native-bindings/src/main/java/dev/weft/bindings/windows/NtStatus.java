package dev.weft.bindings.windows;

/**
 * NTSTATUS values (ntstatus.h) that a completed socket operation leaves in
 * {@code OVERLAPPED.Internal}. Constants only; no library behind them.
 */
public final class NtStatus {
    private NtStatus() {
    }

    public static final int STATUS_SUCCESS = 0x00000000;
    public static final int STATUS_PENDING = 0x00000103;
    /** A warning, not an error: a datagram larger than the buffer was truncated (WSAEMSGSIZE). */
    public static final int STATUS_BUFFER_OVERFLOW = 0x80000005;
    public static final int STATUS_CANCELLED = 0xC0000120;
    public static final int STATUS_LOCAL_DISCONNECT = 0xC000013B;
    public static final int STATUS_REMOTE_DISCONNECT = 0xC000013C;
    public static final int STATUS_CONNECTION_RESET = 0xC000020D;
    public static final int STATUS_CONNECTION_REFUSED = 0xC0000236;
    public static final int STATUS_CONNECTION_ABORTED = 0xC0000241;
    public static final int STATUS_IO_TIMEOUT = 0xC00000B5;
    public static final int STATUS_END_OF_FILE = 0xC0000011;
    public static final int STATUS_DISK_FULL = 0xC000007F;
    public static final int STATUS_NETWORK_UNREACHABLE = 0xC000023C;
    public static final int STATUS_HOST_UNREACHABLE = 0xC000023D;
    public static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
}
