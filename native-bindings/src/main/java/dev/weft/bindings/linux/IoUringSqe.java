package dev.weft.bindings.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct io_uring_sqe} from {@code <linux/io_uring.h>}: one submission queue entry.
 * Anonymous unions are named {@code $anon$<first member>}; only the members weft uses are listed
 * in each union, the union keeps the kernel's size.
 */
public final class IoUringSqe {
    private IoUringSqe() { }

    private static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            MemoryLayout.unionLayout(
                    JAVA_LONG.withName("off"),
                    JAVA_LONG.withName("addr2")).withName("$anon$off"),
            MemoryLayout.unionLayout(
                    JAVA_LONG.withName("addr"),
                    JAVA_LONG.withName("splice_off_in")).withName("$anon$addr"),
            JAVA_INT.withName("len"),
            MemoryLayout.unionLayout(
                    JAVA_INT.withName("rw_flags"),
                    JAVA_INT.withName("msg_flags"),
                    JAVA_INT.withName("accept_flags"),
                    JAVA_INT.withName("cancel_flags")).withName("$anon$rw_flags"),
            JAVA_LONG.withName("user_data"),
            MemoryLayout.unionLayout(
                    JAVA_SHORT.withName("buf_index"),
                    JAVA_SHORT.withName("buf_group")).withName("$anon$buf_index"),
            JAVA_SHORT.withName("personality"),
            MemoryLayout.unionLayout(
                    JAVA_INT.withName("splice_fd_in"),
                    JAVA_INT.withName("file_index")).withName("$anon$splice_fd_in"),
            JAVA_LONG.withName("addr3"),
            MemoryLayout.paddingLayout(8)
    ).withName("io_uring_sqe");

    public static StructLayout layout() {
        return LAYOUT;
    }

    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    private static final VarHandle opcode = LAYOUT.varHandle(groupElement("opcode"));
    private static final VarHandle flags = LAYOUT.varHandle(groupElement("flags"));
    private static final VarHandle ioprio = LAYOUT.varHandle(groupElement("ioprio"));
    private static final VarHandle fd = LAYOUT.varHandle(groupElement("fd"));
    private static final VarHandle off = LAYOUT.varHandle(groupElement("$anon$off"), groupElement("off"));
    private static final VarHandle addr = LAYOUT.varHandle(groupElement("$anon$addr"), groupElement("addr"));
    private static final VarHandle len = LAYOUT.varHandle(groupElement("len"));
    private static final VarHandle rw_flags =
            LAYOUT.varHandle(groupElement("$anon$rw_flags"), groupElement("rw_flags"));
    private static final VarHandle user_data = LAYOUT.varHandle(groupElement("user_data"));
    private static final VarHandle buf_index =
            LAYOUT.varHandle(groupElement("$anon$buf_index"), groupElement("buf_index"));
    private static final VarHandle personality = LAYOUT.varHandle(groupElement("personality"));
    private static final VarHandle file_index =
            LAYOUT.varHandle(groupElement("$anon$splice_fd_in"), groupElement("file_index"));
    private static final VarHandle addr3 = LAYOUT.varHandle(groupElement("addr3"));

    public static byte opcode(MemorySegment s) { return (byte) opcode.get(s, 0L); }
    public static void opcode(MemorySegment s, byte v) { opcode.set(s, 0L, v); }
    public static byte flags(MemorySegment s) { return (byte) flags.get(s, 0L); }
    public static void flags(MemorySegment s, byte v) { flags.set(s, 0L, v); }
    public static short ioprio(MemorySegment s) { return (short) ioprio.get(s, 0L); }
    public static void ioprio(MemorySegment s, short v) { ioprio.set(s, 0L, v); }
    public static int fd(MemorySegment s) { return (int) fd.get(s, 0L); }
    public static void fd(MemorySegment s, int v) { fd.set(s, 0L, v); }
    public static long off(MemorySegment s) { return (long) off.get(s, 0L); }
    public static void off(MemorySegment s, long v) { off.set(s, 0L, v); }
    public static long addr(MemorySegment s) { return (long) addr.get(s, 0L); }
    public static void addr(MemorySegment s, long v) { addr.set(s, 0L, v); }
    public static int len(MemorySegment s) { return (int) len.get(s, 0L); }
    public static void len(MemorySegment s, int v) { len.set(s, 0L, v); }
    /** The op-specific flags word (rw_flags, msg_flags, accept_flags, cancel_flags share it). */
    public static int rw_flags(MemorySegment s) { return (int) rw_flags.get(s, 0L); }
    public static void rw_flags(MemorySegment s, int v) { rw_flags.set(s, 0L, v); }
    public static long user_data(MemorySegment s) { return (long) user_data.get(s, 0L); }
    public static void user_data(MemorySegment s, long v) { user_data.set(s, 0L, v); }
    public static short buf_index(MemorySegment s) { return (short) buf_index.get(s, 0L); }
    public static void buf_index(MemorySegment s, short v) { buf_index.set(s, 0L, v); }
    public static short personality(MemorySegment s) { return (short) personality.get(s, 0L); }
    public static void personality(MemorySegment s, short v) { personality.set(s, 0L, v); }
    public static int file_index(MemorySegment s) { return (int) file_index.get(s, 0L); }
    public static void file_index(MemorySegment s, int v) { file_index.set(s, 0L, v); }
    public static long addr3(MemorySegment s) { return (long) addr3.get(s, 0L); }
    public static void addr3(MemorySegment s, long v) { addr3.set(s, 0L, v); }
}
