package io.roominvites.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Installs a pinned npm package the tests need ({@code npm ci} in a folder holding a package.json and a
 * package-lock.json), once: skipped when {@code node_modules/<package>} is already at the pinned version,
 * and serialised across threads and JVMs (parallel module builds) by a file lock.
 */
public final class NpmInstall {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final int TAIL_LINES = 60;
    private static final Object LOCK = new Object();

    private NpmInstall() {
    }

    /**
     * Makes sure {@code dir/node_modules/<packageName>} is {@code version}, running {@code npm ci} there when not.
     * @param npmProperty the system property that names another npm executable, quoted in the error when npm is missing
     */
    public static void ensure(Path dir, String packageName, String version, String npm, String npmProperty) {
        synchronized (LOCK) {
            if (installedVersionOk(dir, packageName, version)) {
                return;
            }
            Path lockFile = Path.of(System.getProperty("java.io.tmpdir"))
                    .resolve("room-invites-npm-" + Integer.toHexString(dir.toAbsolutePath().hashCode()) + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock(); // other JVMs wait here
                try {
                    if (!installedVersionOk(dir, packageName, version)) {
                        runNpmCi(dir, npm, npmProperty);
                    }
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not lock " + lockFile + " for npm ci", e);
            }
            if (!installedVersionOk(dir, packageName, version)) {
                throw new IllegalStateException("npm ci in " + dir + " did not install " + packageName + " " + version);
            }
        }
    }

    /** The default npm executable for this OS. */
    public static String npm() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "npm.cmd" : "npm";
    }

    /** {@code relative} (e.g. {@code testing/axe}) found walking up from the working directory, or null. */
    public static Path findUp(String relative) {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        return null;
    }

    static boolean installedVersionOk(Path dir, String packageName, String version) {
        Path packageJson = dir.resolve("node_modules").resolve(packageName).resolve("package.json");
        if (!Files.isRegularFile(packageJson)) {
            return false;
        }
        try {
            return version.equals(Json.string(Json.parseObject(Files.readString(packageJson)), "version"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void runNpmCi(Path dir, String npm, String npmProperty) {
        List<String> command = List.of(npm, "ci", "--no-audit", "--no-fund");
        Path log;
        try {
            log = Files.createTempFile("room-invites-npm-ci", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            if (!process.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("`" + String.join(" ", command) + "` in " + dir + " timed out after "
                        + NPM_TIMEOUT.toMinutes() + " min:\n" + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("`" + String.join(" ", command) + "` in " + dir + " failed with exit code "
                        + process.exitValue() + ":\n" + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run `" + String.join(" ", command) + "` in " + dir
                    + " (is npm on the PATH? set -D" + npmProperty + "=/path/to/npm)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during npm ci", e);
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no output: " + e + ")";
        }
    }
}
