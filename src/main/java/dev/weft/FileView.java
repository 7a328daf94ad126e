package dev.weft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SeekableByteChannel} over a {@link WeftFile}: positional reads and writes at a
 * position of its own, which each call advances. Opened with APPEND, every write goes to the
 * end of the file and the position is the file's size, as FileChannel's is. Closing the view
 * closes the file. Calls are serialized by a lock, so the position moves consistently.
 */
final class FileView implements SeekableByteChannel {
    private final WeftFile file;
    private final ReentrantLock lock = new ReentrantLock(); // a lock, not a monitor: parks, never pins
    private long position;

    FileView(WeftFile file) {
        this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        lock.lock();
        try {
            int n = file.read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        lock.lock();
        try {
            if (file.appends()) {
                return file.append(src); // the position is the size, see position()
            }
            int n = file.write(src, position);
            position += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long position() throws IOException {
        file.ensureOpen();
        if (file.appends()) {
            return file.size(); // as FileChannel in append mode
        }
        lock.lock();
        try {
            return position;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("Negative position");
        }
        file.ensureOpen();
        lock.lock();
        try {
            position = newPosition;
            return this;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        file.truncate(size);
        lock.lock();
        try {
            position = Math.min(position, size);
            return this;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() {
        file.close();
    }
}
