package io.roominvites.local.invoke;

import io.roominvites.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * {@code sam local invoke} without Docker: runs one function of template.yaml, from its built jar laid out as
 * Lambda's task root, under the official AWS Lambda Java runtime interface client, against this project's own
 * Runtime API ({@link RuntimeApiServer}, loopback), with exactly the environment template.yaml and the env-vars
 * file give that function; prints the function's answer on stdout (its logs go to stderr), as
 * {@code sam local invoke} does.
 *
 * <pre>scripts/invoke.sh &lt;FunctionLogicalId&gt; &lt;event file, or - for stdin&gt; [--env-vars FILE]</pre>
 *
 * <p>Exit status: 0 when the function answered, 1 when it failed (its error JSON is printed), 2 for a usage or
 * set-up problem (message on stderr).
 */
public final class Invoke {
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Duration INIT_LIMIT = Duration.ofSeconds(30);

    private Invoke() {
    }

    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = run(args, System.in, System.out, System.err, System.getenv());
        } catch (UsageException e) {
            System.err.println("invoke: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** The set-up is wrong (arguments, template, environment, build): one message for a person. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr, Map<String, String> callerEnv)
            throws Exception {
        List<String> positional = new ArrayList<>();
        Path root = Path.of("").toAbsolutePath();
        Path envVars = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--env-vars", "-n" -> envVars = Path.of(value(args, ++i, args[i - 1]));
                case "--root" -> root = Path.of(value(args, ++i, "--root")).toAbsolutePath();
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            throw new UsageException("usage: scripts/invoke.sh <FunctionLogicalId> <event file, or - for stdin> [--env-vars FILE]"
                    + " (default events/env.json)");
        }
        String function = positional.get(0);
        Path template = root.resolve("template.yaml");
        if (envVars == null) {
            envVars = root.resolve("events/env.json");
        }
        FunctionSpec spec = FunctionSpec.of(TemplateYaml.load(template), function);
        Map<String, String> env = spec.environment(readEnvVars(envVars), callerEnv);
        Path jar = root.resolve(spec.codeUri()).normalize();
        if (!Files.isRegularFile(jar)) {
            throw new UsageException(function + ": its CodeUri " + jar + " is not built yet: run `mvn -B package` first");
        }
        Path runtimeDir = root.resolve("local/target/lambda-runtime");
        List<Path> runtimeJars = jars(runtimeDir);
        if (runtimeJars.isEmpty()) {
            throw new UsageException("the Lambda runtime interface client is missing from " + runtimeDir
                    + ": run `mvn -B package` (the local module copies it there)");
        }
        Path eventFile = positional.get(1).equals("-") ? null : Path.of(positional.get(1));
        if (eventFile != null && !Files.isRegularFile(eventFile)) {
            throw new UsageException("no event file " + eventFile.toAbsolutePath());
        }
        byte[] event = eventFile == null ? stdin.readAllBytes() : Files.readAllBytes(eventFile);
        try {
            Json.parseObject(new String(event, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new UsageException("the event " + positional.get(1) + " is not a JSON object");
        }

        Path taskRoot = taskRoot(jar);
        try (RuntimeApiServer api = new RuntimeApiServer(event, "arn:aws:lambda:" + env.get("AWS_REGION") + ":123456789012:function:" + function,
                Duration.ofSeconds(spec.timeoutSeconds()))) {
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // the flags of Lambda's Java runtime
                    "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "--enable-native-access=ALL-UNNAMED", // the runtime client's JNI part, without a warning on newer JDKs
                    "-XX:MaxHeapSize=" + (spec.memoryMb() * 85 / 100) + "m",
                    "-cp", String.join(java.io.File.pathSeparator, runtimeJars.stream().map(Path::toString).toList()),
                    RIC_MAIN, spec.handler()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile()); // the runtime's task root is user.dir
            pb.environment().clear();
            pb.environment().putAll(env);
            long started = System.nanoTime();
            Process process = pb.start();
            List<Thread> pumps = List.of(pump(process.getInputStream(), stderr), pump(process.getErrorStream(), stderr));
            try {
                long limit = INIT_LIMIT.toSeconds() + spec.timeoutSeconds();
                try {
                    // the answer, or the runtime's end without one (a JVM that could not start, a crash)
                    CompletableFuture.anyOf(api.outcome(), process.onExit()).get(limit, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    stderr.println("invoke: " + function + " did not answer within " + limit + " s");
                    return 1;
                }
                RuntimeApiServer.Outcome outcome = api.outcome().getNow(null);
                if (outcome == null) {
                    stderr.println("invoke: the Lambda runtime of " + function + " ended (exit code " + process.exitValue()
                            + ") without answering");
                    return 1;
                }
                long ms = (System.nanoTime() - started) / 1_000_000;
                // the function's logs first, whole (as sam local prints them): its runtime waits for the next event,
                // so it is ended here, and what it wrote before answering is read to the end of its pipes
                end(process);
                for (Thread pump : pumps) {
                    pump.join(TimeUnit.SECONDS.toMillis(5));
                }
                stderr.printf("REPORT RequestId: %s\tDuration (start to answer): %d ms\tMemory Size: %d MB%n",
                        api.requestId(), ms, spec.memoryMb());
                stdout.println(outcome.body());
                stdout.flush();
                return outcome.kind() == RuntimeApiServer.Outcome.Kind.RESPONSE ? 0 : 1;
            } finally {
                end(process);
            }
        }
    }

    /**
     * The jar unpacked as Lambda's task root, once per build of the jar (as {@code sam build} leaves it in
     * .aws-sam/build): beside the jar, in a folder named by the jar's size and time, made whole in a temporary
     * folder and moved into place, so invokes running at once share it safely and a rebuilt jar gets its own.
     * Unpacking the ~37 MB of a function's classes on every invoke took about 2 s of it.
     */
    static Path taskRoot(Path jar) throws IOException {
        String name = "task-root-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
        Path dir = jar.resolveSibling(name);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path fresh = Files.createTempDirectory(jar.getParent(), "task-root-unpacking-");
        try {
            unzip(jar, fresh);
            Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            delete(fresh);
            if (!Files.isDirectory(dir)) { // not another invoke that moved the same jar's folder in first
                throw e;
            }
            return dir;
        }
        // the folders of earlier builds of this jar (best effort: one may be in use by an invoke still running)
        try (Stream<Path> siblings = Files.list(jar.getParent())) {
            for (Path old : siblings.filter(p -> p.getFileName().toString().startsWith("task-root-") && !p.equals(dir)
                    && !p.getFileName().toString().startsWith("task-root-unpacking-")).toList()) {
                try {
                    delete(old);
                } catch (IOException ignored) {
                    // left for the next build's clean
                }
            }
        }
        return dir;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static Map<String, Object> readEnvVars(Path file) throws IOException, UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no env-vars file " + file);
        }
        try {
            return Json.parseObject(Files.readString(file));
        } catch (ParseException | RuntimeException e) {
            throw new UsageException(file + " is not a JSON object");
        }
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** The jar's entries under {@code dir}, as Lambda unpacks a function's .jar or .zip into /var/task. */
    static void unzip(Path jar, Path dir) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Ends the runtime (and anything it started), waiting up to 10 s for it to go. */
    private static void end(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static Thread pump(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "invoke-log-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A function of the template as SAM sees it: its own properties over Globals.Function. */
    record FunctionSpec(String name, String codeUri, String handler, int memoryMb, int timeoutSeconds, String logFormat,
                        Map<String, Object> declared, Map<String, Object> parameters) {

        @SuppressWarnings("unchecked")
        static FunctionSpec of(Map<String, Object> template, String name) throws UsageException {
            Map<String, Object> resources = (Map<String, Object>) template.getOrDefault("Resources", Map.of());
            List<String> functions = new ArrayList<>();
            resources.forEach((id, r) -> {
                if (r instanceof Map<?, ?> m && "AWS::Serverless::Function".equals(m.get("Type"))) {
                    functions.add(id);
                }
            });
            if (!functions.contains(name)) {
                throw new UsageException("template.yaml has no function " + name + "; its functions: " + functions);
            }
            Map<String, Object> own = (Map<String, Object>) ((Map<String, Object>) resources.get(name)).getOrDefault("Properties", Map.of());
            Map<String, Object> globals = template.get("Globals") instanceof Map<?, ?> g && g.get("Function") instanceof Map<?, ?> f
                    ? (Map<String, Object>) f : Map.of();
            Map<String, Object> declared = new LinkedHashMap<>();
            declared.putAll(variables(globals.get("Environment")));
            declared.putAll(variables(own.get("Environment")));
            Object logging = own.getOrDefault("LoggingConfig", globals.get("LoggingConfig"));
            String logFormat = logging instanceof Map<?, ?> l && l.get("LogFormat") != null ? String.valueOf(l.get("LogFormat")) : "Text";
            Map<String, Object> parameters = (Map<String, Object>) template.getOrDefault("Parameters", Map.of());
            return new FunctionSpec(name, String.valueOf(own.get("CodeUri")),
                    String.valueOf(own.getOrDefault("Handler", globals.get("Handler"))),
                    number(own.getOrDefault("MemorySize", globals.getOrDefault("MemorySize", 128)), 128),
                    number(own.getOrDefault("Timeout", globals.getOrDefault("Timeout", 3)), 3),
                    logFormat, declared, parameters);
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> variables(Object environment) {
            if (environment instanceof Map<?, ?> e && e.get("Variables") instanceof Map<?, ?> v) {
                return (Map<String, Object>) v;
            }
            return Map.of();
        }

        private static int number(Object v, int otherwise) {
            if (v instanceof Number n) {
                return n.intValue();
            }
            try {
                return Integer.parseInt(String.valueOf(v));
            } catch (NumberFormatException e) {
                return otherwise; // an intrinsic (a parameter): SAM's default
            }
        }

        /**
         * The function's environment as {@code sam local invoke --env-vars} builds it: each variable the template
         * declares for the function, valued from the env-vars file (the function's own section over
         * {@code Parameters}), else from the template (a literal, or a parameter's default); nothing the template does
         * not declare. Then what the Lambda runtime itself sets, with the caller's region and credentials.
         */
        @SuppressWarnings("unchecked")
        Map<String, String> environment(Map<String, Object> envVars, Map<String, String> caller) throws UsageException {
            Map<String, Object> params = envVars.get("Parameters") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
            Map<String, Object> mine = envVars.get(name) instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
            String region = caller.getOrDefault("AWS_REGION", caller.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
            Map<String, String> env = new TreeMap<>();
            List<String> unresolved = new ArrayList<>();
            for (Map.Entry<String, Object> v : declared.entrySet()) {
                Object value = mine.containsKey(v.getKey()) ? mine.get(v.getKey())
                        : params.containsKey(v.getKey()) ? params.get(v.getKey()) : literal(v.getValue(), region);
                if (value == null) {
                    unresolved.add(v.getKey());
                } else {
                    env.put(v.getKey(), String.valueOf(value));
                }
            }
            if (!unresolved.isEmpty()) {
                throw new UsageException(name + ": no value for " + unresolved + " (the template's value is an intrinsic "
                        + "function that only CloudFormation resolves): give one in the env-vars file, under Parameters or " + name);
            }
            env.put("AWS_REGION", region);
            env.put("AWS_DEFAULT_REGION", region);
            for (String k : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")) {
                if (caller.get(k) != null) {
                    env.put(k, caller.get(k));
                }
            }
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
            env.put("AWS_LAMBDA_FUNCTION_NAME", name);
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memoryMb));
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "$LATEST");
            env.put("AWS_LAMBDA_LOG_FORMAT", logFormat.toUpperCase(java.util.Locale.ROOT));
            env.put("_HANDLER", handler);
            env.put("TZ", ":UTC");
            env.put("LANG", "en_US.UTF-8");
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            return env;
        }

        /** A template value SAM resolves locally: a literal, a parameter's default, or the region; else null. */
        private Object literal(Object value, String region) {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value;
            }
            if (value instanceof Map<?, ?> m && m.size() == 1 && m.get("Ref") instanceof String ref) {
                if (ref.equals("AWS::Region")) {
                    return region;
                }
                if (parameters.get(ref) instanceof Map<?, ?> p && p.containsKey("Default")) {
                    return p.get("Default");
                }
            }
            return null;
        }
    }
}
