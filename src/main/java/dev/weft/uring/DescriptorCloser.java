package dev.weft.uring;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends released descriptors (a socket's FIN, then its close), except while the backend is
 * closing every socket: then both wait until every handle has been marked closed. Otherwise one
 * end of a loopback pair, released early (its last operation ended right after it was marked),
 * would send a FIN that the other end's blocked reader sees as end of stream before its own
 * mark reaches it, and that reader would return -1 instead of failing with "Socket closed".
 */
final class DescriptorCloser {
    private List<Runnable> deferred; // guarded by this; null when ending at once

    /** Sends a released socket's FIN ({@code sendFin} does it) now, or after the marking, in order. */
    void sendFin(Runnable sendFin) {
        runOrDefer(sendFin);
    }

    void close(int fd) {
        runOrDefer(() -> SocketCalls.close(fd));
    }

    private void runOrDefer(Runnable action) {
        synchronized (this) {
            if (deferred != null) {
                deferred.add(action);
                return;
            }
        }
        action.run();
    }

    synchronized void startDeferring() {
        deferred = new ArrayList<>();
    }

    /**
     * Runs what was deferred, in order, and goes back to ending at once. Runs under the lock: a
     * socket's FIN was deferred, its close may come now from another thread (the last CQE of its
     * receive), and that close must wait for the FIN, or the FIN could go to whatever socket
     * reuses the descriptor number.
     */
    synchronized void stopDeferring() {
        List<Runnable> actions = deferred;
        deferred = null;
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
    }
}
