package dev.weft.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/** A read on a weft connection; the counterpart of the JDK's {@code jdk.SocketRead}, same default threshold. */
@Name("dev.weft.SocketRead")
@Label("weft Socket Read")
@Category({"weft", "Socket"})
@Description("Reading data from a weft socket")
@Threshold("20 ms")
@StackTrace(true)
public final class SocketReadEvent extends SocketEvent {
    @Label("Timeout")
    @Timespan(Timespan.MILLISECONDS)
    public long timeout;

    @Label("Bytes Read")
    @Description("Number of bytes read from the socket")
    @DataAmount
    public long bytesRead;

    @Label("End of Stream")
    @Description("If end of stream was reached")
    public boolean endOfStream;
}
