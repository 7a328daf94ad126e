package dev.weft.bindings.windows;

import static dev.weft.bindings.windows.WinTypes.DWORD;
import static dev.weft.bindings.windows.WinTypes.HANDLE;
import static dev.weft.bindings.windows.WinTypes.POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * namedpipeapi.h (kernel32.dll): the server end of a named pipe. weft itself never makes one;
 * the file tests do, because a read from a pipe nobody writes to is a file read that really
 * waits (Windows' counterpart of a Linux FIFO). Same shape as {@link FileApi}.
 */
public final class NamedPipeApi {
    private NamedPipeApi() {
    }

    // dwOpenMode, dwPipeMode, nMaxInstances
    public static final int PIPE_ACCESS_DUPLEX = 0x3;
    public static final int PIPE_TYPE_BYTE = 0x0;
    public static final int PIPE_UNLIMITED_INSTANCES = 255;

    @SuppressWarnings("restricted")
    private static final class CreateNamedPipeW {
        static final MethodHandle HANDLE_ = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("kernel32", Arena.global()).findOrThrow("CreateNamedPipeW"),
                FunctionDescriptor.of(HANDLE, POINTER, DWORD, DWORD, DWORD, DWORD, DWORD, DWORD, POINTER),
                CallState.CAPTURE_GET_LAST_ERROR);
    }

    // HANDLE CreateNamedPipeW(LPCWSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode, DWORD nMaxInstances,
    //     DWORD nOutBufferSize, DWORD nInBufferSize, DWORD nDefaultTimeOut, LPSECURITY_ATTRIBUTES lpSecurityAttributes)
    public static MemorySegment CreateNamedPipeW(MemorySegment callState, MemorySegment lpName, int dwOpenMode,
            int dwPipeMode, int nMaxInstances, int nOutBufferSize, int nInBufferSize, int nDefaultTimeOut,
            MemorySegment lpSecurityAttributes) {
        try {
            return (MemorySegment) CreateNamedPipeW.HANDLE_.invokeExact(callState, lpName, dwOpenMode, dwPipeMode,
                    nMaxInstances, nOutBufferSize, nInBufferSize, nDefaultTimeOut, lpSecurityAttributes);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
