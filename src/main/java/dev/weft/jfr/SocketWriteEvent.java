package dev.weft.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/** A write on a weft connection (all its bytes); the counterpart of {@code jdk.SocketWrite}. */
@Name("dev.weft.SocketWrite")
@Label("weft Socket Write")
@Category({"weft", "Socket"})
@Description("Writing data to a weft socket")
@Threshold("20 ms")
@StackTrace(true)
public final class SocketWriteEvent extends SocketEvent {
    @Label("Bytes Written")
    @Description("Number of bytes written to the socket")
    @DataAmount
    public long bytesWritten;
}
