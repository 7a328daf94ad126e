package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.FileApi;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.core.FileAccess;
import dev.weft.core.FileError;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static dev.weft.bindings.windows.FileApi.*;
import static dev.weft.bindings.windows.NtStatus.STATUS_CANCELLED;
import static dev.weft.bindings.windows.NtStatus.STATUS_DISK_FULL;

/**
 * The synchronous file calls around the overlapped reads and writes: CreateFileW with
 * FILE_FLAG_OVERLAPPED, size, end of file, flush, close, and the Win32 words for messages.
 */
final class FileCalls {
    private FileCalls() {
    }

    /**
     * Opens {@code path} for overlapped I/O with the access and disposition FileChannel.open
     * uses for the same options, sharing read, write and delete as the JDK does.
     *
     * @return the HANDLE value
     * @throws IOException NoSuchFileException, AccessDeniedException, FileAlreadyExistsException
     *                     or FileSystemException, as java.nio.file reports the Win32 error
     */
    static long open(String path, FileAccess access) throws IOException {
        int desired = (access.read() ? GENERIC_READ : 0) | (access.write() ? GENERIC_WRITE : 0);
        int disposition;
        if (access.createNew()) {
            disposition = CREATE_NEW;
        } else if (access.create()) {
            disposition = access.truncate() ? CREATE_ALWAYS : OPEN_ALWAYS;
        } else {
            disposition = access.truncate() ? TRUNCATE_EXISTING : OPEN_EXISTING;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment handle = FileApi.CreateFileW(state, wide(arena, path), desired,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, MemorySegment.NULL, disposition,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, MemorySegment.NULL);
            if (handle.address() == Kernel32.INVALID_HANDLE_VALUE) {
                int code = CallState.GetLastError(state);
                throw openError(code).toException(path, describe(code));
            }
            return handle.address();
        }
    }

    private static MemorySegment wide(Arena arena, String path) {
        byte[] utf16 = (path + "\0").getBytes(StandardCharsets.UTF_16LE);
        MemorySegment segment = arena.allocate(utf16.length, 2);
        MemorySegment.copy(utf16, 0, segment, ValueLayout.JAVA_BYTE, 0, utf16.length);
        return segment;
    }

    private static FileError openError(int code) {
        return switch (code) {
            case ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND -> FileError.NOT_FOUND;
            case ERROR_ACCESS_DENIED -> FileError.ACCESS_DENIED;
            case ERROR_FILE_EXISTS, ERROR_ALREADY_EXISTS -> FileError.ALREADY_EXISTS;
            default -> FileError.OTHER;
        };
    }

    static long size(long handle) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            if (FileApi.GetFileSizeEx(state, MemorySegment.ofAddress(handle), size) == 0) {
                throw failure("size", CallState.GetLastError(state));
            }
            return size.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Sets the end of file (FILE_END_OF_FILE_INFO is one LARGE_INTEGER). */
    static void truncate(long handle, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            MemorySegment info = arena.allocate(ValueLayout.JAVA_LONG);
            info.set(ValueLayout.JAVA_LONG, 0, length);
            if (FileApi.SetFileInformationByHandle(state, MemorySegment.ofAddress(handle), FileEndOfFileInfo, info,
                    (int) info.byteSize()) == 0) {
                throw failure("truncate", CallState.GetLastError(state));
            }
        }
    }

    /**
     * FlushFileBuffers; Windows has no overlapped flush, so this one call waits for the device
     * on the calling thread.
     */
    static int flush(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CallState.allocate(arena);
            return FileApi.FlushFileBuffers(state, MemorySegment.ofAddress(handle)) != 0
                    ? 0 : CallState.GetLastError(state);
        }
    }

    static void closeQuietly(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            Kernel32.CloseHandle(CallState.allocate(arena), MemorySegment.ofAddress(handle));
        }
    }

    /** The Win32 code for the NTSTATUS of a failed file operation. */
    static int fromNtStatus(int status) {
        return switch (status) {
            case STATUS_CANCELLED -> Kernel32.ERROR_OPERATION_ABORTED;
            case STATUS_DISK_FULL -> ERROR_DISK_FULL;
            default -> status;
        };
    }

    static IOException failure(String operation, int code) {
        return new IOException(describe(code) + " (" + operation + ", os error " + code + ")");
    }

    private static String describe(int code) {
        return switch (code) {
            case ERROR_FILE_NOT_FOUND -> "The system cannot find the file specified";
            case ERROR_PATH_NOT_FOUND -> "The system cannot find the path specified";
            case ERROR_ACCESS_DENIED -> "Access is denied";
            case ERROR_SHARING_VIOLATION -> "The file is being used by another process";
            case ERROR_FILE_EXISTS, ERROR_ALREADY_EXISTS -> "The file exists";
            case ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL -> "There is not enough space on the disk";
            case Kernel32.ERROR_OPERATION_ABORTED -> "The I/O operation has been aborted";
            default -> "Win32 error " + code;
        };
    }
}
