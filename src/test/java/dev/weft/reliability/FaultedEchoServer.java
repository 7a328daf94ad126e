package dev.weft.reliability;

import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import dev.weft.WeftStats;
import dev.weft.core.Debug;
import dev.weft.core.FaultInjection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child-JVM program of {@link CompletionFaultTest}: an echo server whose completion handlers
 * throw an injected Error every few completions, driven by JDK clients that check every echoed
 * byte. Exits 0 only if every rule held; prints what it saw either way.
 */
public final class FaultedEchoServer {
    private static final int CLIENTS = 300;
    private static final int MESSAGE = 3000;

    public static void main(String[] args) throws Exception {
        if (!FaultInjection.enabled() || !Debug.ENABLED) {
            fail("run with -Dweft.test.completionFaults=N and -Dweft.debug=true");
        }
        WeftRuntime weft = WeftRuntime.open();
        TcpListener listener = weft.listen(Streams.anyLoopbackPort());
        InetSocketAddress address = listener.localAddress();
        AtomicInteger accepted = new AtomicInteger();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    TcpConnection conn = listener.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> LowDescriptorEchoServer.echo(conn));
                }
            } catch (IOException closed) {
                // the listener closed at the end
            }
        });
        int echoed = 0;
        int failed = 0;
        for (int i = 0; i < CLIENTS; i++) {
            if (echoOnce(address, i)) {
                echoed++;
            } else {
                failed++;
            }
        }
        // The listener must still serve after every fault so far: some client gets through.
        boolean servedAfterFaults = false;
        for (int i = 0; i < 50 && !servedAfterFaults; i++) {
            servedAfterFaults = echoOnce(address, CLIENTS + i);
        }
        WeftStats settled = awaitOnlyTheListener(weft);
        listener.close();
        acceptor.join();
        weft.close();
        WeftStats closed = weft.stats();
        System.out.printf("faults injected=%d accepted=%d echoed=%d failed=%d servedAfterFaults=%s "
                        + "settled=%s closed=%s violations=%d%n", FaultInjection.injected(), accepted.get(),
                echoed, failed, servedAfterFaults, settled, closed, Debug.violations());
        if (FaultInjection.injected() == 0 || failed == 0) {
            fail("no fault reached a connection");
        }
        if (!servedAfterFaults) {
            fail("the listener stopped serving after a fault");
        }
        // Left: the listener, with its one accept posted.
        if (settled.liveOperations() != 1 || settled.openHandles() != 1 || settled.buffersInUse() != 0) {
            fail("op accounting lost: " + settled);
        }
        if (closed.openHandles() != 0 || closed.liveNativeBytes() != 0 || closed.pooledBufferBytes() != 0) {
            fail("runtime close left: " + closed);
        }
        if (Debug.violations() != 0) {
            fail("debug violations (a completion after release, a buffer released twice): "
                    + Debug.recentViolations());
        }
        System.out.println("OK");
    }

    /** One client: sends a message, checks every echoed byte; false if the connection failed. */
    private static boolean echoOnce(InetSocketAddress address, int seed) throws IOException {
        byte[] sent = new byte[MESSAGE];
        Streams.fill(seed, 0, sent, 0, MESSAGE);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(sent);
            byte[] back = new byte[MESSAGE];
            InputStream in = client.getInputStream();
            int got = 0;
            while (got < MESSAGE) {
                int n = in.read(back, got, MESSAGE - got);
                if (n < 0) {
                    return false; // the server's side failed and closed
                }
                got += n;
            }
            if (!Arrays.equals(sent, back)) {
                fail("client " + seed + ": echoed bytes differ from those sent (a buffer reused under the kernel?)");
            }
            return true;
        } catch (IOException failedByAFault) {
            return false;
        }
    }

    private static WeftStats awaitOnlyTheListener(WeftRuntime weft) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        WeftStats s = weft.stats();
        while ((s.liveOperations() != 1 || s.openHandles() != 1 || s.buffersInUse() != 0)
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // polling a figure, not waiting for a race: the bound is generous
            s = weft.stats();
        }
        return s;
    }

    private static void fail(String why) {
        System.out.println("FAILED: " + why);
        System.out.flush();
        System.exit(1);
    }
}
