package dev.weft.iocp;

import dev.weft.bindings.windows.Ws2_32;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One AcceptEx kept posted on a listener: its native context (the address area is AcceptEx's
 * output buffer) and the socket the next connection will be accepted into.
 */
final class AcceptOp implements Completion {
    final OpContext context;
    /** Set once, before the first AcceptEx; see {@link #bind}. */
    private volatile IocpListener listener;
    /** Written by the poster before AcceptEx, taken by the completion thread after the packet. */
    volatile long acceptSocket = Ws2_32.INVALID_SOCKET;
    /**
     * True from just before AcceptEx until its packet is handled, so that exactly one of the
     * packet and {@link #abandon} finishes the op.
     */
    private final AtomicBoolean posted = new AtomicBoolean();

    /**
     * Takes the op's context. The listener does not exist yet (see {@link IocpListener}'s
     * constructor): {@link #bind} joins the two before anything is posted.
     */
    AcceptOp(OpTable table) throws IOException {
        this.context = table.acquire(this);
    }

    void bind(IocpListener listener) {
        this.listener = listener;
    }

    void startPosting() {
        posted.set(true);
    }

    /** @return true for the one caller that ends this posting */
    boolean finishPosting() {
        return posted.compareAndSet(true, false);
    }

    @Override
    public void completed(int bytes, CompletionScratch scratch) {
        listener.acceptCompleted(this, scratch);
    }

    @Override
    public void abandon() {
        if (finishPosting()) {
            listener.acceptAbandoned(this);
        }
    }
}
