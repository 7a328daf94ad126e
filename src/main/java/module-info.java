/**
 * weft: blocking sockets for virtual threads over a completion-based core
 * (I/O completion ports on Windows, io_uring on Linux).
 *
 * <p>Only {@code dev.weft} is exported; the core, the backends and the native bindings are
 * implementation details.
 */
module dev.weft {
    exports dev.weft;
    // JFR events (dev.weft.jfr) for reads, writes, accepts and connects; jdk.jfr is in every JDK image
    requires jdk.jfr;
}
