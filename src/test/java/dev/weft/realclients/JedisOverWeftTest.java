package dev.weft.realclients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftSocketFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Jedis, unchanged, over weft: Jedis takes its sockets from a {@link JedisSocketFactory}, here
 * one that asks {@link WeftSocketFactory} for them. Against the real redis-server of
 * .ci/real-servers.sh.
 */
@Tag("real-servers")
class JedisOverWeftTest {
    private static final int THREADS = 100;
    private static final int KEYS_PER_THREAD = 100; // 10,000 keys in all

    private static final WeftSocketFactory WEFT = new WeftSocketFactory();

    /** Jedis's socket hook, filled by weft's factory as Jedis's own default fills it. */
    private static Jedis overWeft() {
        JedisSocketFactory sockets = () -> {
            try {
                Socket socket = WEFT.createSocket();
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                socket.connect(new InetSocketAddress(RealServers.HOST, RealServers.REDIS_PORT), 30_000);
                socket.setSoTimeout(60_000);
                return socket;
            } catch (java.io.IOException e) {
                throw new JedisConnectionException("weft connect to redis failed", e);
            }
        };
        return new Jedis(sockets);
    }

    private static Jedis overJdk() {
        return new Jedis(RealServers.HOST, RealServers.REDIS_PORT, 60_000);
    }

    /** SET then GET of this thread's keys, every value checked; returns the operations done. */
    private static int setAndGet(Jedis jedis, String prefix, int thread) {
        for (int k = 0; k < KEYS_PER_THREAD; k++) {
            String key = prefix + ":" + thread + ":" + k;
            assertThat(jedis.set(key, "value-" + key + "-" + "v".repeat(k))).isEqualTo("OK");
        }
        for (int k = 0; k < KEYS_PER_THREAD; k++) {
            String key = prefix + ":" + thread + ":" + k;
            assertThat(jedis.get(key)).isEqualTo("value-" + key + "-" + "v".repeat(k));
        }
        return 2 * KEYS_PER_THREAD;
    }

    @Test
    void tenThousandKeysFromOneHundredVirtualThreadsOverWeft() throws Exception {
        int handlesBefore = WeftSocketFactory.sharedRuntime().openHandles();
        List<Integer> done = RealServers.onVirtualThreads(THREADS, thread -> {
            try (Jedis jedis = overWeft()) {
                assertThat(jedis.ping()).isEqualTo("PONG");
                assertThat(WeftSocketFactory.sharedRuntime().openHandles()).isGreaterThan(handlesBefore);
                return setAndGet(jedis, "weft", thread);
            }
        });
        assertThat(done).hasSize(THREADS).containsOnly(2 * KEYS_PER_THREAD);
        try (Jedis check = overJdk()) { // read back through the JDK's sockets too
            assertThat(check.get("weft:42:7")).isEqualTo("value-weft:42:7-vvvvvvv");
            assertThat(check.keys("weft:*")).hasSize(THREADS * KEYS_PER_THREAD);
        }
    }

    @Test
    void sideBySideWithTheJdkSockets() throws Exception {
        for (int round = 1; round <= 2; round++) {
            for (boolean weft : new boolean[] {true, false}) {
                String prefix = (weft ? "bench-weft" : "bench-jdk") + round;
                long start = System.nanoTime();
                List<Integer> done = RealServers.onVirtualThreads(THREADS, thread -> {
                    try (Jedis jedis = weft ? overWeft() : overJdk()) {
                        return setAndGet(jedis, prefix, thread);
                    }
                });
                long nanos = System.nanoTime() - start;
                assertThat(done).containsOnly(2 * KEYS_PER_THREAD);
                if (round == 2) {
                    RealServers.rate("redis SET+GET, " + THREADS + " threads x " + KEYS_PER_THREAD + " keys, "
                            + (weft ? "weft" : "JDK"), (long) THREADS * 2 * KEYS_PER_THREAD, nanos);
                }
            }
        }
    }
}
