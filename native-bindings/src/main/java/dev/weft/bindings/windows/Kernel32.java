package dev.weft.bindings.windows;

import static dev.weft.bindings.windows.WinTypes.BOOL;
import static dev.weft.bindings.windows.WinTypes.DWORD;
import static dev.weft.bindings.windows.WinTypes.HANDLE;
import static dev.weft.bindings.windows.WinTypes.POINTER;
import static dev.weft.bindings.windows.WinTypes.UCHAR;
import static dev.weft.bindings.windows.WinTypes.ULONG;
import static dev.weft.bindings.windows.WinTypes.ULONG_PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * kernel32.dll: the I/O completion port calls, plus the Win32 error codes
 * (winerror.h) and flags they use.
 *
 * <p>Each function takes a call-state segment ({@link CallState}) first, into which the linker
 * captures GetLastError. The library is looked up on first use of a function (each function's
 * handle lives in its own holder class), so loading this class on Linux is harmless as long as
 * only constants are read.
 */
public final class Kernel32 {
    private Kernel32() {
    }

    // ---- constants (winbase.h, winerror.h) ----
    public static final int INFINITE = 0xFFFFFFFF;
    public static final long INVALID_HANDLE_VALUE = -1L;
    public static final byte FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
    public static final byte FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;
    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_HANDLE_EOF = 38;
    public static final int ERROR_NETNAME_DELETED = 64;
    public static final int ERROR_SEM_TIMEOUT = 121;
    public static final int ERROR_MORE_DATA = 234;
    public static final int ERROR_ABANDONED_WAIT_0 = 735;
    public static final int ERROR_OPERATION_ABORTED = 995;
    public static final int ERROR_IO_PENDING = 997;
    public static final int ERROR_NOT_FOUND = 1168;
    public static final int ERROR_CONNECTION_REFUSED = 1225;
    public static final int ERROR_NETWORK_UNREACHABLE = 1231;
    public static final int ERROR_HOST_UNREACHABLE = 1232;
    public static final int ERROR_PORT_UNREACHABLE = 1234;
    public static final int ERROR_CONNECTION_ABORTED = 1236;

    @SuppressWarnings("restricted")
    private static final class Lib {
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("kernel32", Arena.global());

        static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
            return Linker.nativeLinker().downcallHandle(
                    LOOKUP.findOrThrow(name), descriptor, CallState.CAPTURE_GET_LAST_ERROR);
        }

        /** For calls whose error nobody reads: no captured state, so no memory to pass. */
        static MethodHandle downcallIgnoringError(String name, FunctionDescriptor descriptor) {
            return Linker.nativeLinker().downcallHandle(LOOKUP.findOrThrow(name), descriptor);
        }
    }

    // HANDLE CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
    //                               ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads)
    private static final class CreateIoCompletionPort {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(HANDLE, HANDLE, HANDLE, ULONG_PTR, DWORD);
        static final MethodHandle HANDLE_ = Lib.downcall("CreateIoCompletionPort", DESC);
    }

    public static MethodHandle CreateIoCompletionPort$handle() {
        return CreateIoCompletionPort.HANDLE_;
    }

    public static MemorySegment CreateIoCompletionPort(MemorySegment callState, MemorySegment FileHandle,
            MemorySegment ExistingCompletionPort, long CompletionKey, int NumberOfConcurrentThreads) {
        try {
            return (MemorySegment) CreateIoCompletionPort.HANDLE_.invokeExact(
                    callState, FileHandle, ExistingCompletionPort, CompletionKey, NumberOfConcurrentThreads);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
    //     ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds, BOOL fAlertable)
    private static final class GetQueuedCompletionStatusEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, HANDLE, POINTER, ULONG, POINTER, DWORD, BOOL);
        static final MethodHandle HANDLE_ = Lib.downcall("GetQueuedCompletionStatusEx", DESC);
    }

    public static MethodHandle GetQueuedCompletionStatusEx$handle() {
        return GetQueuedCompletionStatusEx.HANDLE_;
    }

    public static int GetQueuedCompletionStatusEx(MemorySegment callState, MemorySegment CompletionPort,
            MemorySegment lpCompletionPortEntries, int ulCount, MemorySegment ulNumEntriesRemoved,
            int dwMilliseconds, int fAlertable) {
        try {
            return (int) GetQueuedCompletionStatusEx.HANDLE_.invokeExact(callState, CompletionPort,
                    lpCompletionPortEntries, ulCount, ulNumEntriesRemoved, dwMilliseconds, fAlertable);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
    //     ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped)
    private static final class PostQueuedCompletionStatus {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, HANDLE, DWORD, ULONG_PTR, POINTER);
        static final MethodHandle HANDLE_ = Lib.downcall("PostQueuedCompletionStatus", DESC);
    }

    public static MethodHandle PostQueuedCompletionStatus$handle() {
        return PostQueuedCompletionStatus.HANDLE_;
    }

    public static int PostQueuedCompletionStatus(MemorySegment callState, MemorySegment CompletionPort,
            int dwNumberOfBytesTransferred, long dwCompletionKey, MemorySegment lpOverlapped) {
        try {
            return (int) PostQueuedCompletionStatus.HANDLE_.invokeExact(
                    callState, CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped)
    private static final class CancelIoEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, HANDLE, POINTER);
        static final MethodHandle HANDLE_ = Lib.downcall("CancelIoEx", DESC);
    }

    public static MethodHandle CancelIoEx$handle() {
        return CancelIoEx.HANDLE_;
    }

    // The same call without GetLastError captured, for callers that ignore the outcome
    private static final class CancelIoExIgnoringError {
        static final MethodHandle HANDLE_ = Lib.downcallIgnoringError("CancelIoEx", CancelIoEx.DESC);
    }

    public static int CancelIoEx(MemorySegment hFile, MemorySegment lpOverlapped) {
        try {
            return (int) CancelIoExIgnoringError.HANDLE_.invokeExact(hFile, lpOverlapped);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    public static int CancelIoEx(MemorySegment callState, MemorySegment hFile, MemorySegment lpOverlapped) {
        try {
            return (int) CancelIoEx.HANDLE_.invokeExact(callState, hFile, lpOverlapped);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags)
    private static final class SetFileCompletionNotificationModes {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, HANDLE, UCHAR);
        static final MethodHandle HANDLE_ = Lib.downcall("SetFileCompletionNotificationModes", DESC);
    }

    public static MethodHandle SetFileCompletionNotificationModes$handle() {
        return SetFileCompletionNotificationModes.HANDLE_;
    }

    public static int SetFileCompletionNotificationModes(MemorySegment callState, MemorySegment FileHandle,
            byte Flags) {
        try {
            return (int) SetFileCompletionNotificationModes.HANDLE_.invokeExact(callState, FileHandle, Flags);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    // BOOL CloseHandle(HANDLE hObject)
    private static final class CloseHandle {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(BOOL, HANDLE);
        static final MethodHandle HANDLE_ = Lib.downcall("CloseHandle", DESC);
    }

    public static MethodHandle CloseHandle$handle() {
        return CloseHandle.HANDLE_;
    }

    public static int CloseHandle(MemorySegment callState, MemorySegment hObject) {
        try {
            return (int) CloseHandle.HANDLE_.invokeExact(callState, hObject);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
