package dev.weft.bindings.linux;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code <fcntl.h>} and the {@code <unistd.h>} file calls weft makes synchronously (opening,
 * sizing); reads, writes and flushes go through io_uring. Same shape as {@link LibC}: errno is
 * captured into a segment of {@link LibC#CAPTURE_STATE_LAYOUT} passed first.
 */
public final class Fcntl {
    private Fcntl() { }

    // open(2) flags
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_CLOEXEC = 02000000;

    /** openat(2): a relative path is resolved against the working directory. */
    public static final int AT_FDCWD = -100;

    // lseek(2) whence
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;

    /** preadv2/pwritev2 flag: fail with EAGAIN rather than wait for the device. */
    public static final int RWF_NOWAIT = 0x8;

    private static final Linker LINKER = Linker.nativeLinker();

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("should not reach here", t);
    }

    // openat is variadic: the mode (always passed here) is its first variadic argument.
    private static final MethodHandle openat$MH = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle lseek$MH = downcall("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle ftruncate$MH = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

    private static final MethodHandle preadv2$MH = downcall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle pwritev2$MH = downcall("pwritev2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));

    /** {@code ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)}. */
    public static long preadv2(MemorySegment captureState, int fd, MemorySegment iov, int iovcnt, long offset,
                               int flags) {
        try {
            return (long) preadv2$MH.invokeExact(captureState, fd, iov, iovcnt, offset, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)}. */
    public static long pwritev2(MemorySegment captureState, int fd, MemorySegment iov, int iovcnt, long offset,
                                int flags) {
        try {
            return (long) pwritev2$MH.invokeExact(captureState, fd, iov, iovcnt, offset, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int openat(int dirfd, const char *pathname, int flags, mode_t mode)}. */
    public static int openat(MemorySegment captureState, int dirfd, MemorySegment pathname, int flags, int mode) {
        try {
            return (int) openat$MH.invokeExact(captureState, dirfd, pathname, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code off_t lseek(int fd, off_t offset, int whence)}. */
    public static long lseek(MemorySegment captureState, int fd, long offset, int whence) {
        try {
            return (long) lseek$MH.invokeExact(captureState, fd, offset, whence);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code int ftruncate(int fd, off_t length)}. */
    public static int ftruncate(MemorySegment captureState, int fd, long length) {
        try {
            return (int) ftruncate$MH.invokeExact(captureState, fd, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
