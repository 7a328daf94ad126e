package dev.weft.uring;

import dev.weft.bindings.linux.LibC;

/**
 * A backend's rings and the one {@link OpTable} they share, and the choice of ring for each
 * submission.
 *
 * <p>A recv, send or connect goes to the ring of the CPU the submitting thread runs on
 * ({@link #current}, the CPU number modulo the rings). Carriers on CPUs that map to different
 * rings then never contend for one ring's kernel lock, and the completion work the kernel runs
 * on the submitting carrier concerns that carrier's own ring. The op table is shared, so a CQE
 * finds its op whichever ring it was submitted to; each op remembers that ring, because a cancel
 * only finds requests of its own ring. Work that stays armed for a socket's or listener's
 * lifetime (multishot accept and recv) uses the socket's home ring ({@link #next}), chosen
 * round-robin.
 */
final class Rings {
    private final Ring[] rings;
    private final OpTable ops;
    private int nextHome; // races only make the round-robin uneven

    Rings(Ring[] rings, OpTable ops) {
        this.rings = rings;
        this.ops = ops;
    }

    OpTable ops() {
        return ops;
    }

    /** The ring for a submission made now by the calling thread. */
    Ring current() {
        if (rings.length == 1) {
            return rings[0];
        }
        int cpu = LibC.sched_getcpu();
        return rings[cpu < 0 ? 0 : cpu % rings.length];
    }

    /** A home ring for a new socket or listener, round-robin. */
    Ring next() {
        int i = nextHome++;
        return rings[Math.floorMod(i, rings.length)];
    }

    Ring[] all() {
        return rings;
    }
}
