package dev.weft.reliability;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Deterministic byte streams for checking transfers byte by byte: the byte at position
 * {@code i} of stream {@code seed} is a hash of both, so a receiver can tell a lost, duplicated
 * or reordered byte from the right one at the exact position, with no copy of what was sent.
 */
final class Streams {
    private Streams() {
    }

    static byte at(long seed, long position) {
        long z = seed * 0x9E3779B97F4A7C15L + position * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (byte) (z ^ (z >>> 29));
    }

    /** Writes bytes {@code [position, position + length)} of stream {@code seed} into {@code out}. */
    static void fill(long seed, long position, byte[] out, int offset, int length) {
        for (int i = 0; i < length; i++) {
            out[offset + i] = at(seed, position + i);
        }
    }

    /** Checks what arrives against stream {@code seed}, counting bytes. */
    static final class Verifier {
        private final long seed;
        private final String what;
        private long position;

        Verifier(long seed, String what) {
            this.seed = seed;
            this.what = what;
        }

        /** Checks {@code length} received bytes; throws AssertionError at the first wrong one. */
        void accept(byte[] data, int offset, int length) {
            for (int i = 0; i < length; i++) {
                byte expected = at(seed, position);
                if (data[offset + i] != expected) {
                    throw new AssertionError(what + ": byte " + position + " is " + data[offset + i]
                            + ", expected " + expected + " (lost, duplicated or reordered bytes)");
                }
                position++;
            }
        }

        long position() {
            return position;
        }
    }

    /** 127.0.0.1 built from bytes (getLoopbackAddress crashes the Windows JDK under Wine). */
    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress(loopback(), 0);
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }

    /** An int system property, so the Windows lane (under Wine) can run smaller counts. */
    static int count(String property, int linux, int windows) {
        return Integer.getInteger(property, isWindows() ? windows : linux);
    }
}
