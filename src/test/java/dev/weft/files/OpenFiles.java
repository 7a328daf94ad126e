package dev.weft.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kernel's view of which files this process holds open (Linux: /proc/self/fd), as a JUnit
 * extension that fails a test leaving a descriptor into its directory. Register it before
 * {@link dev.weft.reliability.LeakCheck} (a lower {@code @Order}): extensions registered first
 * run their after-each last, so the files LeakCheck closes are closed by then. A released weft
 * file closes its descriptor only after its last completion, so the check waits a little.
 */
final class OpenFiles implements AfterEachCallback {
    private final Supplier<Path> dir;

    /** @param dir the test's directory, read after the test (a {@code @TempDir} field) */
    OpenFiles(Supplier<Path> dir) {
        this.dir = dir;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        assertNoneUnder(dir.get());
    }

    /** Fails if a descriptor of this process still points under {@code dir}; does nothing without /proc. */
    static void assertNoneUnder(Path dir) throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return; // Windows: the runtime's handle count (LeakCheck) is the check there
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> open = under(fds, dir.toRealPath());
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            open = under(fds, dir.toRealPath());
        }
        assertThat(open).as("descriptors still open into %s", dir).isEmpty();
    }

    /** Paths of the descriptors under {@code dir} (e.g. to count those a test opened). */
    static List<String> under(Path fds, Path dir) throws IOException {
        try (Stream<Path> links = Files.list(fds)) {
            return links.map(OpenFiles::target).filter(t -> t.startsWith(dir.toString())).toList();
        }
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException gone) {
            return ""; // closed while listed
        }
    }
}
