package dev.weft.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An Error thrown inside completion handlers (injected with the test-only switch
 * {@code weft.test.completionFaults}, in a child JVM of its own) fails the affected connections
 * but loses no op accounting, never lets the kernel write into a released buffer, and never
 * stops the listener from accepting.
 */
class CompletionFaultTest {

    @Test
    void errorsInCompletionHandlersLoseNoAccountingNoBufferAndNoAccept() throws Exception {
        assumeFalse(Streams.isWindows(), "the injection point is in the io_uring completion path");
        for (String receiveMode : List.of("false", "true")) {
            ChildJvm.Result result = ChildJvm.run(ChildJvm.command(List.of(
                    "-Dweft.test.completionFaults=5", "-Dweft.debug=true",
                    "-Dweft.uring.multishotRecv=" + receiveMode), FaultedEchoServer.class), 180);
            System.out.println("[weft reliability] multishotRecv=" + receiveMode + ": " + result.output().strip());
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("OK");
        }
    }
}
