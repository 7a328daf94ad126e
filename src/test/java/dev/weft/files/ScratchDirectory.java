package dev.weft.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh directory per test, and after the test the kernel's word that no file in it is still
 * open: on Linux no descriptor of this process points into it (/proc/self/fd); everywhere the
 * directory must then delete, which on Windows fails while a handle to a file in it is open.
 *
 * <p>Register it before {@link dev.weft.reliability.LeakCheck} (a lower {@code @Order}):
 * extensions registered first run their after-each last, so the files LeakCheck closes are
 * closed by then. Not JUnit's {@code @TempDir}: its random name comes from SecureRandom, whose
 * seeding asks NetworkInterface, which crashes the Windows JDK under Wine.
 */
final class ScratchDirectory implements BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Path path;

    /** This test's directory. */
    Path path() {
        return path;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        String name = "weft-files-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        path = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), name));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            assertNoDescriptorUnder(path);
        } finally {
            deleteTree(path);
        }
    }

    /** Fails if a descriptor of this process still points under {@code dir}; nothing to check without /proc. */
    private static void assertNoDescriptorUnder(Path dir) throws Exception {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return;
        }
        // A closed weft file keeps its descriptor until its last completion: allow a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> open = under(fds, dir.toRealPath());
        while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
            open = under(fds, dir.toRealPath());
        }
        assertThat(open).as("descriptors still open into %s", dir).isEmpty();
    }

    private static List<String> under(Path fds, Path dir) throws IOException {
        try (Stream<Path> links = Files.list(fds)) {
            return links.map(ScratchDirectory::target).filter(t -> t.startsWith(dir.toString())).toList();
        }
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException gone) {
            return ""; // closed while listed
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true); // a test made it read-only
                Files.delete(p);
            }
        }
    }
}
