package dev.weft.bindings.windows;

import static dev.weft.bindings.windows.WinTypes.BOOL;
import static dev.weft.bindings.windows.WinTypes.DWORD;
import static dev.weft.bindings.windows.WinTypes.HANDLE;
import static dev.weft.bindings.windows.WinTypes.INT;
import static dev.weft.bindings.windows.WinTypes.POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * fileapi.h (kernel32.dll): opening files, overlapped ReadFile/WriteFile, size, flush and end of
 * file, plus the winnt.h/winerror.h values they use. Same shape as {@link Kernel32}: each
 * function takes a call-state segment ({@link CallState}) first, capturing GetLastError, and its
 * handle lives in a holder class loaded on first use.
 */
public final class FileApi {
    private FileApi() {
    }

    // dwDesiredAccess (winnt.h)
    public static final int GENERIC_READ = 0x80000000;
    public static final int GENERIC_WRITE = 0x40000000;
    // dwShareMode
    public static final int FILE_SHARE_READ = 0x1;
    public static final int FILE_SHARE_WRITE = 0x2;
    public static final int FILE_SHARE_DELETE = 0x4;
    // dwCreationDisposition
    public static final int CREATE_NEW = 1;
    public static final int CREATE_ALWAYS = 2;
    public static final int OPEN_EXISTING = 3;
    public static final int OPEN_ALWAYS = 4;
    public static final int TRUNCATE_EXISTING = 5;
    // dwFlagsAndAttributes
    public static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    public static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    // FILE_INFO_BY_HANDLE_CLASS
    public static final int FileEndOfFileInfo = 6;
    // winerror.h, the codes opening and writing files fail with
    public static final int ERROR_FILE_NOT_FOUND = 2;
    public static final int ERROR_PATH_NOT_FOUND = 3;
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_SHARING_VIOLATION = 32;
    public static final int ERROR_HANDLE_DISK_FULL = 39;
    public static final int ERROR_FILE_EXISTS = 80;
    public static final int ERROR_DISK_FULL = 112;
    public static final int ERROR_ALREADY_EXISTS = 183;

    @SuppressWarnings("restricted")
    private static final class Lib {
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("kernel32", Arena.global());

        static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
            return Linker.nativeLinker().downcallHandle(
                    LOOKUP.findOrThrow(name), descriptor, CallState.CAPTURE_GET_LAST_ERROR);
        }
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("should not reach here", t);
    }

    // HANDLE CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
    //     LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
    //     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
    private static final class CreateFileW {
        static final MethodHandle HANDLE_ = Lib.downcall("CreateFileW",
                FunctionDescriptor.of(HANDLE, POINTER, DWORD, DWORD, POINTER, DWORD, DWORD, HANDLE));
    }

    public static MemorySegment CreateFileW(MemorySegment callState, MemorySegment lpFileName, int dwDesiredAccess,
            int dwShareMode, MemorySegment lpSecurityAttributes, int dwCreationDisposition,
            int dwFlagsAndAttributes, MemorySegment hTemplateFile) {
        try {
            return (MemorySegment) CreateFileW.HANDLE_.invokeExact(callState, lpFileName, dwDesiredAccess,
                    dwShareMode, lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
    //     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
    private static final class ReadFile {
        static final MethodHandle HANDLE_ = Lib.downcall("ReadFile",
                FunctionDescriptor.of(BOOL, HANDLE, POINTER, DWORD, POINTER, POINTER));
    }

    public static int ReadFile(MemorySegment callState, MemorySegment hFile, MemorySegment lpBuffer,
            int nNumberOfBytesToRead, MemorySegment lpNumberOfBytesRead, MemorySegment lpOverlapped) {
        try {
            return (int) ReadFile.HANDLE_.invokeExact(callState, hFile, lpBuffer, nNumberOfBytesToRead,
                    lpNumberOfBytesRead, lpOverlapped);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
    //     LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
    private static final class WriteFile {
        static final MethodHandle HANDLE_ = Lib.downcall("WriteFile",
                FunctionDescriptor.of(BOOL, HANDLE, POINTER, DWORD, POINTER, POINTER));
    }

    public static int WriteFile(MemorySegment callState, MemorySegment hFile, MemorySegment lpBuffer,
            int nNumberOfBytesToWrite, MemorySegment lpNumberOfBytesWritten, MemorySegment lpOverlapped) {
        try {
            return (int) WriteFile.HANDLE_.invokeExact(callState, hFile, lpBuffer, nNumberOfBytesToWrite,
                    lpNumberOfBytesWritten, lpOverlapped);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // BOOL GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
    private static final class GetFileSizeEx {
        static final MethodHandle HANDLE_ = Lib.downcall("GetFileSizeEx",
                FunctionDescriptor.of(BOOL, HANDLE, POINTER));
    }

    public static int GetFileSizeEx(MemorySegment callState, MemorySegment hFile, MemorySegment lpFileSize) {
        try {
            return (int) GetFileSizeEx.HANDLE_.invokeExact(callState, hFile, lpFileSize);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // BOOL FlushFileBuffers(HANDLE hFile)
    private static final class FlushFileBuffers {
        static final MethodHandle HANDLE_ = Lib.downcall("FlushFileBuffers", FunctionDescriptor.of(BOOL, HANDLE));
    }

    public static int FlushFileBuffers(MemorySegment callState, MemorySegment hFile) {
        try {
            return (int) FlushFileBuffers.HANDLE_.invokeExact(callState, hFile);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // BOOL SetFileInformationByHandle(HANDLE hFile, FILE_INFO_BY_HANDLE_CLASS FileInformationClass,
    //     LPVOID lpFileInformation, DWORD dwBufferSize)
    private static final class SetFileInformationByHandle {
        static final MethodHandle HANDLE_ = Lib.downcall("SetFileInformationByHandle",
                FunctionDescriptor.of(BOOL, HANDLE, INT, POINTER, DWORD));
    }

    public static int SetFileInformationByHandle(MemorySegment callState, MemorySegment hFile,
            int FileInformationClass, MemorySegment lpFileInformation, int dwBufferSize) {
        try {
            return (int) SetFileInformationByHandle.HANDLE_.invokeExact(callState, hFile, FileInformationClass,
                    lpFileInformation, dwBufferSize);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
