package dev.weft.iocp;

import dev.weft.bindings.windows.CallState;
import dev.weft.bindings.windows.Kernel32;
import dev.weft.bindings.windows.OverlappedEntry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A platform thread that dequeues completion packets in batches with
 * GetQueuedCompletionStatusEx and hands each to its {@link Completion}.
 *
 * <p>It blocks only inside GetQueuedCompletionStatusEx, never runs user code (targets only record
 * results and unpark), and takes no lock on the way from packet to waiter: the packet's
 * lpOverlapped is the op's native context, whose slot number leads to the target through
 * {@link OpTable}.
 *
 * <p>GetQueuedCompletionStatusEx reports no per-entry error: each target reads the NTSTATUS its
 * OVERLAPPED.Internal holds. A packet without an OVERLAPPED and with {@link #WAKE_KEY} is the
 * backend's request to stop.
 *
 * <p>Any other failure of GetQueuedCompletionStatusEx than WAIT_TIMEOUT (the port closed under
 * it, or broken) ends the thread after telling the backend, which fails every pending op and
 * reports itself broken: waiters never hang on packets that can no longer come.
 */
final class CompletionLoop extends Thread {
    /** Completion key of the packets that stop these threads; sockets use key 0. */
    static final long WAKE_KEY = 0x77656674L; // "weft"

    private final IocpBackend backend;
    private final MemorySegment port;
    private final OpTable table;
    private final int batch;
    private final MemorySegment entries;
    private final MemorySegment removed;
    private final CompletionScratch scratch;
    /** Packets dequeued by this thread; written only here, read for statistics. */
    private volatile long packets;
    /** Packets whose handling threw: always a weft bug (e.g. a second completion for one op). */
    private volatile long failures;

    CompletionLoop(String name, IocpBackend backend, MemorySegment port, OpTable table, int batch, Arena arena) {
        super(name);
        setDaemon(true);
        this.backend = backend;
        this.port = port;
        this.table = table;
        this.batch = batch;
        this.entries = OverlappedEntry.allocateArray(batch, arena);
        this.removed = arena.allocate(ValueLayout.JAVA_INT);
        this.scratch = new CompletionScratch(arena);
    }

    /** Native bytes this thread allocated from the backend's arena (freed with it). */
    long nativeBytes() {
        return entries.byteSize() + removed.byteSize() + scratch.nativeBytes();
    }

    @Override
    public void run() {
        long entrySize = OverlappedEntry.sizeof();
        while (true) {
            int ok = Kernel32.GetQueuedCompletionStatusEx(scratch.callState, port, entries, batch, removed,
                    Kernel32.INFINITE, 0);
            if (ok == 0) {
                int error = CallState.GetLastError(scratch.callState);
                if (error == Kernel32.WAIT_TIMEOUT) {
                    continue;
                }
                // e.g. ERROR_ABANDONED_WAIT_0 / ERROR_INVALID_HANDLE: the port was closed under us
                backend.completionPortFailed(getName(), error);
                return;
            }
            int count = removed.get(ValueLayout.JAVA_INT, 0);
            // Counted before dispatch, so a woken waiter already sees its packet counted. Single
            // writer: the non-atomic add is fine. (Wake packets, only at shutdown, count too.)
            packets += count;
            int wakes = 0;
            for (int i = 0; i < count; i++) {
                // Fields read in place, by offset: no slice and no MemorySegment per packet.
                long base = i * entrySize;
                long overlapped = entries.get(ValueLayout.JAVA_LONG, base + OverlappedEntry.lpOverlapped$OFFSET);
                if (overlapped == 0) {
                    if (entries.get(ValueLayout.JAVA_LONG, base + OverlappedEntry.lpCompletionKey$OFFSET) == WAKE_KEY) {
                        wakes++;
                    }
                    continue;
                }
                dispatch(overlapped, entries.get(ValueLayout.JAVA_INT,
                        base + OverlappedEntry.dwNumberOfBytesTransferred$OFFSET));
            }
            if (wakes > 0) {
                // One wake packet per thread was posted; pass on any this thread took for others.
                for (int i = 1; i < wakes; i++) {
                    Kernel32.PostQueuedCompletionStatus(scratch.callState, port, 0, WAKE_KEY, MemorySegment.NULL);
                }
                return;
            }
        }
    }

    long packets() {
        return packets;
    }

    long failures() {
        return failures;
    }

    private void dispatch(long overlapped, int bytes) {
        try {
            table.targetOf(overlapped).completed(bytes, scratch);
        } catch (RuntimeException | Error e) {
            failures++;
            // A bug, never a user's exception (no user code runs here): report it and keep
            // dequeuing, since every other waiter still depends on this thread.
            Thread.UncaughtExceptionHandler handler = getUncaughtExceptionHandler();
            handler.uncaughtException(this, e);
        }
    }
}
