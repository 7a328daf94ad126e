package dev.weft.bindings.windows;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.ValueLayout;

/**
 * The Win32 C types the Windows bindings use, as FFM layouts (x64, LLP64: {@code long} and
 * {@code DWORD} are 32 bits; handles, {@code SOCKET} and {@code ULONG_PTR} are 64 bits).
 * Loads no library, so Linux may touch it.
 */
public final class WinTypes {
    private WinTypes() {
    }

    public static final ValueLayout.OfByte UCHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort WORD = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfShort USHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfInt BOOL = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfInt ULONG = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong ULONG_PTR = ValueLayout.JAVA_LONG;
    /** {@code SOCKET} is a {@code UINT_PTR}, not a pointer: it is passed by value as a 64-bit integer. */
    public static final ValueLayout.OfLong SOCKET = ValueLayout.JAVA_LONG;
    public static final AddressLayout POINTER = ValueLayout.ADDRESS;
    public static final AddressLayout HANDLE = ValueLayout.ADDRESS;
}
