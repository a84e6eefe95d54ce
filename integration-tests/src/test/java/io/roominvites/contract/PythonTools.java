package io.roominvites.contract;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python tools some contract tests drive as a second opinion on AWS: {@code moto_server} (moto 5.2.1) and the SAM
 * translator ({@code aws-sam-translator}, what {@code sam validate} runs). Each is looked for on this machine; a test
 * that needs a missing one is SKIPPED (a JUnit assumption) with {@link #missing} as its reason, never passed.
 */
final class PythonTools {
    private PythonTools() {
    }

    /**
     * An executable: -D{@code property}, else ${@code envVariable}, else the first {@code name} on the PATH; null when
     * there is none (or the one configured is not an executable file).
     */
    static String executable(String property, String envVariable, String name) {
        String configured = System.getProperty(property, System.getenv(envVariable));
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** python3 (-Dpython3, $PYTHON3, the PATH's) when it imports {@code module}; else null. */
    static String python3With(String module) {
        String python = executable("python3", "PYTHON3", "python3");
        if (python == null) {
            return null;
        }
        Run r = run(List.of(python, "-c", "import " + module), null, 60);
        return r != null && r.exit() == 0 ? python : null;
    }

    /** The reason a test is skipped when {@code what} is not here, with how to provide it. */
    static String missing(String what, String install) {
        return "SKIPPED: " + what + " is not installed here (" + install + "); this check did not run";
    }

    record Run(int exit, String stdout, String stderr) {
    }

    /** Runs a command to its end (stdin from {@code input}, or none); null when it could not start or timed out. */
    static Run run(List<String> command, String input, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("py-out", ".txt");
            Path err = Files.createTempFile("py-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                try (var stdin = p.getOutputStream()) {
                    if (input != null) {
                        stdin.write(input.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    return null;
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
