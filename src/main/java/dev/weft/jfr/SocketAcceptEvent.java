package dev.weft.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** An accept on a weft listener, with the peer it returned; the remote fields name that peer. */
@Name("dev.weft.SocketAccept")
@Label("weft Socket Accept")
@Category({"weft", "Socket"})
@Description("Accepting a connection on a weft listener")
@Threshold("20 ms")
@StackTrace(true)
public final class SocketAcceptEvent extends SocketEvent {
    @Label("Local Port")
    @Description("Port the listener is bound to")
    public int localPort;
}
