package dev.weft.uring;

import dev.weft.bindings.linux.Fcntl;
import dev.weft.bindings.linux.Iovec;
import dev.weft.bindings.linux.LibC;
import dev.weft.core.FileAccess;
import dev.weft.core.FileError;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.weft.bindings.linux.Errno.*;
import static dev.weft.bindings.linux.Fcntl.*;

/**
 * The synchronous file calls around the io_uring reads, writes and flushes: open, size and
 * truncate (metadata calls that do not wait for the device), and the errno words for messages.
 */
final class FileCalls {
    private FileCalls() { }

    /** Permission bits of a created file, before the umask: what FileChannel.open uses. */
    private static final int CREATE_MODE = 0666;

    /**
     * Opens {@code path} as {@code FileChannel.open} would on Linux (the same flags), close-on-exec.
     *
     * @throws IOException NoSuchFileException, AccessDeniedException, FileAlreadyExistsException
     *                     or FileSystemException, as java.nio.file reports the errno
     */
    static int open(String path, FileAccess access) throws IOException {
        int flags = O_CLOEXEC | (access.read() && access.write() ? O_RDWR : access.write() ? O_WRONLY : O_RDONLY);
        if (access.write()) {
            flags |= access.truncate() ? O_TRUNC : 0;
            flags |= access.append() ? O_APPEND : 0;
            flags |= access.createNew() ? O_CREAT | O_EXCL : access.create() ? O_CREAT : 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            int fd = Fcntl.openat(errno, AT_FDCWD, arena.allocateFrom(path), flags, CREATE_MODE);
            if (fd < 0) {
                int code = LibC.errno(errno);
                throw openError(code).toException(path, describe(code));
            }
            return fd;
        }
    }

    private static FileError openError(int errno) {
        return switch (errno) {
            case ENOENT -> FileError.NOT_FOUND;
            case EACCES -> FileError.ACCESS_DENIED;
            case EEXIST -> FileError.ALREADY_EXISTS;
            default -> FileError.OTHER;
        };
    }

    /**
     * Reads at once what the page cache holds ({@code preadv2} with RWF_NOWAIT).
     *
     * @return bytes read (0 at end of file), or -errno: -EAGAIN when the read would wait for
     *         the device, -ESPIPE on a pipe
     */
    static long readNow(int fd, long address, int length, long offset) {
        return transferNow(false, fd, address, length, offset);
    }

    /** Writes at once into the page cache ({@code pwritev2} with RWF_NOWAIT); as {@link #readNow}. */
    static long writeNow(int fd, long address, int length, long offset) {
        return transferNow(true, fd, address, length, offset);
    }

    private static long transferNow(boolean write, int fd, long address, int length, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            MemorySegment iov = arena.allocate(Iovec.layout());
            Iovec.iov_base(iov, address);
            Iovec.iov_len(iov, length);
            long n = write ? Fcntl.pwritev2(errno, fd, iov, 1, offset, RWF_NOWAIT)
                    : Fcntl.preadv2(errno, fd, iov, 1, offset, RWF_NOWAIT);
            return n >= 0 ? n : -LibC.errno(errno);
        }
    }

    /**
     * Whether the descriptor has a file position: false for a pipe, FIFO or socket (lseek fails
     * with ESPIPE), whose reads and writes wait for a peer rather than for a device.
     */
    static boolean isSeekable(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            return Fcntl.lseek(errno, fd, 0, SEEK_CUR) >= 0 || LibC.errno(errno) != ESPIPE;
        }
    }

    static long size(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            // Every read and write names its offset, so moving the file position here is harmless.
            long end = Fcntl.lseek(errno, fd, 0, SEEK_END);
            if (end < 0) {
                throw failure("size", LibC.errno(errno));
            }
            return end;
        }
    }

    static void truncate(int fd, long size) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.CAPTURE_STATE_LAYOUT);
            if (Fcntl.ftruncate(errno, fd, size) < 0) {
                throw failure("truncate", LibC.errno(errno));
            }
        }
    }

    static IOException failure(String operation, int errno) {
        return new IOException(describe(errno) + " (" + operation + ", errno " + errno + ")");
    }

    /** strerror's words for the errors file I/O meets; glibc's strerror is not thread-safe to bind. */
    static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EIO -> "Input/output error";
            case EBADF -> "Bad file descriptor";
            case EACCES -> "Permission denied";
            case EEXIST -> "File exists";
            case ENOTDIR -> "Not a directory";
            case EISDIR -> "Is a directory";
            case EINVAL -> "Invalid argument";
            case EFBIG -> "File too large";
            case ENOSPC -> "No space left on device";
            case ESPIPE -> "Illegal seek";
            case EROFS -> "Read-only file system";
            case ENAMETOOLONG -> "File name too long";
            case ELOOP -> "Too many levels of symbolic links";
            case EDQUOT -> "Disk quota exceeded";
            case ECANCELED -> "Operation canceled";
            default -> "errno " + errno;
        };
    }
}
