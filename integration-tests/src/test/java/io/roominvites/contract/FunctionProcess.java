package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One function "container": a JVM running {@link LambdaRunner} on the function's shaded jar with exactly the
 * environment the test gives it (nothing inherited from the test's own environment). Init happens once, then
 * any number of invocations, as in a warm Lambda execution environment.
 */
final class FunctionProcess implements AutoCloseable {
    /**
     * Hang detectors, not speed goals (cold start is the benchmark's): nine function JVMs initialise and prime at once,
     * and on a 2-core machine shared with other builds (load average 30) that took 123 s; 12 s when it is quiet.
     */
    private static final long INIT_TIMEOUT_SECONDS = 180;
    private static final long INVOKE_TIMEOUT_SECONDS = 60;

    final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> stderr = new ArrayDeque<>();
    private final List<String> allStderr = new ArrayList<>();
    private final Path callsFile;
    private Map<String, Object> ready;
    private Map<String, Object> initError;

    private FunctionProcess(String name, Process process, Path callsFile) {
        this.name = name;
        this.process = process;
        this.callsFile = callsFile;
        Thread out = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true),
                name + "-stdout");
        Thread err = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false),
                name + "-stderr");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /**
     * Starts the runner. {@code classpath} holds LambdaRunner and aws-lambda-java-serialization; the function's
     * jar and the recorder folder go to the runner's function class loader.
     */
    static FunctionProcess start(String name, Path jar, String handler, Map<String, String> env, String classpath,
                                 Path recorderDir, Path workDir) throws IOException {
        Path calls = workDir.resolve(name + ".calls");
        Files.deleteIfExists(calls);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m",
                "-Dcontract.sdk.calls=" + calls, "-Dorg.crac.Core.Compat=io.roominvites.contract.crac", "-cp", classpath, LambdaRunner.class.getName(),
                jar.toString(), recorderDir.toString(), handler, name);
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new FunctionProcess(name, pb.start(), calls);
    }

    private void pump(BufferedReader reader, boolean protocol) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (protocol) {
                    lines.add(line);
                } else {
                    synchronized (stderr) {
                        allStderr.add(line);
                        stderr.addLast(line);
                        if (stderr.size() > 40) {
                            stderr.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            if (protocol) {
                lines.add("EOF");
            }
        }
    }

    /** Waits for the end of init: the READY report, or null when init failed (see {@link #initError()}). */
    synchronized Map<String, Object> awaitInit() throws InterruptedException {
        if (ready != null || initError != null) {
            return ready;
        }
        String line = lines.poll(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null || line.equals("EOF")) {
            throw new AssertionError(name + ": the runner ended or hung during init. Its stderr:\n" + stderrTail());
        }
        if (line.startsWith("READY ")) {
            ready = decodeJson(line.substring(6));
        } else if (line.startsWith("INIT_ERROR ")) {
            initError = decodeJson(line.substring(11));
        } else {
            throw new AssertionError(name + ": unexpected line from the runner: " + line);
        }
        return ready;
    }

    synchronized Map<String, Object> initError() throws InterruptedException {
        awaitInit();
        return initError;
    }

    /** Invokes the function with the event's exact bytes; returns the serialised response (what API Gateway gets). */
    synchronized String invoke(byte[] event) throws IOException, InterruptedException {
        if (awaitInit() == null) {
            throw new AssertionError(name + " failed its init: " + initError);
        }
        OutputStream in = process.getOutputStream();
        in.write((Base64.getEncoder().encodeToString(event) + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        String line = lines.poll(INVOKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null || line.equals("EOF")) {
            throw new AssertionError(name + ": no answer. Its stderr:\n" + stderrTail());
        }
        if (line.startsWith("RESULT ")) {
            return new String(Base64.getDecoder().decode(line.substring(7)), StandardCharsets.UTF_8);
        }
        if (line.startsWith("ERROR ")) {
            throw new AssertionError(name + " threw instead of answering (API Gateway would answer 500): "
                    + decodeJson(line.substring(6)) + "\nIts stderr:\n" + stderrTail());
        }
        throw new AssertionError(name + ": unexpected line from the runner: " + line);
    }

    /** The permissions the function's AWS calls needed so far (one per line, see {@link SdkCallRecorder}). */
    List<String> recordedCalls() throws IOException {
        return Files.exists(callsFile) ? Files.readAllLines(callsFile).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    String stderrTail() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    List<String> allStderr() {
        synchronized (stderr) {
            return List.copyOf(allStderr);
        }
    }

    private static Map<String, Object> decodeJson(String b64) {
        try {
            return JSONObjectUtils.parse(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new AssertionError("runner sent malformed JSON: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        awaitOrKill(process, 5);
    }

    /** Waits up to {@code seconds} for the process to end, then kills it. */
    static void awaitOrKill(Process process, long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
