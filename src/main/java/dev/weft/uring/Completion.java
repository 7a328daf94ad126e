package dev.weft.uring;

/**
 * Something waiting for CQEs: a socket's read or write op, or a listener's multishot accept.
 * Registered in its ring's {@link OpTable}; the CQE's user_data names it (see {@link UserData}).
 */
interface Completion {
    /** The user_data (tag bits clear) of the submission now in flight; a CQE with another is stale. */
    long userData();

    /**
     * Handles one CQE on the thread holding the ring's reaping turn: record, unpark, return. Must
     * not block and must not run user code.
     */
    void onCqe(int res, int flags);
}
