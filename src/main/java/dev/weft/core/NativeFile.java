package dev.weft.core;

import dev.weft.core.PendingOp.Wake;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * An open file whose reads, writes and flushes are kernel operations that complete through the
 * backend's port or ring: the calling virtual thread parks, its carrier stays free.
 *
 * <p>Unlike a socket, a file serves any number of operations at once (positional I/O from many
 * threads), so each call takes an op of its own from a pool that grows to the largest number
 * of concurrent calls seen; an op is reused only after its completion was consumed. The
 * close, interrupt and native-memory rules are the sockets' ({@link NativeHandle}, {@link
 * PendingOp}); only the exceptions are {@code FileChannel}'s: {@link ClosedChannelException},
 * {@link AsynchronousCloseException} for a close while blocked, {@link
 * ClosedByInterruptException} after an interrupt (which closes the file, as it does a
 * FileChannel).
 */
public abstract class NativeFile extends NativeHandle {
    /** A write position meaning "at the end of the file, whatever its size then". */
    public static final long END_OF_FILE = -1;

    private final Queue<PendingOp> idle = new ConcurrentLinkedQueue<>();
    private final Queue<PendingOp> all = new ConcurrentLinkedQueue<>();
    private final LongAdder partialWrites = new LongAdder();

    protected NativeFile(LiveHandles live) {
        super(live);
    }

    private enum Kind { READ, WRITE, FORCE }

    /**
     * Reads up to {@code dst.byteSize()} bytes at {@code position}.
     *
     * @param dst native memory, kept alive by the caller until this returns
     * @return bytes read, or -1 when {@code position} is at or past the end of the file
     */
    public final int read(MemorySegment dst, long position) throws IOException {
        long n = run(Kind.READ, dst, position);
        return n == 0 ? -1 : (int) n;
    }

    /**
     * Writes every byte of {@code src} at {@code position} ({@link #END_OF_FILE}: appends),
     * reissuing the write after each partial completion.
     */
    public final void writeFully(MemorySegment src, long position) throws IOException {
        long done = 0;
        long size = src.byteSize();
        while (done < size) {
            long at = position == END_OF_FILE ? END_OF_FILE : position + done;
            long written = run(Kind.WRITE, src.asSlice(done), at);
            if (written <= 0) {
                throw new IOException("write completed with " + written + " bytes");
            }
            done += written;
            if (done < size) {
                partialWrites.increment();
            }
        }
    }

    /** Flushes the file's data (and its metadata if asked) to the storage device. */
    public final void force(boolean metadata) throws IOException {
        run(Kind.FORCE, null, metadata ? 1 : 0);
    }

    /** The file's size in bytes. */
    public final long size() throws IOException {
        enterOpen();
        try {
            return querySize();
        } finally {
            exit();
        }
    }

    /** Sets the file's size: cuts it, or extends it with zeros. */
    public final void truncate(long size) throws IOException {
        enterOpen();
        try {
            resize(size);
        } finally {
            exit();
        }
    }

    /**
     * Whether writes at {@link #END_OF_FILE} from several threads at once each land whole at the
     * end (Linux O_APPEND: yes). Where not, callers serialize their appends.
     */
    public boolean appendsAtomically() {
        return false;
    }

    /** Writes that completed with fewer bytes than asked and were reissued for the rest. */
    public final long partialWritesResumed() {
        return partialWrites.sum();
    }

    private void enterOpen() throws ClosedChannelException {
        try {
            enter();
        } catch (SocketException closed) {
            throw new ClosedChannelException();
        }
    }

    private long run(Kind kind, MemorySegment memory, long argument) throws IOException {
        enterOpen();
        PendingOp op = null;
        try {
            if (Thread.currentThread().isInterrupted()) {
                close();
                throw new ClosedByInterruptException();
            }
            op = takeOp();
            op.arm();
            switch (kind) {
                case READ -> startRead(op, memory, argument);
                case WRITE -> startWrite(op, memory, argument);
                case FORCE -> startForce(op, argument != 0);
            }
            Wake wake;
            try {
                // A close that ran before the submission finished found nothing to cancel.
                if (isClosed() && !op.isDone()) {
                    op.markCancelRequested();
                    cancel(op);
                }
                PendingOp submitted = op;
                wake = op.await(0, () -> cancel(submitted));
            } catch (Throwable t) {
                settleAfterFailure(op, this::cancel); // the kernel may still write the memory: wait for it
                throw t;
            }
            return outcome(op, wake, kind);
        } finally {
            if (op != null) {
                idle.add(op);
            }
            exit();
        }
    }

    private PendingOp takeOp() throws IOException {
        PendingOp op = idle.poll();
        if (op == null) {
            op = newOp();
            all.add(op);
        }
        return op;
    }

    private long outcome(PendingOp op, Wake wake, Kind kind) throws IOException {
        SocketError error = op.error();
        long value = op.value();
        int code = op.nativeCode();
        op.consume();
        if (wake == Wake.INTERRUPTED) {
            close(); // as FileChannel: the interrupt closes the file; the interrupt status stays set
            throw new ClosedByInterruptException();
        }
        if (error == null) {
            return value;
        }
        if (isClosed()) {
            throw new AsynchronousCloseException();
        }
        throw failure(kind.name().toLowerCase(), code);
    }

    @Override
    protected final void cancelInFlight() {
        for (PendingOp op : all) {
            if (op.isInFlight()) {
                op.markCancelRequested();
                cancel(op);
            }
        }
    }

    @Override
    final void retireOps() {
        for (PendingOp op : all) {
            op.retire();
        }
    }

    /** Every op this file has made, for the backend's release; none is in flight by then. */
    protected final Iterable<PendingOp> ops() {
        return all;
    }

    // ---- what a backend supplies ----

    /**
     * A new op with its native context; called when every existing op is busy.
     *
     * @throws IOException if the backend can give no more contexts (it is closed)
     */
    protected abstract PendingOp newOp() throws IOException;

    /**
     * Starts a read into {@code dst} at {@code position}. Must not throw: a failure to submit is
     * reported with {@code op.fail(...)}. A completion of 0 bytes means end of file (a backend
     * whose OS reports end of file as an error completes with 0).
     */
    protected abstract void startRead(PendingOp op, MemorySegment dst, long position);

    /** Starts one write of {@code src} at {@code position}, or at the end for {@link #END_OF_FILE}. */
    protected abstract void startWrite(PendingOp op, MemorySegment src, long position);

    /** Starts a flush of the data, and of the metadata if {@code metadata}. */
    protected abstract void startForce(PendingOp op, boolean metadata);

    /** Asks the OS to cancel {@code op} if still pending. Must not block or throw. */
    protected abstract void cancel(PendingOp op);

    /** The size now; called with the handle entered. */
    protected abstract long querySize() throws IOException;

    /** Sets the size; called with the handle entered. */
    protected abstract void resize(long size) throws IOException;

    /** The exception for a failed operation with the OS code {@code nativeCode}. */
    protected abstract IOException failure(String operation, int nativeCode);
}
