package dev.weft.uring;

/**
 * The layout of the 64-bit {@code user_data} weft puts in every SQE:
 * {@code [63..32] submission number | [31..2] slot | [1..0] tag}.
 *
 * <p>The slot names one {@link Completion} in the ring's {@link OpTable}; the submission number
 * is the slot's own counter, bumped at every submission and kept when the slot is reused
 * ({@link OpTable#nextUserData}), so a CQE or an ASYNC_CANCEL can only ever refer to the one
 * submission it was made for. The tag tells an op's own CQEs from those of the cancel requests
 * weft submits itself, which carry no result anyone waits for and are dropped.
 */
final class UserData {
    private UserData() { }

    static final int TAG_OP = 0;
    static final int TAG_CANCEL = 1;
    private static final long TAG_MASK = 3;

    static final int MAX_SLOTS = 1 << 30;

    static long of(int slot, int submission) {
        return ((long) submission << 32) | ((long) slot << 2);
    }

    static int slot(long userData) {
        return (int) (userData >>> 2) & (MAX_SLOTS - 1);
    }

    static int tag(long userData) {
        return (int) (userData & TAG_MASK);
    }

    static long withTag(long userData, int tag) {
        return (userData & ~TAG_MASK) | tag;
    }
}
