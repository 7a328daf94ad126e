package dev.weft.samples;

import dev.weft.WeftRuntime;
import dev.weft.WeftServerSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTPS "hello" server: TLS from the JDK layered over weft sockets, one virtual thread per
 * connection, the same HTTP handling as {@link JdkHttpHelloServer}. Without a key store it makes a
 * self-signed certificate for localhost and 127.0.0.1 at start (with the JDK's keytool) and
 * writes the certificate as PEM for clients to trust.
 *
 * <pre>
 * ./run-demo https [port] [keystore.p12 password]
 * curl --cacert target/https-sample/localhost.pem https://localhost:8443/
 * openssl s_client -connect localhost:8443 -CAfile target/https-sample/localhost.pem
 * </pre>
 */
public final class HttpsHelloServer {
    private static final Path GENERATED = Path.of("target", "https-sample");

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8443;
        Path keyStore;
        char[] password;
        if (args.length >= 3) {
            keyStore = Path.of(args[1]);
            password = args[2].toCharArray();
        } else {
            password = "weft-sample".toCharArray();
            keyStore = selfSignedKeyStore(password);
        }
        SSLContext tls = serverContext(keyStore, password);

        try (WeftRuntime weft = WeftRuntime.open();
             ServerSocket listener = new WeftServerSocketFactory(weft).createServerSocket(port)) {
            System.out.println("weft HTTPS hello server, backend " + weft.backendName()
                    + ", listening on port " + listener.getLocalPort());
            if (args.length < 3) {
                System.out.println("try: curl --cacert " + GENERATED.resolve("localhost.pem")
                        + " https://localhost:" + listener.getLocalPort() + "/");
            }
            while (true) {
                Socket accepted = listener.accept();
                Thread.startVirtualThread(() -> serve(tls, accepted));
            }
        }
    }

    /** TLS over the accepted weft socket, then the same HTTP as the JDK sample's. */
    private static void serve(SSLContext tls, Socket accepted) {
        SSLSocket socket;
        try {
            socket = (SSLSocket) tls.getSocketFactory().createSocket(accepted, null, true);
            socket.setUseClientMode(false);
        } catch (IOException e) {
            closeQuietly(accepted);
            return;
        }
        JdkHttpHelloServer.serve(socket); // a TLS handshake refused shows up there as an IOException
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static SSLContext serverContext(Path keyStore, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        return tls;
    }

    /** A fresh key and self-signed certificate for localhost, and the certificate as PEM beside it. */
    private static Path selfSignedKeyStore(char[] password) throws IOException, InterruptedException {
        Files.createDirectories(GENERATED);
        Path store = GENERATED.resolve("localhost.p12");
        Path pem = GENERATED.resolve("localhost.pem");
        Files.deleteIfExists(store);
        Files.deleteIfExists(pem);
        String pass = new String(password);
        keytool("-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "365", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", pass);
        keytool("-exportcert", "-rfc", "-alias", "localhost", "-keystore", store.toString(),
                "-storepass", pass, "-file", pem.toString());
        System.out.println("generated a self-signed certificate for localhost: " + pem);
        return store;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        var command = new java.util.ArrayList<String>();
        command.add(tool.toString());
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
