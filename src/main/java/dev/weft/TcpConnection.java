package dev.weft;

import dev.weft.core.BufferPool;
import dev.weft.core.NativeSocket;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected TCP socket with blocking operations, meant for one virtual thread per connection
 * (platform threads work too). Each {@code read} or {@code write} submits one kernel operation
 * and parks the calling thread until the kernel reports it done.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@code read} blocks until at least one byte arrives and returns how many, or -1 once the
 *       peer has shut down its side (end of stream). A read with no room returns 0 at once.</li>
 *   <li>{@code write} blocks until every byte is handed to the kernel; partial sends are
 *       resumed internally.</li>
 *   <li>Read timeout ({@link #setReadTimeout}): a read that waits longer throws
 *       {@link java.net.SocketTimeoutException}; the connection stays usable and no byte is lost
 *       (bytes that arrive as the timeout fires are returned by that read or the next).</li>
 *   <li>One reader and one writer may run at once; concurrent readers (or writers) are
 *       serialized, each getting whole reads (writes).</li>
 *   <li>Closing from another thread wakes blocked readers and writers with
 *       {@code SocketException("Socket closed")}.</li>
 *   <li>Interrupting a thread blocked in {@code read} or {@code write} (or calling them with
 *       the interrupt status set) closes the connection and throws
 *       {@code SocketException("Closed by interrupt")}, with the interrupt status kept, as
 *       java.net.Socket does on virtual threads.</li>
 *   <li>A peer reset surfaces as {@code SocketException("Connection reset ...")}, never as
 *       end of stream.</li>
 * </ul>
 *
 * <p>Direct buffers are used in place (one whose memory was freed, its arena closed, is refused
 * with {@link IllegalStateException}; one of another thread's confined arena with
 * {@link WrongThreadException}), except those of a shared arena: another thread may close that
 * while a call waits, so their bytes are copied through pooled native buffers on the caller's
 * thread, and closing the arena during a call fails the call with IllegalStateException (the
 * JDK's channels make the close fail instead) without the kernel ever touching freed memory.
 * Heap buffers and arrays: on io_uring a write hands the
 * array itself to the kernel while the socket buffer has room, and a read copies each received
 * chunk straight into it (with provided buffers, the default); otherwise (IOCP, one-shot recvs,
 * a send that must wait for room) the bytes are copied through pooled native buffers, because
 * the kernel may hold the memory after the call returns and the garbage collector moves arrays.
 */
public final class TcpConnection implements ByteChannel, ScatteringByteChannel, GatheringByteChannel {
    private final WeftRuntime runtime;
    private final NativeSocket socket;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReusedSegment readInto = new ReusedSegment();   // guarded by readLock
    private final ReusedSegment writeFrom = new ReusedSegment();  // guarded by writeLock
    private volatile long readTimeoutNanos;
    private volatile InputStream input;
    private volatile OutputStream output;
    /**
     * The peer, asked of the OS once: a connection is connected from birth and its peer never
     * changes, and JFR's read and write events name it (a system call per event otherwise).
     */
    private volatile InetSocketAddress remote;

    TcpConnection(WeftRuntime runtime, NativeSocket socket) {
        this.runtime = runtime;
        this.socket = socket;
    }

    // ---- reading ----

    /**
     * Reads into the remaining space of {@code dst}, advancing its position.
     *
     * @return bytes read (at least 1), 0 if {@code dst} has no room, or -1 at end of stream
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        ensureOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        readLock.lock();
        try {
            var event = SocketEvents.beginRead();
            int n;
            if (dst.isDirect()) {
                MemorySegment into = readInto.remaining(dst);
                n = readInto.freeableByOthers() ? readThroughPool(into) : socket.read(into, readTimeoutNanos);
                Reference.reachabilityFence(dst);
            } else {
                n = readIntoArray(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            }
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            SocketEvents.endRead(event, this, n);
            return n;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads up to {@code length} bytes into {@code bytes} at {@code offset}.
     *
     * @return bytes read (at least 1), 0 if {@code length} is 0, or -1 at end of stream
     */
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
        ensureOpen();
        if (length == 0) {
            return 0;
        }
        readLock.lock();
        try {
            var event = SocketEvents.beginRead();
            int n = readIntoArray(bytes, offset, length);
            SocketEvents.endRead(event, this, n);
            return n;
        } finally {
            readLock.unlock();
        }
    }

    /** Reads into the array itself where the backend can, else through a pooled native buffer. */
    private int readIntoArray(byte[] bytes, int offset, int length) throws IOException {
        MemorySegment into = readInto.of(bytes, offset, length);
        return socket.readsIntoHeap() ? socket.read(into, readTimeoutNanos) : readThroughPool(into);
    }

    /**
     * Reads into a pooled native buffer, then copies to {@code dst} on this thread: for memory
     * the kernel may not hold while the read waits (heap memory the garbage collector moves, or
     * a shared arena's, which another thread may free; the copy then fails with
     * IllegalStateException, and the bytes received for it are lost with it).
     */
    private int readThroughPool(MemorySegment dst) throws IOException {
        BufferPool pool = runtime.buffers();
        int chunk = (int) Math.min(dst.byteSize(), BufferPool.MAX_SIZE);
        if (socket.waitsForDataWithoutBuffer()) {
            socket.awaitReadable(readTimeoutNanos); // an idle connection holds no pooled buffer
        }
        MemorySegment buffer = pool.acquire(chunk);
        try {
            int n = socket.read(buffer.asSlice(0, chunk), readTimeoutNanos);
            if (n > 0) {
                MemorySegment.copy(buffer, 0, dst, 0, n);
            }
            return n;
        } finally {
            pool.release(buffer);
        }
    }

    /** Reads into the buffers in order, filling each before the next; one kernel receive. */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(dsts, "dsts").length);
        long room = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer dst = Objects.requireNonNull(dsts[i], "dsts[" + i + "]");
            if (dst.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer at index " + i);
            }
            room += dst.remaining();
        }
        ensureOpen();
        if (room == 0) {
            return 0;
        }
        int chunk = (int) Math.min(room, BufferPool.MAX_SIZE);
        byte[] staging = new byte[chunk];
        int n = read(staging, 0, chunk);
        if (n <= 0) {
            return n;
        }
        int copied = 0;
        for (int i = offset; i < offset + length && copied < n; i++) {
            int part = Math.min(dsts[i].remaining(), n - copied);
            dsts[i].put(staging, copied, part);
            copied += part;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, Objects.requireNonNull(dsts, "dsts").length);
    }

    // ---- writing ----

    /**
     * Writes all remaining bytes of {@code src}, advancing its position.
     *
     * @return the number of bytes written (all that remained)
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        int length = src.remaining();
        if (length == 0) {
            return 0;
        }
        writeLock.lock();
        try {
            var event = SocketEvents.beginWrite();
            if (src.isDirect()) {
                MemorySegment from = writeFrom.remaining(src);
                if (writeFrom.freeableByOthers()) {
                    writeThroughPool(from);
                } else {
                    socket.writeFully(from);
                }
                Reference.reachabilityFence(src);
                src.position(src.position() + length);
            } else {
                writeThroughPool(src.hasArray()
                        ? writeFrom.of(src.array(), src.arrayOffset() + src.position(), length)
                        : MemorySegment.ofBuffer(src)); // a read-only buffer
                src.position(src.position() + length);
            }
            SocketEvents.endWrite(event, this, length);
            return length;
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes {@code length} bytes of {@code bytes} from {@code offset}, all of them. */
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
        ensureOpen();
        if (length == 0) {
            return;
        }
        writeLock.lock();
        try {
            var event = SocketEvents.beginWrite();
            writeThroughPool(writeFrom.of(bytes, offset, length));
            SocketEvents.endWrite(event, this, length);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends memory the kernel may not hold while a send waits (heap memory the garbage
     * collector moves, or a shared arena's, which another thread may free): as it is while the
     * socket buffer has room, where the backend can (the common case: no copy; the memory is
     * held only during that system call); the rest is copied, on this thread, into a pooled
     * native buffer, which the kernel may hold while a send waits for room.
     */
    private void writeThroughPool(MemorySegment src) throws IOException {
        long sent = socket.sendsWithoutWaiting() ? socket.sendWithoutWaiting(src) : 0;
        long left = src.byteSize() - sent;
        if (left == 0) {
            return;
        }
        BufferPool pool = runtime.buffers();
        MemorySegment buffer = pool.acquire((int) Math.min(left, BufferPool.MAX_SIZE));
        try {
            while (sent < src.byteSize()) {
                long chunk = Math.min(src.byteSize() - sent, buffer.byteSize());
                MemorySegment.copy(src, sent, buffer, 0, chunk);
                socket.writeFully(buffer.asSlice(0, chunk));
                sent += chunk;
            }
        } finally {
            pool.release(buffer);
        }
    }

    /** Writes every remaining byte of the buffers, in order. */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(srcs, "srcs").length);
        for (int i = offset; i < offset + length; i++) {
            Objects.requireNonNull(srcs[i], "srcs[" + i + "]");
        }
        ensureOpen();
        writeLock.lock(); // reentrant: the gathered buffers go out with no other writer between
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, Objects.requireNonNull(srcs, "srcs").length);
    }

    // ---- streams ----

    /** An InputStream over this connection; closing it closes the connection. */
    public InputStream inputStream() {
        InputStream in = input;
        if (in == null) {
            in = new ConnectionInputStream(this);
            input = in;
        }
        return in;
    }

    /** An OutputStream over this connection (unbuffered); closing it closes the connection. */
    public OutputStream outputStream() {
        OutputStream out = output;
        if (out == null) {
            out = new ConnectionOutputStream(this);
            output = out;
        }
        return out;
    }

    // ---- control ----

    /**
     * Sets how long a read may wait; {@link Duration#ZERO} (the default) waits forever.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = Timeouts.toNanos(timeout);
    }

    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNanos);
    }

    /** Sends FIN: the peer reads end of stream; this side can still read. */
    public void shutdownOutput() throws IOException {
        ensureOpen();
        socket.shutdownOutput();
    }

    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return socket.localAddress();
    }

    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        InetSocketAddress known = remote;
        if (known == null) {
            known = socket.remoteAddress();
            remote = known;
        }
        return known;
    }

    /** TCP_NODELAY: send small segments at once instead of coalescing them (Nagle). */
    public void setNoDelay(boolean on) throws IOException {
        setOption(SocketOptionKind.TCP_NODELAY, on ? 1 : 0);
    }

    public boolean noDelay() throws IOException {
        return getOption(SocketOptionKind.TCP_NODELAY) != 0;
    }

    /** SO_KEEPALIVE: probe an idle connection so a dead peer is eventually noticed. */
    public void setKeepAlive(boolean on) throws IOException {
        setOption(SocketOptionKind.SO_KEEPALIVE, on ? 1 : 0);
    }

    public boolean keepAlive() throws IOException {
        return getOption(SocketOptionKind.SO_KEEPALIVE) != 0;
    }

    /** SO_RCVBUF, a hint to the OS. */
    public void setReceiveBufferSize(int bytes) throws IOException {
        setOption(SocketOptionKind.SO_RCVBUF, checkPositive(bytes, "receive buffer size"));
    }

    public int receiveBufferSize() throws IOException {
        return getOption(SocketOptionKind.SO_RCVBUF);
    }

    /** SO_SNDBUF, a hint to the OS. */
    public void setSendBufferSize(int bytes) throws IOException {
        setOption(SocketOptionKind.SO_SNDBUF, checkPositive(bytes, "send buffer size"));
    }

    public int sendBufferSize() throws IOException {
        return getOption(SocketOptionKind.SO_SNDBUF);
    }

    /**
     * SO_LINGER: with 0 seconds, {@link #close()} resets the connection (RST) instead of an
     * orderly FIN; a negative value turns lingering off (the default).
     */
    public void setSoLinger(int seconds) throws IOException {
        setOption(SocketOptionKind.SO_LINGER, seconds < 0 ? -1 : seconds);
    }

    public int soLinger() throws IOException {
        return getOption(SocketOptionKind.SO_LINGER);
    }

    private void setOption(SocketOptionKind option, int value) throws IOException {
        ensureOpen();
        socket.setOption(option, value);
    }

    private int getOption(SocketOptionKind option) throws IOException {
        ensureOpen();
        return socket.getOption(option);
    }

    private static int checkPositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }

    private void ensureOpen() throws SocketException {
        if (socket.isClosed()) {
            throw new SocketException("Socket closed");
        }
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    /**
     * Closes the connection. Threads blocked in read or write wake with
     * {@code SocketException("Socket closed")}; the OS socket is released once the kernel has
     * reported their operations. A second close does nothing.
     */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "TcpConnection[" + socket + "]";
    }
}
