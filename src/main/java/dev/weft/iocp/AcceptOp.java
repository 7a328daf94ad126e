package dev.weft.iocp;

import dev.weft.bindings.windows.Ws2_32;

/**
 * One AcceptEx kept posted on a listener: its native context (the address area is AcceptEx's
 * output buffer) and the socket the next connection will be accepted into.
 */
final class AcceptOp implements CompletionTarget {
    final OpContext context;
    private final IocpListener listener;
    /** Written by the poster before AcceptEx, taken by the completion thread after the packet. */
    volatile long acceptSocket = Ws2_32.INVALID_SOCKET;

    AcceptOp(IocpListener listener, OpTable table) {
        this.listener = listener;
        this.context = table.acquire(this);
    }

    @Override
    public void completed(int bytes, CompletionScratch scratch) {
        listener.acceptCompleted(this, scratch);
    }
}
