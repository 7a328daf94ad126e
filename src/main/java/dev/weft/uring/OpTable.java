package dev.weft.uring;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps a user_data slot to the {@link Completion} registered there, and numbers every submission
 * made from a slot.
 *
 * <p>A slot is taken when a socket (its read op, write op, multishot recv) or a listener is
 * created and given back when it is released; freed slots are reused. The submission number
 * belongs to the <em>slot</em>, not to the object in it, and only ever grows: a completion or an
 * ASYNC_CANCEL still in flight for a released op can therefore never match the user_data of a
 * later op that reuses the slot (see {@link UserData}).
 *
 * <p>Storage is in fixed-size chunks that never move once created, so the completion path reads
 * a slot without a lock, and a slot's owner bumps its submission number without a lock while
 * another thread registers (and grows the table). Registration and release take the table lock.
 * {@link #nextUserData} is called only by the slot's owner, one submission at a time (each op,
 * listener and receiver lets one submission of its own be in flight); the table lock orders
 * one owner's last submission before the next owner's first.
 */
final class OpTable {
    private static final int CHUNK_BITS = 10;
    private static final int CHUNK_SIZE = 1 << CHUNK_BITS;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;

    private static final class Chunk {
        final AtomicReferenceArray<Completion> owners = new AtomicReferenceArray<>(CHUNK_SIZE);
        final int[] submissions = new int[CHUNK_SIZE];
    }

    private volatile Chunk[] chunks = new Chunk[0];
    private int[] free = new int[64];
    private int freeCount;
    private int used; // slots ever handed out: [0, used) are taken or in free[]
    private int live;

    synchronized int register(Completion completion) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (used == UserData.MAX_SLOTS) {
                throw new IllegalStateException("too many io_uring operations registered");
            }
            slot = used++;
            if ((slot >>> CHUNK_BITS) == chunks.length) {
                Chunk[] grown = Arrays.copyOf(chunks, chunks.length + 1);
                grown[chunks.length] = new Chunk();
                chunks = grown;
            }
        }
        chunk(slot).owners.set(slot & CHUNK_MASK, completion);
        live++;
        return slot;
    }

    synchronized void unregister(int slot) {
        chunk(slot).owners.set(slot & CHUNK_MASK, null);
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        live--;
    }

    /**
     * The user_data for the next submission from {@code slot}: never one this slot issued
     * before, whoever owned it then. Called by the slot's owner only.
     */
    long nextUserData(int slot) {
        int[] submissions = chunk(slot).submissions;
        int number = ++submissions[slot & CHUNK_MASK];
        return UserData.of(slot, number);
    }

    /** The completion in {@code slot}, or null. Called by the reaping thread without the table lock. */
    Completion get(int slot) {
        Chunk[] c = chunks;
        int index = slot >>> CHUNK_BITS;
        return index < c.length ? c[index].owners.get(slot & CHUNK_MASK) : null;
    }

    /** Completions registered now. */
    synchronized int live() {
        return live;
    }

    private Chunk chunk(int slot) {
        return chunks[slot >>> CHUNK_BITS];
    }
}
