package dev.weft.realclients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.WeftSocketFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL JDBC driver, unchanged, over weft: the only change is the {@code socketFactory}
 * connection property naming {@link WeftSocketFactory}, which the driver instantiates by class
 * name. Against the real server of .ci/real-servers.sh.
 */
@Tag("real-servers")
class PostgresJdbcOverWeftTest {
    private static final int THREADS = 200;
    private static final int QUERIES_PER_THREAD = 25;

    private static Connection connect(boolean overWeft) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("connectTimeout", "30");
        properties.setProperty("socketTimeout", "60");
        if (overWeft) {
            properties.setProperty("socketFactory", "dev.weft.WeftSocketFactory");
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://" + RealServers.HOST + ":" + RealServers.POSTGRES_PORT + "/postgres", properties);
    }

    /** Each thread's queries, every result checked; returns how many ran. */
    private static int queries(Connection connection, int thread) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT ?::int * 2, md5(?::text), repeat('x', ?::int)")) {
            for (int q = 0; q < QUERIES_PER_THREAD; q++) {
                int n = thread * 1000 + q;
                String text = "weft-" + n;
                statement.setInt(1, n);
                statement.setString(2, text);
                statement.setInt(3, q * 100);
                try (ResultSet row = statement.executeQuery()) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getInt(1)).isEqualTo(2 * n);
                    assertThat(row.getString(2)).isEqualTo(md5Hex(text));
                    assertThat(row.getString(3)).hasSize(q * 100).matches("x*");
                    assertThat(row.next()).isFalse();
                }
            }
        }
        return QUERIES_PER_THREAD;
    }

    @Test
    void twoHundredVirtualThreadsQueryOnTheirOwnWeftConnections() throws Exception {
        CyclicBarrier allConnected = new CyclicBarrier(THREADS);
        List<Integer> counts = RealServers.onVirtualThreads(THREADS, thread -> {
            try (Connection connection = connect(true)) {
                allConnected.await(60, TimeUnit.SECONDS);
                if (thread == 0) {
                    // every one of the 200 connections is open now, each a weft socket
                    assertThat(WeftSocketFactory.sharedRuntime().openHandles()).isGreaterThanOrEqualTo(THREADS);
                }
                try (var table = connection.createStatement()) {
                    table.execute("CREATE TEMP TABLE t (id int primary key, v text)");
                    table.execute("INSERT INTO t SELECT g, 'row' || g FROM generate_series(1, 100) g");
                    try (ResultSet sum = table.executeQuery("SELECT count(*), sum(id) FROM t")) {
                        assertThat(sum.next()).isTrue();
                        assertThat(sum.getLong(1)).isEqualTo(100);
                        assertThat(sum.getLong(2)).isEqualTo(5050);
                    }
                }
                return queries(connection, thread);
            }
        });
        assertThat(counts).hasSize(THREADS).containsOnly(QUERIES_PER_THREAD);
    }

    @Test
    void sideBySideWithTheJdkSockets() throws Exception {
        for (int round = 1; round <= 2; round++) { // the first round warms up both
            for (boolean overWeft : new boolean[] {true, false}) {
                long start = System.nanoTime();
                List<Integer> counts = RealServers.onVirtualThreads(THREADS, thread -> {
                    try (Connection connection = connect(overWeft)) {
                        return queries(connection, thread);
                    }
                });
                long nanos = System.nanoTime() - start;
                assertThat(counts).containsOnly(QUERIES_PER_THREAD);
                if (round == 2) {
                    RealServers.rate("postgres queries, " + THREADS + " threads, connect+" + QUERIES_PER_THREAD
                            + " queries each, " + (overWeft ? "weft" : "JDK"), (long) THREADS * QUERIES_PER_THREAD, nanos);
                }
            }
        }
    }

    private static String md5Hex(String text) throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest);
    }
}
