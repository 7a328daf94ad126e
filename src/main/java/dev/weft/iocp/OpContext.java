package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Overlapped;
import dev.weft.bindings.windows.WsaBuf;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The native context of one overlapped operation: weft's own C struct, with the OVERLAPPED
 * first so that the {@code lpOverlapped} a completion packet carries is the address of the
 * whole context.
 *
 * <pre>
 * struct weft_iocp_op {
 *     OVERLAPPED overlapped;   //   0  handed to the kernel; first, so lpOverlapped == &amp;op
 *     UINT64     slot;         //  32  this context's index in the OpTable, written once
 *     WSABUF     buffer;       //  40  the one buffer of a WSARecv/WSASend
 *     DWORD      flags;        //  56  WSARecv's in/out flags
 *     DWORD      bytes;        //  60  bytes transferred when the call completes at once
 *     BYTE       callState[16];//  64  submitter's captured WSAGetLastError (never the completion thread's)
 *     BYTE       address[128]; //  80  ConnectEx's target sockaddr, or AcceptEx's output buffer
 * };                           // 208
 * </pre>
 *
 * <p>Contexts are pooled by {@link OpTable}: one is held by exactly one {@link Completion}
 * from acquisition until its owner's handle is released, which happens only after the last
 * completion on it was dequeued — so a context is never shared by two pending operations and is
 * reused only after its completion was consumed.
 */
final class OpContext {
    static final long ADDRESS_CAPACITY = 128;
    private static final long CALL_STATE_CAPACITY = 16;

    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            Overlapped.layout().withName("overlapped"),
            ValueLayout.JAVA_LONG.withName("slot"),
            WsaBuf.layout().withName("buffer"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("bytes"),
            MemoryLayout.sequenceLayout(CALL_STATE_CAPACITY, ValueLayout.JAVA_BYTE).withName("callState"),
            MemoryLayout.sequenceLayout(ADDRESS_CAPACITY, ValueLayout.JAVA_BYTE).withName("address")
    ).withName("weft_iocp_op");

    static final long SLOT_OFFSET = offset("slot");
    private static final long BUFFER_OFFSET = offset("buffer");
    private static final long FLAGS_OFFSET = offset("flags");
    private static final long BYTES_OFFSET = offset("bytes");
    private static final long CALL_STATE_OFFSET = offset("callState");
    private static final long ADDRESS_OFFSET = offset("address");

    /** Fails unless the linker's captured state fits the room reserved for it (Windows only). */
    static void checkCallStateFits() {
        if (CallState.layout().byteSize() > CALL_STATE_CAPACITY) {
            throw new IllegalStateException("captured call state is larger than "
                    + CALL_STATE_CAPACITY + " bytes: " + CallState.layout());
        }
    }

    private static long offset(String name) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    final int slot;
    /** The whole struct; its address is the OVERLAPPED's. */
    final MemorySegment struct;
    final MemorySegment overlapped;
    final MemorySegment buffer;
    final MemorySegment flags;
    final MemorySegment bytes;
    final MemorySegment callState;
    final MemorySegment address;

    /** Who is told about the completion; set on acquisition, read by completion threads. */
    volatile Completion target;

    OpContext(int slot, MemorySegment struct) {
        this.slot = slot;
        this.struct = struct;
        this.overlapped = struct.asSlice(0, Overlapped.layout());
        this.buffer = struct.asSlice(BUFFER_OFFSET, WsaBuf.layout());
        this.flags = struct.asSlice(FLAGS_OFFSET, ValueLayout.JAVA_INT);
        this.bytes = struct.asSlice(BYTES_OFFSET, ValueLayout.JAVA_INT);
        this.callState = struct.asSlice(CALL_STATE_OFFSET, CallState.layout());
        this.address = struct.asSlice(ADDRESS_OFFSET, ADDRESS_CAPACITY);
        struct.set(ValueLayout.JAVA_LONG, SLOT_OFFSET, slot);
    }

    /** Clears the OVERLAPPED before a submission, as the kernel requires. */
    void resetOverlapped() {
        Overlapped.Internal(overlapped, 0);
        Overlapped.InternalHigh(overlapped, 0);
        Overlapped.Offset(overlapped, 0);
        Overlapped.OffsetHigh(overlapped, 0);
        Overlapped.hEvent(overlapped, MemorySegment.NULL);
        bytes.set(ValueLayout.JAVA_INT, 0, 0);
    }

    /** The NTSTATUS the kernel left in OVERLAPPED.Internal; 0 is success. */
    int ntStatus() {
        return (int) Overlapped.Internal(overlapped);
    }

    /**
     * Where this context lives and what the kernel has left in it so far, for the report of an
     * op whose completion is long overdue (status 0x103, STATUS_PENDING: the kernel still owns it).
     */
    String describe() {
        return "OVERLAPPED at 0x" + Long.toHexString(struct.address()) + " (slot " + slot + ")"
                + ", status 0x" + Integer.toHexString(ntStatus());
    }

    /** Bytes reported by a call that completed at once (not through the port). */
    int immediateBytes() {
        return bytes.get(ValueLayout.JAVA_INT, 0);
    }

    int submitterError() {
        return CallState.WSAGetLastError(callState);
    }

    int submitterLastError() {
        return CallState.GetLastError(callState);
    }
}
