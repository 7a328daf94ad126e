package dev.weft;

import dev.weft.core.Backend;
import dev.weft.core.BackendConfig;
import dev.weft.iocp.IocpBackend;
import dev.weft.uring.IoUringBackend;
import java.io.IOException;
import java.util.Locale;

/**
 * The one place that chooses a backend for the running OS, above the OS-free core (which never
 * names a backend). The system property {@code weft.backend} ("iocp" or "io_uring") overrides
 * the choice.
 */
final class Backends {
    static final String IOCP = "iocp";
    static final String IO_URING = "io_uring";

    private Backends() {
    }

    /** The backend name for this OS, or the {@code weft.backend} property when set. */
    static String defaultName() {
        String chosen = System.getProperty("weft.backend");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim().toLowerCase(Locale.ROOT);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.startsWith("windows") ? IOCP : IO_URING;
    }

    /**
     * Completion threads (io_uring: rings) when the builder was not told: the
     * {@code weft.completionThreads} property if set, else the backend's own default.
     */
    static int defaultCompletionThreads(String name) {
        Integer set = Integer.getInteger("weft.completionThreads");
        if (set != null) {
            return Math.max(1, set);
        }
        return name.equals(IO_URING) ? IoUringBackend.defaultRings() : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Opens the named backend.
     *
     * @throws IOException if the OS does not offer it (e.g. io_uring disabled by the kernel)
     */
    static Backend open(String name, BackendConfig config) throws IOException {
        String os = System.getProperty("os.name", "");
        return switch (name) {
            case IOCP -> {
                requireOs(os.toLowerCase(Locale.ROOT).startsWith("windows"), name, os);
                yield new IocpBackend(config);
            }
            case IO_URING -> {
                requireOs(os.toLowerCase(Locale.ROOT).startsWith("linux"), name, os);
                yield new IoUringBackend(config);
            }
            default -> throw new IllegalArgumentException(
                    "unknown backend '" + name + "': expected " + IOCP + " or " + IO_URING);
        };
    }

    private static void requireOs(boolean supported, String backend, String os) throws IOException {
        if (!supported) {
            throw new IOException("backend " + backend + " is not available on " + os);
        }
    }
}
