package dev.weft.contract;

import java.util.Locale;

/**
 * The backend the contract suite expects {@code WeftRuntime.open()} to pick: the
 * {@code weft.backend} property when set (the Windows lane passes {@code -Dweft.backend=iocp}),
 * otherwise the OS's own. Worked out here, independently of the library's own choice, so that a
 * wrong choice fails {@code runsOnTheBackendOfThisPlatform}.
 */
final class ExpectedBackend {
    private ExpectedBackend() {
    }

    static String name() {
        String chosen = System.getProperty("weft.backend");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim().toLowerCase(Locale.ROOT);
        }
        return isWindows() ? "iocp" : "io_uring";
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
