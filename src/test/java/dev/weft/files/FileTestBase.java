package dev.weft.files;

import dev.weft.WeftRuntime;
import dev.weft.reliability.LeakCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the file contract tests share: a fresh runtime per test whose stats and descriptors
 * {@link LeakCheck} checks afterwards, and a fresh directory that {@link ScratchDirectory} checks
 * for open files and deletes after that (registered first, so it runs its after-each last).
 */
abstract class FileTestBase {
    @RegisterExtension
    @Order(1)
    final ScratchDirectory scratch = new ScratchDirectory();

    @RegisterExtension
    @Order(2)
    final LeakCheck leaks = new LeakCheck();

    WeftRuntime weft;
    Path dir;

    @BeforeEach
    final void runtimeAndDirectory() {
        weft = leaks.runtime();
        dir = scratch.path();
    }
}
