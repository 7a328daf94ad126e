package dev.weft;

import dev.weft.core.BufferPool;
import dev.weft.core.FileAccess;
import dev.weft.core.NativeFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A file for virtual threads: each read, write and flush is one kernel operation (overlapped
 * ReadFile/WriteFile on Windows, io_uring READ/WRITE/FSYNC on Linux) during which the calling
 * thread parks and its carrier runs other virtual threads. A FileChannel read pins its carrier
 * instead, and the JDK starts an extra carrier to make up for it.
 *
 * <pre>{@code
 * try (WeftFile file = WeftFile.open(path, READ, WRITE, CREATE)) {
 *     file.write(ByteBuffer.wrap(bytes), 0);          // every byte, or an exception
 *     ByteBuffer buf = ByteBuffer.allocateDirect(4096);
 *     int n = file.read(buf, 0);                      // -1 at end of file
 * }
 * }</pre>
 *
 * <p>Semantics are FileChannel's: the same open options and checks, positional
 * {@link #read}/{@link #write} callable from any number of threads at once, the same exceptions
 * (NoSuchFileException, AccessDeniedException, ClosedChannelException, NonReadable/
 * NonWritableChannelException, IllegalArgumentException for a negative position). Closing the
 * file from another thread wakes blocked callers with AsynchronousCloseException; interrupting a
 * blocked thread closes the file and throws ClosedByInterruptException (the interrupt status stays
 * set). Opened with APPEND, the {@linkplain #channel() channel} and {@linkplain #outputStream()
 * stream} views write at the end of the file; positional writes then behave as FileChannel's on
 * the same OS (Linux appends them, Windows writes at the position).
 *
 * <p>Direct buffers are handed to the kernel in place; heap buffers, and direct buffers of a
 * shared arena (another thread may close it while a call waits), are copied through the
 * runtime's pooled native buffers on the caller's thread, at most 64 KiB per kernel operation,
 * so a read into such a buffer may return fewer bytes than it has room for (as FileChannel
 * may).
 *
 * <p>Supported options: READ, WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING (SPARSE is
 * accepted and ignored); others throw UnsupportedOperationException. Opening, {@link #size()},
 * {@link #truncate} and closing are short synchronous calls.
 */
public final class WeftFile implements Closeable {
    private final WeftRuntime runtime;
    private final NativeFile file;
    private final FileAccess access;
    private final ReentrantLock appendLock = new ReentrantLock();

    WeftFile(WeftRuntime runtime, NativeFile file, FileAccess access) {
        this.runtime = runtime;
        this.file = file;
        this.access = access;
    }

    /**
     * Opens {@code path} on the process-wide shared runtime (opened on first use, never closed),
     * with the options of {@code FileChannel.open}. Use {@link WeftRuntime#openFile} to choose the runtime.
     */
    public static WeftFile open(Path path, OpenOption... options) throws IOException {
        return SharedRuntime.get().openFile(path, options);
    }

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code position}, advancing {@code dst}'s position.
     *
     * @return bytes read, 0 if {@code dst} has no room, or -1 when {@code position} is at or past the end
     */
    public int read(ByteBuffer dst, long position) throws IOException {
        Objects.requireNonNull(dst, "dst");
        checkPosition(position);
        ensureOpen();
        if (!access.read()) {
            throw new NonReadableChannelException();
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        MemorySegment into = MemorySegment.ofBuffer(dst);
        if (dst.isDirect()) {
            CallerMemory.checkUsableHere(into);
            if (!CallerMemory.freeableByOtherThreads(into)) {
                int n = file.read(into, position);
                Reference.reachabilityFence(dst);
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
        }
        // heap memory, or a shared arena's: copied on this thread (see TcpConnection)
        BufferPool pool = runtime.buffers();
        int chunk = Math.min(dst.remaining(), BufferPool.MAX_SIZE);
        MemorySegment buffer = pool.acquire(chunk);
        try {
            int n = file.read(buffer.asSlice(0, chunk), position);
            if (n > 0) {
                into.copyFrom(buffer.asSlice(0, n));
                dst.position(dst.position() + n);
            }
            return n;
        } finally {
            pool.release(buffer);
        }
    }

    /**
     * Writes every remaining byte of {@code src} at {@code position}, reissuing the write when the
     * kernel takes only part of it; advances {@code src}'s position. Writing past the end grows the file.
     *
     * @return the bytes written: all that {@code src} had remaining
     */
    public int write(ByteBuffer src, long position) throws IOException {
        Objects.requireNonNull(src, "src");
        checkPosition(position);
        return writeAll(src, position);
    }

    /**
     * Writes every remaining byte of {@code src} at the end of the file. Where the OS does not
     * make each end-of-file write atomic, appends through this file are serialized, as
     * FileChannel serializes them: a Windows write to "end of file" (an OVERLAPPED offset of all
     * ones) is not atomic against another in flight (under Wine records were lost). On Linux
     * O_APPEND is, so only a buffer copied out in several chunks (heap memory, or a shared
     * arena's) takes the lock.
     */
    int append(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        boolean oneKernelWrite = src.remaining() <= BufferPool.MAX_SIZE
                || src.isDirect() && !CallerMemory.freeableByOtherThreads(MemorySegment.ofBuffer(src));
        if (oneKernelWrite && file.appendsAtomically()) {
            return writeAll(src, NativeFile.END_OF_FILE);
        }
        appendLock.lock(); // parks a virtual thread, never pins its carrier
        try {
            return writeAll(src, NativeFile.END_OF_FILE);
        } finally {
            appendLock.unlock();
        }
    }

    private int writeAll(ByteBuffer src, long position) throws IOException {
        ensureOpen();
        if (!access.write()) {
            throw new NonWritableChannelException();
        }
        int length = src.remaining();
        MemorySegment from = MemorySegment.ofBuffer(src);
        if (src.isDirect()) {
            CallerMemory.checkUsableHere(from);
            if (!CallerMemory.freeableByOtherThreads(from)) {
                file.writeFully(from, position);
                Reference.reachabilityFence(src);
                src.position(src.position() + length);
                return length;
            }
        }
        // heap memory, or a shared arena's: copied on this thread (see TcpConnection)
        BufferPool pool = runtime.buffers();
        MemorySegment buffer = pool.acquire(Math.min(length, BufferPool.MAX_SIZE));
        try {
            long done = 0;
            while (done < length) {
                int chunk = (int) Math.min(length - done, buffer.byteSize());
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, done, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
                file.writeFully(buffer.asSlice(0, chunk),
                        position == NativeFile.END_OF_FILE ? position : position + done);
                done += chunk;
                src.position(src.position() + chunk); // what is written is consumed, even if a later chunk fails
            }
            return length;
        } finally {
            pool.release(buffer);
        }
    }

    /** The file's current size in bytes. */
    public long size() throws IOException {
        ensureOpen();
        return file.size();
    }

    /**
     * Cuts the file to {@code size} bytes if it is longer; a file of that size or shorter is left
     * as it is (as FileChannel.truncate).
     */
    public WeftFile truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("Negative size");
        }
        ensureOpen();
        if (!access.write()) {
            throw new NonWritableChannelException();
        }
        if (size < file.size()) {
            file.truncate(size);
        }
        return this;
    }

    /**
     * Forces written data to the storage device: {@code metadata} false is fdatasync (Linux; on
     * Windows both flush everything).
     */
    public void force(boolean metadata) throws IOException {
        ensureOpen();
        file.force(metadata);
    }

    /**
     * A {@link SeekableByteChannel} over this file with a position of its own, starting at 0
     * (APPEND: writes go to the end). Closing it closes the file.
     */
    public SeekableByteChannel channel() {
        return new FileView(this);
    }

    /** An InputStream reading from the start of the file; closing it closes the file. */
    public InputStream inputStream() {
        return Channels.newInputStream(channel());
    }

    /** An OutputStream writing from the start of the file (APPEND: at its end); closing it closes the file. */
    public OutputStream outputStream() {
        return Channels.newOutputStream(channel());
    }

    public boolean isOpen() {
        return !file.isClosed();
    }

    /** Writes the kernel completed partially and weft reissued for the rest, on this file. */
    public long partialWritesResumed() {
        return file.partialWritesResumed();
    }

    /**
     * Closes the file; threads blocked in it wake with AsynchronousCloseException, and the OS
     * handle is closed once the kernel has reported each of their operations. Idempotent.
     */
    @Override
    public void close() {
        file.close();
    }

    boolean appends() {
        return access.append();
    }

    void ensureOpen() throws ClosedChannelException {
        if (file.isClosed()) {
            throw new ClosedChannelException();
        }
    }

    private static void checkPosition(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("Negative position");
        }
    }

    @Override
    public String toString() {
        return "WeftFile[" + file + "]";
    }
}
