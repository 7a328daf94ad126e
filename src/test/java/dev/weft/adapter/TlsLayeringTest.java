package dev.weft.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS layered over weft sockets the way Java layers it over any Socket:
 * {@code SSLSocketFactory.createSocket(weftSocket, host, port, autoClose)} on the client and
 * {@code createSocket(acceptedWeftSocket, null, autoClose)} in server mode. The key is a
 * self-signed certificate for localhost/127.0.0.1 kept with the tests (tls-test.p12), trusted
 * by both sides.
 */
class TlsLayeringTest extends AdapterTestBase {
    private static final char[] PASSWORD = "weft-test".toCharArray();

    private SSLContext tls;

    @BeforeEach
    void tlsContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsLayeringTest.class.getResourceAsStream("tls-test.p12")) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        // An explicitly seeded generator and an Ed25519 key (deterministic signatures): a
        // self-seeding SecureRandom crashes the Windows JDK under Wine (NetworkInterface).
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(System.nanoTime());
        tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), random);
    }

    /** A TLS client over a weft socket and a TLS server over the weft socket it accepted. */
    record TlsPair(SSLSocket client, Socket clientWeftSocket, SSLSocket server) {
    }

    TlsPair handshaken() throws Exception {
        ServerSocket listener = weftServer();
        Future<SSLSocket> serverSide = background("tls-server", () -> {
            Socket accepted = accept(listener);
            SSLSocket server = track((SSLSocket) tls.getSocketFactory().createSocket(accepted, null, true));
            server.setUseClientMode(false);
            server.startHandshake();
            return server;
        });
        Socket plain = weftClient(listener);
        SSLSocket client = track((SSLSocket) tls.getSocketFactory()
                .createSocket(plain, "localhost", listener.getLocalPort(), true));
        client.startHandshake();
        return new TlsPair(client, plain, await(serverSide));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 65_536, 1 << 20, 8 << 20})
    void bytesEchoOverTlsOnWeftSockets(int size) throws Exception {
        TlsPair pair = handshaken();
        Future<Void> echo = background("tls-echo", () -> {
            DataInputStream in = new DataInputStream(pair.server().getInputStream());
            int length = in.readInt();
            byte[] buffer = new byte[64 * 1024];
            var out = pair.server().getOutputStream();
            for (int left = length; left > 0; ) {
                int n = in.read(buffer, 0, Math.min(buffer.length, left));
                if (n < 0) {
                    throw new java.io.EOFException(left + " bytes short");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
            out.flush();
            // JSSE's close reads once more for the peer's close_notify, waiting up to SO_TIMEOUT
            // when one is set (as over JDK sockets); the client is not closing, so do not wait.
            pair.server().setSoTimeout(0);
            pair.server().close();
            return null;
        });
        byte[] sent = payload(size, 31L * size);
        Future<Void> writer = background("tls-writer", () -> {
            DataOutputStream out = new DataOutputStream(pair.client().getOutputStream());
            out.writeInt(size);
            out.write(sent);
            out.flush();
            return null;
        });
        byte[] received = pair.client().getInputStream().readNBytes(size);
        await(writer);
        await(echo);
        assertThat(received.length).isEqualTo(size);
        assertThat(pair.client().getInputStream().read()).as("the server's close_notify").isEqualTo(-1);
        assertThat(MessageDigest.getInstance("SHA-256").digest(received))
                .as("SHA-256 of %d bytes echoed over TLS", size)
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
    }

    @Test
    void theSessionIsNegotiatedAndClosingTlsClosesTheWeftSocket() throws Exception {
        TlsPair pair = handshaken();
        assertThat(pair.client().getSession().getProtocol()).startsWith("TLS");
        assertThat(pair.client().getSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost");
        pair.client().close();
        assertThat(pair.server().getInputStream().read()).as("server reads close_notify as end of stream").isEqualTo(-1);
        assertThat(pair.clientWeftSocket()).isInstanceOf(WeftSocket.class);
        assertThat(pair.clientWeftSocket().isClosed()).as("autoClose closed the weft socket").isTrue();
    }
}
