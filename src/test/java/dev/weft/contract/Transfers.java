package dev.weft.contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.Future;

/** The transfer patterns the contract tests share: chunked send, read to end, echo. */
final class Transfers {
    private Transfers() {
    }

    /** Writes {@code data} in pseudo-random chunks of 1 to {@code maxChunk} bytes. */
    static void writeInChunks(Duplex out, byte[] data, int maxChunk, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int offset = 0;
        while (offset < data.length) {
            int chunk = Math.min(data.length - offset, 1 + random.nextInt(maxChunk));
            out.write(data, offset, chunk);
            offset += chunk;
        }
    }

    /** Reads until end of stream with reads of at most {@code readSize} bytes. */
    static byte[] readToEnd(Duplex in, int readSize) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) != -1) {
            if (n <= 0) {
                throw new AssertionError("read returned " + n + " with room for " + buffer.length + " bytes");
            }
            received.write(buffer, 0, n);
        }
        return received.toByteArray();
    }

    /** Reads exactly {@code length} bytes, failing on an early end of stream. */
    static byte[] readExactly(Duplex in, int length) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            int n = in.read(bytes, done, length - done);
            if (n < 0) {
                throw new AssertionError("end of stream after " + done + " of " + length + " bytes");
            }
            done += n;
        }
        return bytes;
    }

    /**
     * Sends back everything it reads until end of stream, then shuts down its output.
     *
     * @return what it received (and so sent back)
     */
    static Payloads.Tally echoUntilEndOfStream(Duplex end, int readSize) throws IOException {
        Payloads.Tally tally = new Payloads.Tally();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = end.read(buffer, 0, buffer.length)) != -1) {
            tally.add(buffer, 0, n);
            end.write(buffer, 0, n);
        }
        end.shutdownOutput();
        return tally;
    }

    /**
     * Sends {@code payload} from one virtual thread while this thread reads the reply to its end
     * (reading at once keeps an echo of any size from filling both windows).
     */
    static byte[] sendAndReceiveToEnd(Duplex end, byte[] payload, int maxChunk, int readSize) throws Exception {
        Future<Void> sender = Background.start("sender", () -> {
            writeInChunks(end, payload, maxChunk, payload.length);
            end.shutdownOutput();
            return null;
        });
        byte[] received = readToEnd(end, readSize);
        Background.await(sender);
        return received;
    }
}
