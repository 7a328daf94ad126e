package dev.weft.uring;

import dev.weft.core.Debug;
import dev.weft.core.FaultInjection;
import dev.weft.core.PendingOp;
import dev.weft.core.SocketError;

/**
 * Hands each CQE of one ring to the {@link Completion} its user_data names. Runs on the ring's
 * reaping turn: its {@link CompletionReaper}, or its owner when it stops.
 *
 * <p>A completion only records its result and unparks its waiter: no user code, no blocking.
 */
final class CompletionRouter implements CompletionQueue.Handler {
    private final OpTable ops;
    private final String ringName;

    CompletionRouter(OpTable ops, String ringName) {
        this.ops = ops;
        this.ringName = ringName;
    }

    @Override
    public void handle(long userData, int res, int flags) {
        int tag = UserData.tag(userData);
        if (tag != UserData.TAG_OP) {
            return; // an ASYNC_CANCEL's own CQE: nobody waits for it
        }
        Completion completion = ops.get(UserData.slot(userData));
        if (completion == null || completion.userData() != userData) {
            // Cannot happen while each op stays registered until its last CQE: report, never guess.
            // Counted as a violation but not thrown: the other CQEs of this batch still need routing.
            IllegalStateException violation = Debug.violation("stale io_uring completion user_data=0x"
                    + Long.toHexString(userData) + " res=" + res + " on " + ringName);
            System.err.println(violation.getMessage());
            return;
        }
        try {
            if (completion instanceof PendingOp) {
                FaultInjection.inCompletionHandler(); // test-only, off by default
            }
            completion.onCqe(res, flags);
        } catch (RuntimeException | Error e) {
            // One broken completion must not stop the reaping every other socket depends on.
            System.err.println("weft: completion handler failed on " + ringName + ": " + e);
            if (!(e instanceof FaultInjection.InjectedFault)) {
                e.printStackTrace();
            }
            failIfStillWaiting(completion, res);
        }
    }

    /**
     * The kernel is done with the op (this was its CQE), but its handler died before reporting
     * it: report a failure instead, so the waiter wakes and the op's accounting is settled.
     */
    private static void failIfStillWaiting(Completion completion, int res) {
        if (completion instanceof PendingOp op && op.isInFlight()) {
            try {
                op.fail(SocketError.OTHER, res < 0 ? -res : 0);
            } catch (IllegalStateException completedMeanwhile) {
                // the handler had reported it after all
            }
        }
    }
}
