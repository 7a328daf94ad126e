package dev.weft.uring;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes released descriptors, except while the backend is closing every socket: then the
 * closes wait until every handle has been marked closed. Otherwise closing one end of a
 * loopback pair would send a FIN that the other end's blocked reader sees as end of stream
 * before its own close reaches it, and that reader would return -1 instead of failing with
 * "Socket closed".
 */
final class DescriptorCloser {
    private List<Integer> deferred; // guarded by this; null when closing directly

    void close(int fd) {
        synchronized (this) {
            if (deferred != null) {
                deferred.add(fd);
                return;
            }
        }
        SocketCalls.close(fd);
    }

    synchronized void startDeferring() {
        deferred = new ArrayList<>();
    }

    /** Closes what was deferred and goes back to closing at once. */
    void stopDeferring() {
        List<Integer> fds;
        synchronized (this) {
            fds = deferred;
            deferred = null;
        }
        if (fds != null) {
            fds.forEach(SocketCalls::close);
        }
    }
}
