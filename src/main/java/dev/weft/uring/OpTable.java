package dev.weft.uring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Maps a user_data slot to the {@link Completion} registered there. Slots are taken when a
 * socket is created and given back when it is released, so the completion path only does an
 * array read; registration and release take a lock.
 */
final class OpTable {
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(Completion[].class);

    private volatile Completion[] slots = new Completion[64];
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
            if (slot >= slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
        }
        ELEMENT.setVolatile(slots, slot, completion);
        live++;
        return slot;
    }

    synchronized void unregister(int slot) {
        ELEMENT.setVolatile(slots, slot, (Completion) null);
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        live--;
    }

    /** The completion in {@code slot}, or null. Called by the reaping thread without the table lock. */
    Completion get(int slot) {
        Completion[] s = slots;
        return slot < s.length ? (Completion) ELEMENT.getVolatile(s, slot) : null;
    }

    /** Completions registered now. */
    synchronized int live() {
        return live;
    }

    /** A snapshot of every registered completion (for shutdown). */
    synchronized Completion[] snapshot() {
        return Arrays.stream(slots, 0, used).filter(c -> c != null).toArray(Completion[]::new);
    }
}
