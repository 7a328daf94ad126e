package dev.weft.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.bindings.windows.Kernel32;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the hand-written Windows bindings against the C compiler's view of the same headers.
 *
 * <p>Runs on a Windows JVM (the Windows lane, under Wine): it runs the mingw-w64-built probe
 * (native-bindings/probe/windows/build.sh) named by the system property {@value #PROBE_PROPERTY}
 * and compares every line with the Java side. Coverage is mechanical: every public constant of
 * every top-level class in {@code dev.weft.bindings.windows}, and every named member of every
 * struct layout there, must have a probe line, so a binding added without a probe entry fails.
 */
class WindowsAbiProbeTest {
    static final String PROBE_PROPERTY = "weft.windowsProbe";
    private static final String PACKAGE = "dev.weft.bindings.windows";
    /** Classes with no C header behind them: the FFM call-state layout and the type aliases. */
    private static final Set<String> NOT_FROM_HEADERS = Set.of("CallState", "WinTypes");

    private static Map<String, String> probe;

    @BeforeAll
    static void runProbe() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Windows"),
                "the Windows ABI probe runs only on Windows");
        String exe = System.getProperty(PROBE_PROPERTY);
        if (exe == null || exe.isBlank()) {
            fail("system property " + PROBE_PROPERTY + " must name abi_probe.exe "
                    + "(built by native-bindings/probe/windows/build.sh)");
        }
        Process process = new ProcessBuilder(exe).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, process.exitValue(), "probe exit code; output:\n" + output);
        probe = new LinkedHashMap<>();
        for (String line : output.split("\r?\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            assertTrue(space > 0, "bad probe line: " + line);
            probe.put(line.substring(0, space), line.substring(space + 1).strip());
        }
    }

    @Test
    void everyStructLayoutMatchesTheHeaders() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : bindingClasses()) {
            Method layoutMethod = layoutMethod(type);
            if (layoutMethod == null) {
                continue;
            }
            GroupLayout layout = (GroupLayout) layoutMethod.invoke(null);
            String struct = layout.name().orElseThrow(() -> new AssertionError(type + " layout has no name"));
            checked += compare(struct + ".sizeof", layout.byteSize(), problems);
            for (MemoryLayout member : layout.memberLayouts()) {
                if (member instanceof PaddingLayout) {
                    continue;
                }
                String field = member.name().orElseThrow(
                        () -> new AssertionError(struct + " has an unnamed member " + member));
                long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
                checked += compare(struct + "." + field, offset, problems);
            }
        }
        assertTrue(problems.isEmpty(), "struct layouts differ from the probe:\n" + String.join("\n", problems));
        assertTrue(checked > 30, "too few struct facts checked: " + checked);
    }

    @Test
    void everyConstantMatchesTheHeaders() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : bindingClasses()) {
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !Modifier.isFinal(m)) {
                    continue;
                }
                Class<?> t = field.getType();
                if (!t.isPrimitive() && t != String.class) {
                    continue; // layouts, offsets' owners, method handles: not header constants
                }
                if (field.getName().endsWith("$OFFSET")) {
                    continue; // struct offsets are checked through the layouts
                }
                String name = field.getName();
                String expected = probe.get(name);
                checked++;
                if (expected == null) {
                    problems.add(type.getSimpleName() + "." + name + ": no probe line (add it to abi_probe.c)");
                } else if (!sameValue(field.get(null), expected)) {
                    problems.add(type.getSimpleName() + "." + name + " = " + field.get(null) + ", header says " + expected);
                }
            }
        }
        assertTrue(problems.isEmpty(), "constants differ from the probe:\n" + String.join("\n", problems));
        assertTrue(checked > 50, "too few constants checked: " + checked);
    }

    private static int compare(String key, long javaValue, List<String> problems) {
        String expected = probe.get(key);
        if (expected == null) {
            problems.add(key + ": no probe line (add it to abi_probe.c)");
        } else if (Long.parseLong(expected) != javaValue) {
            problems.add(key + ": Java " + javaValue + ", header " + expected);
        }
        return 1;
    }

    /** Equal as C values: a Java int may hold an unsigned DWORD that the probe prints positive. */
    private static boolean sameValue(Object javaValue, String probed) {
        return switch (javaValue) {
            case String s -> s.equalsIgnoreCase(probed);
            case Long l -> l == Long.parseLong(probed);
            case Integer i -> matches(Long.parseLong(probed), i, Integer.toUnsignedLong(i));
            case Short s -> matches(Long.parseLong(probed), s, Short.toUnsignedLong(s));
            case Byte b -> matches(Long.parseLong(probed), b, Byte.toUnsignedLong(b));
            default -> false;
        };
    }

    private static boolean matches(long probed, long signed, long unsigned) {
        return probed == signed || probed == unsigned;
    }

    private static Method layoutMethod(Class<?> type) {
        try {
            Method m = type.getDeclaredMethod("layout");
            return Modifier.isStatic(m.getModifiers()) && GroupLayout.class.isAssignableFrom(m.getReturnType())
                    ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Every top-level class of the bindings package, found where Kernel32.class was loaded from. */
    private static List<Class<?>> bindingClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        URI location = Kernel32.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path root = Path.of(location);
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(root)) {
            collect(root.resolve(PACKAGE.replace('.', '/')), names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                collect(jar.getPath(PACKAGE.replace('.', '/')), names);
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            if (!NOT_FROM_HEADERS.contains(name)) {
                classes.add(Class.forName(PACKAGE + "." + name));
            }
        }
        assertTrue(classes.size() >= 10, "found too few binding classes: " + names);
        return classes;
    }

    private static void collect(Path dir, Set<String> names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
        }
    }
}
