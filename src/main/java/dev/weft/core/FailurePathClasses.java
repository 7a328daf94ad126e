package dev.weft.core;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads every weft class when the first runtime opens, so that no failure path needs to load
 * one later. A class is loaded on its first use, and loading it from a class directory or jar
 * opens a file: in a process out of descriptors (EMFILE) that first use fails with
 * {@link NoClassDefFoundError}, typically on exactly the error paths (an accept that failed,
 * a wait that ended in an exception) that run only when things go wrong.
 *
 * <p>Classes are loaded, not initialized: a binding of the other OS is never linked. Runs once
 * per class loader; a failure to list the classes only costs the protection, never the runtime.
 */
public final class FailurePathClasses {
    private static final Object LOCK = new Object();
    private static volatile boolean loaded;

    private FailurePathClasses() {
    }

    /** Loads every class of weft's own packages, once. */
    public static void loadAll() {
        if (loaded) {
            return;
        }
        synchronized (LOCK) {
            if (loaded) {
                return;
            }
            ClassLoader loader = FailurePathClasses.class.getClassLoader();
            for (String name : weftClassNames()) {
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError skipped) {
                    // not loadable here (e.g. a stale file): nothing could use it either
                }
            }
            loaded = true;
        }
    }

    private static List<String> weftClassNames() {
        List<String> names = new ArrayList<>();
        CodeSource source = FailurePathClasses.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return names;
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                Path root = location.resolve("dev").resolve("weft");
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(f -> f.toString().endsWith(".class"))
                            .forEach(f -> names.add(className(location.relativize(f).toString())));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith("dev/weft/") && entry.endsWith(".class")) {
                            names.add(className(entry));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException unlisted) {
            // e.g. a custom image without files: its classes do not open files when loaded
        }
        return names;
    }

    private static String className(String path) {
        String name = path.substring(0, path.length() - ".class".length());
        return name.replace('\\', '/').replace('/', '.');
    }
}
