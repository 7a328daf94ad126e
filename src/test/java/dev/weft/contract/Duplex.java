package dev.weft.contract;

import dev.weft.TcpConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * One end of a connection seen as plain byte-array reads and writes, so that one transfer
 * routine can drive a weft connection through any of its APIs ({@link Style}) or a
 * java.net.Socket peer.
 */
interface Duplex extends AutoCloseable {

    /** Writes all {@code length} bytes. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Reads at least one byte, or returns -1 at end of stream. */
    int read(byte[] bytes, int offset, int length) throws IOException;

    void shutdownOutput() throws IOException;

    @Override
    void close() throws IOException;

    /** The ways a caller can move bytes through a weft connection. */
    enum Style {
        HEAP_BUFFER, DIRECT_BUFFER, BYTE_ARRAY, STREAMS;

        Duplex over(TcpConnection connection) {
            return switch (this) {
                case HEAP_BUFFER -> new BufferDuplex(connection, false);
                case DIRECT_BUFFER -> new BufferDuplex(connection, true);
                case BYTE_ARRAY -> new ArrayDuplex(connection);
                case STREAMS -> new StreamDuplex(connection.inputStream(), connection.outputStream(), connection);
            };
        }
    }

    static Duplex over(Socket socket) throws IOException {
        return new StreamDuplex(socket.getInputStream(), socket.getOutputStream(), socket);
    }

    /** Byte arrays through {@code read(byte[],int,int)} / {@code write(byte[],int,int)}. */
    final class ArrayDuplex implements Duplex {
        private final TcpConnection connection;

        ArrayDuplex(TcpConnection connection) {
            this.connection = connection;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            connection.write(bytes, offset, length);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return connection.read(bytes, offset, length);
        }

        @Override
        public void shutdownOutput() throws IOException {
            connection.shutdownOutput();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /**
     * ByteBuffers. Heap buffers are slices of a larger array (non-zero array offset and a
     * position past zero), so offset arithmetic in the library is exercised too; direct buffers
     * are reused, as a server would.
     */
    final class BufferDuplex implements Duplex {
        private static final int PAD = 7;
        private final TcpConnection connection;
        private final boolean direct;
        private ByteBuffer readBuffer = ByteBuffer.allocate(0);
        private ByteBuffer writeBuffer = ByteBuffer.allocate(0);

        BufferDuplex(TcpConnection connection, boolean direct) {
            this.connection = connection;
            this.direct = direct;
        }

        private ByteBuffer buffer(ByteBuffer current, int length) {
            if (current.capacity() >= length + PAD) {
                return current;
            }
            return direct ? ByteBuffer.allocateDirect(length + PAD)
                    : ByteBuffer.wrap(new byte[length + 2 * PAD]).slice(PAD, length + PAD);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writeBuffer = buffer(writeBuffer, length);
            ByteBuffer src = writeBuffer.clear().position(PAD);
            src.put(bytes, offset, length).flip().position(PAD);
            int written = connection.write(src);
            if (written != length || src.hasRemaining()) {
                throw new AssertionError("write(ByteBuffer) returned " + written + " of " + length
                        + " bytes, " + src.remaining() + " left in the buffer");
            }
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            readBuffer = buffer(readBuffer, length);
            ByteBuffer dst = readBuffer.clear().position(PAD).limit(PAD + length);
            int n = connection.read(dst);
            if (n > 0) {
                if (dst.position() != PAD + n) {
                    throw new AssertionError("read(ByteBuffer) returned " + n + " but moved the position by "
                            + (dst.position() - PAD));
                }
                dst.flip().position(PAD);
                dst.get(bytes, offset, n);
            } else if (dst.position() != PAD) {
                throw new AssertionError("read(ByteBuffer) returned " + n + " but moved the position");
            }
            return n;
        }

        @Override
        public void shutdownOutput() throws IOException {
            connection.shutdownOutput();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** InputStream / OutputStream (weft's, or a java.net.Socket's). */
    final class StreamDuplex implements Duplex {
        private final InputStream in;
        private final OutputStream out;
        private final AutoCloseable owner;

        StreamDuplex(InputStream in, OutputStream out, AutoCloseable owner) {
            this.in = in;
            this.out = out;
            this.owner = owner;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return in.read(bytes, offset, length);
        }

        @Override
        public void shutdownOutput() throws IOException {
            out.flush();
            switch (owner) {
                case Socket s -> s.shutdownOutput();
                case TcpConnection c -> c.shutdownOutput();
                default -> throw new IllegalStateException(owner.toString());
            }
        }

        @Override
        public void close() throws IOException {
            try {
                owner.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
