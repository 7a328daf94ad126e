package dev.weft;

import dev.weft.core.BufferPool;
import dev.weft.core.NativeDatagram;
import dev.weft.core.SocketOptionKind;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ByteChannel;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A UDP socket bound to a local address, with blocking operations meant for virtual threads.
 * Each {@code receive} or {@code send} submits one kernel operation (io_uring RECVMSG/SENDMSG,
 * overlapped WSARecvFrom/WSASendTo) and parks the calling thread until the kernel reports it done.
 *
 * <pre>{@code
 * try (DatagramEndpoint udp = weft.bindDatagram(new InetSocketAddress(9000))) {
 *     ByteBuffer buf = ByteBuffer.allocateDirect(65_507);
 *     while (true) {
 *         DatagramEndpoint.Received got = udp.receive(buf.clear());
 *         udp.send(buf.flip(), got.sender());          // echo it back
 *     }
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@code receive} blocks until one datagram arrives and stores it in the buffer's remaining
 *       space. A datagram larger than that space is truncated, as {@code DatagramChannel} does,
 *       never split or dropped silently: {@link Received#truncated()} says so.</li>
 *   <li>{@code send} sends the buffer's remaining bytes as one datagram, whole or not at all;
 *       more than the protocol carries (65,507 bytes over IPv4) fails with
 *       {@code SocketException("Message too long ...")}.</li>
 *   <li>{@link #connect} fixes the peer: {@link #read}/{@link #write} then work, only the
 *       peer's datagrams arrive, and an ICMP port unreachable from it may surface as
 *       {@link java.net.PortUnreachableException}. On Windows the socket ignores ICMP port
 *       unreachable otherwise (SIO_UDP_CONNRESET off), so one dead peer never fails a
 *       server's next receive.</li>
 *   <li>Read timeout ({@link #setReadTimeout}): a receive that waits longer throws
 *       {@link java.net.SocketTimeoutException}; the endpoint stays usable, and a datagram that
 *       arrives as the timeout fires is returned, not lost.</li>
 *   <li>One receiver and one sender may run at once; concurrent receivers (or senders) are
 *       serialized.</li>
 *   <li>Closing from another thread wakes blocked receivers and senders with
 *       {@code SocketException("Socket closed")}. Interrupting a thread blocked in a receive
 *       or send (or calling them with the interrupt status set) closes the endpoint and throws
 *       {@code SocketException("Closed by interrupt")}, with the interrupt status kept: the
 *       same rules as {@link TcpConnection}.</li>
 * </ul>
 *
 * <p>Heap buffers, and direct buffers of a shared arena (another thread may close it while a
 * call waits), are copied through pooled native buffers on the caller's thread; other direct
 * buffers are used in place.
 */
public final class DatagramEndpoint implements ByteChannel {
    /** The largest UDP payload any datagram can carry (IPv6 without jumbograms; IPv4 allows 65,507). */
    private static final int MAX_DATAGRAM = 65_535;

    private final WeftRuntime runtime;
    private final NativeDatagram socket;
    private final boolean ipv6;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReusedSegment receiveInto = new ReusedSegment(); // guarded by readLock
    private final ReusedSegment sendFrom = new ReusedSegment();    // guarded by writeLock
    private volatile long readTimeoutNanos;
    private volatile InetSocketAddress peer;

    /**
     * One received datagram.
     *
     * @param sender    where it came from
     * @param bytes     bytes stored in the buffer (its position advanced by as many)
     * @param truncated the datagram did not fit the buffer's remaining space; the rest of it is lost
     */
    public record Received(InetSocketAddress sender, int bytes, boolean truncated) {
    }

    DatagramEndpoint(WeftRuntime runtime, NativeDatagram socket, boolean ipv6) {
        this.runtime = runtime;
        this.socket = socket;
        this.ipv6 = ipv6;
    }

    // ---- receiving ----

    /**
     * Receives one datagram into the remaining space of {@code dst}, advancing its position.
     *
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public Received receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        ensureOpen();
        readLock.lock();
        try {
            NativeDatagram.Received got;
            MemorySegment into = dst.isDirect() ? receiveInto.remaining(dst)
                    : receiveInto.of(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (dst.isDirect() && !receiveInto.freeableByOthers()) {
                got = socket.receive(into, readTimeoutNanos);
            } else {
                got = receiveThroughPool(into);
            }
            Reference.reachabilityFence(dst);
            dst.position(dst.position() + got.bytes());
            return new Received(got.sender(), got.bytes(), got.truncated());
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Receives into a pooled native buffer and copies to {@code dst} on this thread: for memory
     * the kernel may not hold while the receive waits (see {@link TcpConnection}).
     */
    private NativeDatagram.Received receiveThroughPool(MemorySegment dst) throws IOException {
        int room = (int) Math.min(dst.byteSize(), MAX_DATAGRAM); // no datagram is larger
        BufferPool pool = runtime.buffers();
        MemorySegment buffer = pool.acquire(room);
        try {
            NativeDatagram.Received got = socket.receive(buffer.asSlice(0, room), readTimeoutNanos);
            MemorySegment.copy(buffer, 0, dst, 0, got.bytes());
            return got;
        } finally {
            pool.release(buffer);
        }
    }

    /**
     * Receives one datagram from the connected peer into {@code dst}, as DatagramChannel.read:
     * a datagram larger than the remaining space is truncated.
     *
     * @return the bytes stored
     * @throws NotYetConnectedException if not connected
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        ensureConnected();
        return receive(dst).bytes();
    }

    // ---- sending ----

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code target}, advancing its
     * position; blocks until the kernel has taken it.
     *
     * @return the bytes sent (all that remained)
     * @throws java.net.UnknownHostException if {@code target} is unresolved
     * @throws IllegalArgumentException      if {@code target} has port 0 or a different address
     *                                       family than this endpoint
     * @throws AlreadyConnectedException     if connected to a different peer
     */
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        InetSocketAddress address = checkTarget(target);
        ensureOpen();
        InetSocketAddress connected = peer;
        if (connected != null && !connected.equals(address)) {
            throw new AlreadyConnectedException();
        }
        return sendTo(src, connected != null ? null : address);
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to the connected peer.
     *
     * @throws NotYetConnectedException if not connected
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureConnected();
        return sendTo(src, null);
    }

    private int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
        int length = src.remaining();
        if (length > MAX_DATAGRAM) {
            throw new SocketException("Message too long: " + length + " bytes (a UDP datagram carries at most "
                    + MAX_DATAGRAM + ")");
        }
        writeLock.lock();
        try {
            MemorySegment from = src.isDirect() ? sendFrom.remaining(src) : null;
            if (from != null && !sendFrom.freeableByOthers()) {
                socket.send(from, target);
                Reference.reachabilityFence(src);
            } else {
                sendThroughPool(src, target);
            }
            src.position(src.position() + length);
            return length;
        } finally {
            writeLock.unlock();
        }
    }

    private void sendThroughPool(ByteBuffer src, InetSocketAddress target) throws IOException {
        int length = src.remaining();
        BufferPool pool = runtime.buffers();
        MemorySegment buffer = pool.acquire(length);
        try {
            MemorySegment.copy(MemorySegment.ofBuffer(src), ValueLayout.JAVA_BYTE, 0, buffer, ValueLayout.JAVA_BYTE, 0,
                    length);
            socket.send(buffer.asSlice(0, length), target);
        } finally {
            pool.release(buffer);
        }
    }

    private InetSocketAddress checkTarget(SocketAddress target) throws IOException {
        InetSocketAddress address = Addresses.checkResolved(target, "target");
        if (address.getPort() == 0) {
            throw new IllegalArgumentException("target port must not be 0: " + address);
        }
        if ((address.getAddress() instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("target " + address + " is not an " + (ipv6 ? "IPv6" : "IPv4")
                    + " address, as this endpoint is");
        }
        return address;
    }

    // ---- control ----

    /**
     * Connects to {@code peer}: sends without a target go there and only its datagrams arrive.
     * Nothing is sent; the call does not block.
     *
     * @throws IllegalStateException if already connected
     */
    public void connect(SocketAddress peer) throws IOException {
        InetSocketAddress address = checkTarget(peer);
        ensureOpen();
        synchronized (this) {
            if (this.peer != null) {
                throw new IllegalStateException("already connected to " + this.peer);
            }
            socket.connect(address);
            this.peer = address;
        }
    }

    /** The connected peer, or null. */
    public InetSocketAddress peer() {
        return peer;
    }

    public boolean isConnected() {
        return peer != null;
    }

    /**
     * Sets how long a receive may wait; {@link Duration#ZERO} (the default) waits forever.
     *
     * @throws IllegalArgumentException if negative
     */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = Timeouts.toNanos(timeout);
    }

    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNanos);
    }

    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        return socket.localAddress();
    }

    /** SO_BROADCAST: allow sends to a broadcast address. */
    public void setBroadcast(boolean on) throws IOException {
        setOption(SocketOptionKind.SO_BROADCAST, on ? 1 : 0);
    }

    public boolean broadcast() throws IOException {
        return getOption(SocketOptionKind.SO_BROADCAST) != 0;
    }

    /** SO_RCVBUF, a hint to the OS: how many bytes of datagrams may wait to be received. */
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

    private void ensureConnected() throws SocketException {
        ensureOpen();
        if (peer == null) {
            throw new NotYetConnectedException();
        }
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
     * Closes the endpoint. Threads blocked in receive or send wake with
     * {@code SocketException("Socket closed")}; the OS socket is released once the kernel has
     * reported their operations. A second close does nothing.
     */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[" + socket + "]";
    }
}
