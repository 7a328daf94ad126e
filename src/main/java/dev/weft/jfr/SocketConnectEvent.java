package dev.weft.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** An outbound connect through weft, successful or not. */
@Name("dev.weft.SocketConnect")
@Label("weft Socket Connect")
@Category({"weft", "Socket"})
@Description("Connecting a weft socket")
@Threshold("20 ms")
@StackTrace(true)
public final class SocketConnectEvent extends SocketEvent {
    @Label("Connect Exception")
    @Description("Why the connect failed; null when it succeeded")
    public String exceptionMessage;
}
