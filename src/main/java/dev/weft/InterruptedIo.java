package dev.weft;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * How the java.net adapters report an interrupt. weft closes a connection whose virtual thread
 * is interrupted in I/O and throws {@code SocketException("Closed by interrupt")}; java.net's
 * Socket and ServerSocket expect an {@link InterruptedIOException} from their SocketImpl, and
 * then close themselves (so {@code isClosed()} turns true) and throw that same
 * {@code SocketException}. Handing them the exception they expect keeps their state right.
 */
final class InterruptedIo {
    private InterruptedIo() {
    }

    static IOException translate(IOException failure) {
        if (failure instanceof InterruptedIOException || !Thread.currentThread().isInterrupted()) {
            return failure;
        }
        InterruptedIOException interrupted = new InterruptedIOException("Closed by interrupt");
        interrupted.initCause(failure);
        return interrupted;
    }
}
