package dev.weft.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Deterministic test data and the checks that compare what was sent with what arrived. */
final class Payloads {
    private Payloads() {
    }

    /** {@code size} pseudo-random bytes; the same seed gives the same bytes on every run. */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static long crc(byte[] bytes) {
        return crc(bytes, 0, bytes.length);
    }

    static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    /** Asserts equal length and checksum; on a mismatch names the first differing offset. */
    static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        if (actual.length == expected.length && crc(actual) == crc(expected)
                && java.util.Arrays.equals(actual, expected)) {
            return;
        }
        int first = java.util.Arrays.mismatch(actual, expected);
        assertThat(actual.length)
                .as("%s: length (first differing byte at offset %d)", what, first)
                .isEqualTo(expected.length);
        assertThat(crc(actual))
                .as("%s: CRC32 of %d bytes (first differing byte at offset %d: got %d, expected %d)",
                        what, actual.length, first, actual[first], expected[first])
                .isEqualTo(crc(expected));
    }

    /** A running count and CRC32 of a byte stream, for one direction of a transfer. */
    static final class Tally {
        private final CRC32 crc = new CRC32();
        private long bytes;

        void add(byte[] data, int offset, int length) {
            crc.update(data, offset, length);
            bytes += length;
        }

        long bytes() {
            return bytes;
        }

        long crc() {
            return crc.getValue();
        }

        @Override
        public String toString() {
            return bytes + " bytes, crc " + Long.toHexString(crc());
        }
    }
}
