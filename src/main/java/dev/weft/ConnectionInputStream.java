package dev.weft;

import java.io.IOException;
import java.io.InputStream;

/** {@link TcpConnection#inputStream()}: reads go straight to the connection. */
final class ConnectionInputStream extends InputStream {
    private final TcpConnection connection;

    ConnectionInputStream(TcpConnection connection) {
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = connection.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int n = connection.read(bytes, offset, length);
        return n;
    }

    @Override
    public void close() {
        connection.close();
    }
}
