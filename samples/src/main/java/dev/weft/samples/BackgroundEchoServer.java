package dev.weft.samples;

/** Runs an echo sample in this JVM, on a daemon thread, for the probes that measure beside it. */
final class BackgroundEchoServer {
    private BackgroundEchoServer() {
    }

    /**
     * Starts {@link EchoServer} (or, with {@code jdk}, {@link JdkEchoServer}) on {@code port};
     * ends the JVM if it fails.
     */
    static void start(String port, boolean jdk) {
        Thread.ofPlatform().daemon().name("echo-server").start(() -> {
            try {
                if (jdk) {
                    JdkEchoServer.main(new String[] {port});
                } else {
                    EchoServer.main(new String[] {port});
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        });
    }
}
