package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Guid;
import dev.weft.bindings.windows.MsWsock;
import dev.weft.bindings.windows.Ws2_32;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The addresses of the Winsock extension functions, asked of the TCP provider once per backend
 * with WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER). Every weft socket is a plain TCP socket of
 * the base provider, so one lookup serves them all.
 */
record ExtensionFunctions(MemorySegment acceptEx, MemorySegment connectEx, MemorySegment getAcceptExSockaddrs) {

    static ExtensionFunctions load() throws IOException {
        long s;
        try {
            s = SocketCalls.open(Ws2_32.AF_INET);
        } catch (IOException noIpv4) {
            s = SocketCalls.open(Ws2_32.AF_INET6);
        }
        try (Arena arena = Arena.ofConfined()) {
            return new ExtensionFunctions(
                    lookup(s, MsWsock.WSAID_ACCEPTEX, arena),
                    lookup(s, MsWsock.WSAID_CONNECTEX, arena),
                    lookup(s, MsWsock.WSAID_GETACCEPTEXSOCKADDRS, arena));
        } finally {
            SocketCalls.closeQuietly(s);
        }
    }

    private static MemorySegment lookup(long s, String guid, Arena arena) throws IOException {
        MemorySegment id = Guid.allocate(arena);
        writeGuid(guid, id);
        MemorySegment function = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment returned = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment state = CallState.allocate(arena);
        int rc = Ws2_32.WSAIoctl(state, s, Ws2_32.SIO_GET_EXTENSION_FUNCTION_POINTER, id, (int) Guid.sizeof(),
                function, (int) ValueLayout.ADDRESS.byteSize(), returned, MemorySegment.NULL, MemorySegment.NULL);
        if (rc != 0) {
            throw Errors.exception("WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER " + guid + ")",
                    CallState.WSAGetLastError(state));
        }
        return function.get(ValueLayout.ADDRESS, 0);
    }

    /** Writes a GUID given in canonical text ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") into its C layout. */
    static void writeGuid(String text, MemorySegment guid) {
        String[] parts = text.split("-");
        if (parts.length != 5 || parts[3].length() != 4 || parts[4].length() != 12) {
            throw new IllegalArgumentException("not a GUID: " + text);
        }
        Guid.Data1(guid, (int) Long.parseLong(parts[0], 16));
        Guid.Data2(guid, (short) Integer.parseInt(parts[1], 16));
        Guid.Data3(guid, (short) Integer.parseInt(parts[2], 16));
        String data4 = parts[3] + parts[4];
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) Integer.parseInt(data4.substring(2 * i, 2 * i + 2), 16);
        }
        Guid.Data4(guid, MemorySegment.ofArray(bytes));
    }
}
