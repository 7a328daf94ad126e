import dev.weft.TcpConnection;
import dev.weft.TcpListener;
import dev.weft.WeftRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;

public class Echo {
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;   // 0: any free port
        try (WeftRuntime weft = WeftRuntime.open();
             TcpListener listener = weft.listen(new InetSocketAddress(port))) {
            System.out.println("echo on port " + listener.localAddress().getPort()
                    + " over " + weft.backendName());
            while (true) {
                TcpConnection conn = listener.accept();
                Thread.startVirtualThread(() -> {
                    byte[] buf = new byte[8192];
                    try (conn) {
                        int n;
                        while ((n = conn.read(buf, 0, buf.length)) > 0) {
                            conn.write(buf, 0, n);
                        }
                    } catch (IOException e) {
                        // peer reset or closed: try-with-resources closes the connection
                    }
                });
            }
        }
    }
}
