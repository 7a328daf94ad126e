package dev.weft.files;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/** Test data that can be made again from its seed, so a large file is checked without keeping it. */
final class Payload {
    private Payload() {
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8 && i + k < size; k++) {
                bytes[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return bytes;
    }

    /** Fills the buffer's remaining space with the bytes of {@code seed}, as longs where it can. */
    static void fill(ByteBuffer buffer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        while (buffer.remaining() >= 8) {
            buffer.putLong(random.nextLong());
        }
        while (buffer.hasRemaining()) {
            buffer.put((byte) random.nextInt());
        }
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
