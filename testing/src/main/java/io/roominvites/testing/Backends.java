package io.roominvites.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * Which backends the integration tests run against.
 *
 * <p>System property {@code backends}: {@code emulators}, {@code localstack} or {@code all} (the
 * default). The emulator backend always runs; LocalStack only where {@code
 * DockerClientFactory.instance().isDockerAvailable()} is true.
 *
 * <p>For a test class: {@code @ForEachBackend} (which uses {@link #all()} as its
 * {@code @MethodSource}), or directly {@code @ParameterizedClass @MethodSource(
 * "io.roominvites.testing.Backends#all") @ExtendWith(BackendAvailability.class)}.
 */
public final class Backends {

  public static final String SELECTION_PROPERTY = "backends";

  private static final Lazy<Boolean> DOCKER_AVAILABLE = new Lazy<>(Backends::askDocker);
  private static final AtomicBoolean SKIP_REASON_PRINTED = new AtomicBoolean();

  private Backends() {}

  /** The selection from {@code -Dbackends=emulators|localstack|all} (default all). */
  public enum Selection {
    EMULATORS,
    LOCALSTACK,
    ALL;

    boolean includesEmulators() {
      return this != LOCALSTACK;
    }

    boolean includesLocalStack() {
      return this != EMULATORS;
    }

    public static Selection current() {
      String value = System.getProperty(SELECTION_PROPERTY, "all").trim().toLowerCase(Locale.ROOT);
      return switch (value) {
        case "", "all" -> ALL;
        case "emulators", "emulator" -> EMULATORS;
        case "localstack" -> LOCALSTACK;
        default ->
            throw new IllegalArgumentException(
                "-D" + SELECTION_PROPERTY + "=" + value + ": expected emulators, localstack or all");
      };
    }
  }

  /** The backends that can run here, in the selection: never a placeholder. */
  public static List<Backend> available() {
    Selection selection = Selection.current();
    List<Backend> backends = new ArrayList<>();
    if (selection.includesEmulators()) {
      backends.add(EmulatorBackend.shared());
    }
    if (selection.includesLocalStack() && isDockerAvailable()) {
      backends.add(LocalStackBackend.shared());
    }
    return List.copyOf(backends);
  }

  /**
   * Source for {@code @ParameterizedClass @MethodSource}: every selected backend, where LocalStack
   * without Docker is a placeholder whose tests are reported as skipped with {@link
   * #localStackSkipReason()} (printed once to stderr as well).
   */
  public static Stream<Backend> all() {
    Selection selection = Selection.current();
    List<Backend> backends = new ArrayList<>();
    if (selection.includesEmulators()) {
      backends.add(EmulatorBackend.shared());
    }
    if (selection.includesLocalStack()) {
      String reason = localStackSkipReason();
      if (reason == null) {
        backends.add(LocalStackBackend.shared());
      } else {
        if (SKIP_REASON_PRINTED.compareAndSet(false, true)) {
          System.err.println("[room-invites testing] " + reason);
        }
        backends.add(new UnavailableBackend(LocalStackBackend.NAME, reason));
      }
    }
    return backends.stream();
  }

  /** Why the LocalStack backend cannot run here, or null when it can. */
  public static String localStackSkipReason() {
    if (isDockerAvailable()) {
      return null;
    }
    return "LocalStack backend skipped: no Docker engine reachable"
        + " (DockerClientFactory.isDockerAvailable() = false)";
  }

  /**
   * {@code DockerClientFactory.instance().isDockerAvailable()}, computed once per JVM; anything it
   * throws counts as false.
   */
  public static boolean isDockerAvailable() {
    return DOCKER_AVAILABLE.get();
  }

  private static boolean askDocker() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * A name unique to this JVM run for tables etc.: {@code <prefix>-<8 hex chars>}, restricted to
   * characters DynamoDB table names allow.
   */
  public static String uniqueName(String prefix) {
    String clean = prefix.replaceAll("[^A-Za-z0-9_.-]", "-");
    return clean + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** {@link #uniqueName(String)} from a test class's simple name. */
  public static String uniqueName(Class<?> testClass) {
    return uniqueName(testClass.getSimpleName());
  }
}
