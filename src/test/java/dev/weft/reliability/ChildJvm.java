package dev.weft.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a child JVM (the same java, the same classpath),
 * for tests that need a process of their own: a JVM-wide switch, or a low descriptor limit.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The result of a finished child: exit code and everything it printed. */
    record Result(int exitCode, String output) {
    }

    /** The java command line for {@code mainClass} with {@code jvmOptions} and {@code args}. */
    static List<String> command(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code command}, its output (stdout and stderr) going to {@code log}. */
    static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs {@code command} to its end (killing it after {@code timeoutSeconds}). */
    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("weft-child", ".log");
        try {
            Process process = start(command, log);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, Files.readString(log) + "\n[killed after " + timeoutSeconds + " s]");
            }
            return new Result(process.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
