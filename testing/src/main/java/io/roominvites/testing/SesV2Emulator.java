package io.roominvites.testing;

import io.roominvites.local.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SES v2 emulator: the npm package {@code aws-ses-v2-local}, pinned at {@value #PACKAGE_VERSION}
 * in {@code testing/ses-emulator/package.json} + {@code package-lock.json}, run as a node process on
 * a free loopback port.
 *
 * <p>What the emulator does (read from its 2.10.2 sources):
 *
 * <ul>
 *   <li>SES v2 REST API under {@code /v2/email/...}: CreateEmailTemplate, GetEmailTemplate,
 *       UpdateEmailTemplate, DeleteEmailTemplate, ListEmailTemplates, TestRenderEmailTemplate,
 *       GetAccount, SendEmail (Simple, Raw, Template by name/ARN/inline content) and SendBulkEmail.
 *       Templates are Handlebars without HTML escaping, like SES. Not the v1 template calls (only v1
 *       SendEmail/SendRawEmail).
 *   <li>Errors carry no SES error code the SDK maps (bodies look like {@code {"type":
 *       "NotFoundException", "message": ...}} or just {@code {"message": ...}}): go by HTTP status
 *       (400 bad request/already exists, 404 template not found, 403 missing Authorization).
 *   <li>{@code GET /store} returns {@code {"templates": {name: template}, "emails": [email...]}}
 *       (optional {@code ?since=<epoch seconds>}); each email is {@code {messageId, from, replyTo[],
 *       destination: {to[], cc[], bcc[]}, subject, body: {html?, text?}, attachments[],
 *       headers?: [{name, value}], at: <epoch seconds>}}. {@code POST /clear-store} wipes emails
 *       <em>and templates</em>. {@code GET /health-check} answers 200.
 *   <li>Everything is kept in the node process's memory only.
 * </ul>
 *
 * <p>{@link #stop()} / {@link #start()} simulate an SES outage: the process is killed and later
 * started again on the same port. Like real SES, the templates and the emails sent before the outage
 * survive it: they are read from the store before the kill, the templates are created again after
 * the restart, and {@link #emails()} keeps reporting the earlier emails.
 *
 * <p>{@link #clear()} does not call {@code /clear-store} (that would also delete templates other
 * tests rely on); it remembers a high-water mark instead. {@link #reset()} wipes everything.
 *
 * <p>Locating the package folder: system property {@code ses.emulator.dir}, else the first
 * {@code testing/ses-emulator/package.json} found walking up from the working directory. When its
 * {@code node_modules/aws-ses-v2-local} is missing or not {@value #PACKAGE_VERSION}, {@code npm ci
 * --no-audit --no-fund} runs there first (serialised across JVMs by a file lock). {@code node} and
 * {@code npm} come from the PATH unless {@code ses.emulator.node} / {@code ses.emulator.npm} name them.
 */
public final class SesV2Emulator implements AutoCloseable {

  public static final String PACKAGE_NAME = "aws-ses-v2-local";
  public static final String PACKAGE_VERSION = "2.10.2";

  static final String DIR_PROPERTY = "ses.emulator.dir";
  private static final String NODE_PROPERTY = "ses.emulator.node";
  private static final String NPM_PROPERTY = "ses.emulator.npm";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;
  private static final int TAIL_LINES = 60;
  /** Any value starting with "AWS" passes the emulator's auth check. */
  private static final String DUMMY_AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/ses/aws4_request, SignedHeaders=host,"
          + " Signature=0";

  /**
   * Preloaded into node: exits the emulator when its stdin pipe closes, i.e. when this JVM dies
   * without running shutdown hooks, so no orphaned emulator keeps the port.
   */
  private static final String WATCHDOG_JS =
      "process.stdin.on('end', () => process.exit(0));\n"
          + "process.stdin.on('error', () => process.exit(0));\n"
          + "process.stdin.resume();\n";

  private static final Lazy<SesV2Emulator> SHARED = new Lazy<>(SesV2Emulator::launchShared);

  private final Path dir;
  private final Path script;
  private final Path watchdog;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Deque<String> outputTail = new ArrayDeque<>();

  private int port;
  private Process process;
  private boolean closed;
  /** Emails of earlier processes of this emulator (before stop()), not yet cleared. */
  private final List<StoredEmail> carriedEmails = new ArrayList<>();
  /** Emails of the current process that clear() has hidden. */
  private int liveMark;
  /** Templates to create again after a restart (template JSON objects from /store). */
  private final List<Map<String, Object>> templatesToRestore = new ArrayList<>();

  private SesV2Emulator(Path dir) {
    this.dir = dir;
    ensureInstalled(dir);
    this.script = binScript(dir);
    this.watchdog = writeWatchdog();
  }

  /** Starts a new emulator on a free loopback port, using the package folder found as described. */
  public static SesV2Emulator launch() {
    return launch(locatePackageDir());
  }

  /** Starts a new emulator on a free loopback port from the given package folder. */
  public static SesV2Emulator launch(Path packageDir) {
    SesV2Emulator emulator = new SesV2Emulator(packageDir.toAbsolutePath().normalize());
    synchronized (emulator) {
      emulator.launchOnFreePort();
    }
    return emulator;
  }

  /** The JVM-wide emulator, started on first call and stopped by a shutdown hook. */
  public static SesV2Emulator shared() {
    return SHARED.get();
  }

  private static SesV2Emulator launchShared() {
    SesV2Emulator started = launch();
    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "ses-emulator-shutdown"));
    return started;
  }

  /** {@code http://127.0.0.1:<port>} (stays the same across {@link #stop()}/{@link #start()}). */
  public synchronized URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public synchronized int port() {
    return port;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Simulates an outage: kills the emulator process (its port then refuses connections). Templates
   * and sent emails are remembered for {@link #start()} / {@link #emails()}. No-op when stopped.
   */
  public synchronized void stop() {
    ensureOpen();
    if (!isRunning()) {
      return;
    }
    try {
      Map<String, Object> store = readStore();
      List<StoredEmail> live = parseEmails(store);
      carriedEmails.addAll(live.subList(Math.min(liveMark, live.size()), live.size()));
      templatesToRestore.clear();
      for (Object template : Json.object(store, "templates").values()) {
        if (template instanceof Map<?, ?> map) {
          @SuppressWarnings("unchecked")
          Map<String, Object> t = (Map<String, Object>) map;
          templatesToRestore.add(t);
        }
      }
    } catch (RuntimeException e) {
      // The process is already unhealthy: nothing more to save.
    }
    killProcessTree();
    liveMark = 0;
    waitUntilPortFree(Duration.ofSeconds(5));
  }

  /**
   * Ends a simulated outage: starts the emulator again on the same port and re-creates the
   * templates it had. No-op when running.
   */
  public synchronized void start() {
    ensureOpen();
    if (isRunning()) {
      return;
    }
    RuntimeException last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    do {
      try {
        launchProcess(port);
        last = null;
        break;
      } catch (PortInUseException e) {
        last = e;
        sleep(200);
      }
    } while (System.nanoTime() < deadline);
    if (last != null) {
      throw new IllegalStateException(
          "Cannot restart the SES emulator: port " + port + " stayed in use", last);
    }
    liveMark = 0;
    for (Map<String, Object> template : templatesToRestore) {
      restoreTemplate(template);
    }
  }

  /**
   * The emails the emulator accepted since it started or since the last {@link #clear()}, oldest
   * first (including those accepted before a {@link #stop()}).
   */
  public synchronized List<StoredEmail> emails() {
    ensureOpen();
    List<StoredEmail> out = new ArrayList<>(carriedEmails);
    if (isRunning()) {
      List<StoredEmail> live = parseEmails(readStore());
      if (live.size() < liveMark) {
        liveMark = 0; // someone called /clear-store directly
      }
      out.addAll(live.subList(liveMark, live.size()));
    }
    return List.copyOf(out);
  }

  /** Forgets the emails sent so far (templates stay). */
  public synchronized void clear() {
    ensureOpen();
    carriedEmails.clear();
    liveMark = isRunning() ? parseEmails(readStore()).size() : 0;
  }

  /** Wipes the emulator's store: emails <em>and templates</em> ({@code POST /clear-store}). */
  public synchronized void reset() {
    ensureOpen();
    carriedEmails.clear();
    templatesToRestore.clear();
    liveMark = 0;
    if (isRunning()) {
      Http.expect(
          send(HttpRequest.newBuilder(endpoint().resolve("/clear-store"))
              .POST(HttpRequest.BodyPublishers.noBody())),
          Http::isOk,
          "POST /clear-store");
    }
  }

  /** The last lines the node process printed (stdout and stderr merged). */
  public synchronized String outputTail() {
    synchronized (outputTail) {
      return String.join("\n", outputTail);
    }
  }

  /** Stops the process for good. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    killProcessTree();
    try {
      Files.deleteIfExists(watchdog);
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "SesV2Emulator[" + PACKAGE_NAME + "@" + PACKAGE_VERSION + " on 127.0.0.1:" + port + "]";
  }

  // ---------------------------------------------------------------- process handling

  private void launchOnFreePort() {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      try {
        launchProcess(FreePorts.pick());
        return;
      } catch (PortInUseException e) {
        last = e;
      }
    }
    throw new IllegalStateException(
        "Could not start the SES emulator after " + PORT_ATTEMPTS + " port attempts", last);
  }

  private void launchProcess(int newPort) {
    synchronized (outputTail) {
      outputTail.clear();
    }
    List<String> command =
        List.of(
            nodeExecutable(),
            "--require",
            watchdog.toString(),
            script.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(newPort));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    // Never forward the emails to a real SMTP server.
    builder.environment().remove("SMTP_TRANSPORT");
    Process started;
    try {
      started = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not run `" + String.join(" ", command) + "` in " + dir
              + " (is node on the PATH? set -D" + NODE_PROPERTY + "=/path/to/node)",
          e);
    }
    Thread pump = new Thread(() -> pump(started.getInputStream()), "ses-emulator-output");
    pump.setDaemon(true);
    pump.start();

    URI health = URI.create("http://127.0.0.1:" + newPort + "/health-check");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!started.isAlive()) {
        waitForPump(pump);
        String tail = outputTail();
        if (tail.contains("EADDRINUSE")) {
          throw new PortInUseException("port " + newPort + " is in use:\n" + tail);
        }
        throw new IllegalStateException(
            "The SES emulator exited with code " + started.exitValue()
                + " before answering on " + health + ". Process output (tail):\n" + tail);
      }
      if (announcedRunning() && healthy(health)) {
        this.process = started;
        this.port = newPort;
        return;
      }
      if (System.nanoTime() > deadline) {
        destroyTree(started);
        waitForPump(pump);
        throw new IllegalStateException(
            "The SES emulator (" + PACKAGE_NAME + " " + PACKAGE_VERSION + ") did not answer on "
                + health + " within " + START_TIMEOUT.toSeconds() + " s. Command: "
                + String.join(" ", command) + "\nProcess output (tail):\n" + outputTail());
      }
      sleep(50);
    }
  }

  /** The CLI prints "aws-ses-v2-local: server running at ..." once it listens. */
  private boolean announcedRunning() {
    synchronized (outputTail) {
      return outputTail.stream().anyMatch(line -> line.contains("server running at"));
    }
  }

  private boolean healthy(URI health) {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the SES emulator", e);
    }
  }

  private void pump(InputStream stream) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (outputTail) {
          if (outputTail.size() == TAIL_LINES) {
            outputTail.removeFirst();
          }
          outputTail.addLast(line);
        }
      }
    } catch (IOException ignored) {
      // process gone
    }
  }

  private static void waitForPump(Thread pump) {
    try {
      pump.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void killProcessTree() {
    if (process != null) {
      destroyTree(process);
      process = null;
    }
  }

  private static void destroyTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private void waitUntilPortFree(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (FreePorts.isListening(port) && System.nanoTime() < deadline) {
      sleep(50);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  // ---------------------------------------------------------------- store access

  private Map<String, Object> readStore() {
    HttpResponse<String> response =
        Http.expect(
            send(HttpRequest.newBuilder(endpoint().resolve("/store")).GET()), Http::isOk, "GET /store");
    return Json.parseObject(response.body());
  }

  static List<StoredEmail> parseEmails(Map<String, Object> store) {
    List<StoredEmail> emails = new ArrayList<>();
    for (Map<String, Object> e : Json.objects(store, "emails")) {
      Map<String, Object> destination = Json.object(e, "destination");
      Map<String, Object> body = Json.object(e, "body");
      List<StoredEmail.Header> headers = new ArrayList<>();
      for (Map<String, Object> h : Json.objects(e, "headers")) {
        headers.add(new StoredEmail.Header(Json.string(h, "name"), Json.string(h, "value")));
      }
      Long at = Json.number(e, "at");
      List<StoredEmail.Attachment> attachments = new ArrayList<>();
      for (Map<String, Object> a : Json.objects(e, "attachments")) {
        String content = Json.string(a, "content");
        attachments.add(new StoredEmail.Attachment(Json.string(a, "filename"), Json.string(a, "contentType"),
            content == null ? new byte[0] : java.util.Base64.getDecoder().decode(content)));
      }
      emails.add(
          new StoredEmail(
              Json.string(e, "messageId"),
              Json.string(e, "from"),
              Json.strings(destination, "to"),
              Json.strings(destination, "cc"),
              Json.strings(destination, "bcc"),
              Json.strings(e, "replyTo"),
              Json.string(e, "subject"),
              Json.string(body, "html"),
              Json.string(body, "text"),
              headers,
              at == null ? null : Instant.ofEpochSecond(at),
              attachments));
    }
    return emails;
  }

  private void restoreTemplate(Map<String, Object> template) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("TemplateName", template.get("TemplateName"));
    request.put("TemplateContent", template.get("TemplateContent"));
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(endpoint().resolve("/v2/email/templates"))
            .header("Content-Type", "application/json")
            .header("Authorization", DUMMY_AUTHORIZATION)
            .POST(HttpRequest.BodyPublishers.ofString(Json.toJson(request))));
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "Could not re-create template " + template.get("TemplateName") + " after restart: "
              + response.statusCode() + " " + Json.abbreviate(response.body()));
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return Http.send(http, request, "SES emulator at " + endpoint());
  }

  // ---------------------------------------------------------------- package installation

  /** {@code ses.emulator.dir}, else {@code testing/ses-emulator} found walking up from user.dir. */
  public static Path locatePackageDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(dir.resolve("package.json"))) {
        throw new IllegalStateException(
            "-D" + DIR_PROPERTY + "=" + configured + " has no package.json");
      }
      return dir;
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve("testing").resolve("ses-emulator");
      if (Files.isRegularFile(candidate.resolve("package.json"))) {
        return candidate;
      }
      if (d.getFileName() != null
          && d.getFileName().toString().equals("ses-emulator")
          && Files.isRegularFile(d.resolve("package.json"))) {
        return d;
      }
    }
    throw new IllegalStateException(
        "Could not find testing/ses-emulator/package.json walking up from " + start
            + "; set -D" + DIR_PROPERTY + "=<path to testing/ses-emulator>");
  }

  private static void ensureInstalled(Path dir) {
    NpmPackage.ensureInstalled(dir, PACKAGE_NAME, PACKAGE_VERSION, npmExecutable());
  }

  /** The package's {@code bin} script ({@code dist/cli.js} in 2.10.2), read from its package.json. */
  private static Path binScript(Path dir) {
    Path packageDir = dir.resolve("node_modules").resolve(PACKAGE_NAME);
    try {
      Map<String, Object> pkg = Json.parseObject(Files.readString(packageDir.resolve("package.json")));
      Object bin = pkg.get("bin");
      String relative = null;
      if (bin instanceof String s) {
        relative = s;
      } else if (bin instanceof Map<?, ?> map) {
        Object entry = map.get(PACKAGE_NAME);
        if (entry == null && !map.isEmpty()) {
          entry = map.values().iterator().next();
        }
        relative = entry == null ? null : entry.toString();
      }
      if (relative == null) {
        relative = "dist/cli.js";
      }
      Path script = packageDir.resolve(relative).normalize();
      if (!Files.isRegularFile(script)) {
        throw new IllegalStateException("The " + PACKAGE_NAME + " bin script " + script + " is missing");
      }
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + packageDir.resolve("package.json"), e);
    }
  }

  private static Path writeWatchdog() {
    try {
      Path file = Files.createTempFile("ses-emulator-watchdog", ".cjs");
      Files.writeString(file, WATCHDOG_JS);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the emulator watchdog script", e);
    }
  }

  private static String nodeExecutable() {
    return System.getProperty(NODE_PROPERTY, "node");
  }

  private static String npmExecutable() {
    String configured = System.getProperty(NPM_PROPERTY);
    return configured != null && !configured.isBlank() ? configured : NpmPackage.defaultNpm();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static final class PortInUseException extends RuntimeException {
    PortInUseException(String message) {
      super(message);
    }
  }
}
