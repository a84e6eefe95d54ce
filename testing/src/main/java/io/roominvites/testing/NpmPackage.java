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
 * An npm package the tests run, pinned by a {@code package.json} + {@code package-lock.json} in the repository
 * ({@code testing/ses-emulator}, {@code testing/oidc-verifier}): {@code npm ci --no-audit --no-fund} runs there when
 * {@code node_modules/<name>} is missing or not the pinned version, serialised across threads and JVMs (parallel
 * module builds) by a file lock.
 */
public final class NpmPackage {
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  private static final int TAIL_LINES = 60;
  private static final Object INSTALL_LOCK = new Object();

  private NpmPackage() {
  }

  /** Installs the folder's locked dependencies unless {@code name} is already there at {@code version}. */
  public static void ensureInstalled(Path dir, String name, String version, String npm) {
    synchronized (INSTALL_LOCK) {
      if (installed(dir, name, version)) {
        return;
      }
      Path lockFile = Path.of(System.getProperty("java.io.tmpdir"))
          .resolve("room-invites-npm-" + Integer.toHexString(dir.hashCode()) + ".lock");
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock(); // other JVMs (parallel module builds) wait here
        try {
          if (!installed(dir, name, version)) {
            runNpmCi(dir, npm);
          }
        } finally {
          lock.release();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not lock " + lockFile + " for npm ci", e);
      }
      if (!installed(dir, name, version)) {
        throw new IllegalStateException("npm ci in " + dir + " did not install " + name + " " + version);
      }
    }
  }

  /** {@code npm} from the PATH ({@code npm.cmd} on Windows). */
  /** {@code relative} (e.g. {@code testing/axe}) found walking up from the working directory, or null. */
  public static Path findUp(String relative) {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve(relative);
      if (java.nio.file.Files.isRegularFile(candidate.resolve("package.json"))) {
        return candidate;
      }
    }
    return null;
  }

  public static String defaultNpm() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "npm.cmd" : "npm";
  }

  /** Whether {@code dir/node_modules/<name>} is installed at {@code version}. */
  public static boolean installed(Path dir, String name, String version) {
    Path packageJson = dir.resolve("node_modules").resolve(name).resolve("package.json");
    if (!Files.isRegularFile(packageJson)) {
      return false;
    }
    try {
      return version.equals(Json.string(Json.parseObject(Files.readString(packageJson)), "version"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void runNpmCi(Path dir, String npm) {
    List<String> command = List.of(npm, "ci", "--no-audit", "--no-fund");
    Path log;
    try {
      log = Files.createTempFile("npm-ci", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Process process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
              System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null")))
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
          + " (is npm on the PATH?)", e);
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

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e + ")";
    }
  }
}
