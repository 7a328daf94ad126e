package dev.weft;

import java.io.IOException;
import java.io.OutputStream;

/** {@link TcpConnection#outputStream()}: unbuffered; each write is sent in full. */
final class ConnectionOutputStream extends OutputStream {
    private final TcpConnection connection;

    ConnectionOutputStream(TcpConnection connection) {
        this.connection = connection;
    }

    @Override
    public void write(int b) throws IOException {
        connection.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        connection.write(bytes, offset, length);
    }

    @Override
    public void close() {
        connection.close();
    }
}
