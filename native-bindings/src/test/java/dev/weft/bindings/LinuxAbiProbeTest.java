package dev.weft.bindings;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves that every struct layout and constant in {@code dev.weft.bindings.linux} matches the
 * kernel and glibc headers: compiles {@code native-bindings/probe/linux/abi_probe.c} with gcc,
 * runs it, and compares each value the Java side declares with the probe's line of that name.
 *
 * <p>Coverage is mechanical: the Java values are found by reflection over every class of the
 * package (struct classes by their {@code layout()} method, constants as public static final
 * primitive fields), so a new field or constant without a probe line fails here.
 */
class LinuxAbiProbeTest {
    private static final String PACKAGE = "dev.weft.bindings.linux";

    private static Map<String, Long> probe;

    @BeforeAll
    static void runProbe() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux ABI probe runs on Linux");
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path source = base.resolve("native-bindings/probe/linux/abi_probe.c");
        Path target = base.resolve("target");
        Files.createDirectories(target);
        Path binary = target.resolve("abi_probe_linux");
        run(List.of("gcc", "-std=gnu11", "-Wall", "-Werror", "-o", binary.toString(), source.toString()));
        probe = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            assertThat(parts).as("probe line '%s'", line).hasSize(2);
            assertThat(probe.put(parts[0], Long.parseLong(parts[1]))).as("duplicate probe line %s", parts[0]).isNull();
        }
    }

    @Test
    void everyStructSizeAndFieldMatchesTheHeaders() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        for (Class<?> type : bindingClasses()) {
            StructLayout layout = structLayoutOf(type);
            if (layout != null) {
                String struct = layout.name().orElseThrow(() -> new AssertionError(type + " layout has no name"));
                java.put("sizeof(" + struct + ")", layout.byteSize());
                fields(struct, layout, 0, java);
            }
        }
        assertThat(java).as("struct layouts found by reflection").containsKey("sizeof(io_uring_sqe)");
        assertMatchesProbe(java);
    }

    @Test
    void everyConstantMatchesTheHeaders() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        for (Class<?> type : bindingClasses()) {
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)
                        && field.getType().isPrimitive()) {
                    assertThat(java.put(field.getName(), ((Number) field.get(null)).longValue()))
                            .as("constant %s declared twice", field.getName()).isNull();
                }
            }
        }
        assertThat(java).as("constants found by reflection").containsKeys("IORING_OP_RECV", "ECONNRESET", "AF_INET6");
        assertMatchesProbe(java);
    }

    private static void assertMatchesProbe(Map<String, Long> java) {
        List<String> problems = new ArrayList<>();
        java.forEach((name, value) -> {
            Long c = probe.get(name);
            if (c == null) {
                problems.add(name + ": not printed by abi_probe.c (add it there)");
            } else if (c.longValue() != value) {
                problems.add(name + ": java " + value + ", headers " + c);
            }
        });
        assertThat(problems).as("bindings that disagree with the kernel/glibc headers").isEmpty();
    }

    /** Records offset and size of every named member; anonymous unions ($anon$...) are flattened. */
    private static void fields(String struct, GroupLayout group, long base, Map<String, Long> out) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            long at = base + (group instanceof StructLayout ? offset : 0);
            if (!(member instanceof PaddingLayout)) {
                String name = member.name().orElseThrow(() -> new AssertionError("unnamed member in " + struct));
                if (name.startsWith("$anon$") && member instanceof GroupLayout inner) {
                    fields(struct, inner, at, out);
                } else {
                    out.put("offsetof(" + struct + "." + name + ")", at);
                    out.put("sizeof(" + struct + "." + name + ")", member.byteSize());
                }
            }
            offset += member.byteSize();
        }
    }

    private static StructLayout structLayoutOf(Class<?> type) throws ReflectiveOperationException {
        try {
            Method m = type.getMethod("layout");
            return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == StructLayout.class
                    ? (StructLayout) m.invoke(null) : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Every top-level class of the bindings package, found on the class path. */
    private static List<Class<?>> bindingClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        URL url = LinuxAbiProbeTest.class.getClassLoader().getResource(PACKAGE.replace('.', '/'));
        assertThat(url).as("package %s on the class path", PACKAGE).isNotNull();
        assertThat(url.getProtocol()).as("bindings compiled to a directory").isEqualTo("file");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    classes.add(Class.forName(PACKAGE + "." + name.substring(0, name.length() - 6)));
                }
            }
        }
        assertThat(classes).as("binding classes").isNotEmpty();
        return classes;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", command, out).isZero();
        return out;
    }
}
