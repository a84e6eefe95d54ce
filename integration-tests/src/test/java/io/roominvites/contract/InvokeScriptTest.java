package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.roominvites.aws.Config;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.json.Json;
import io.roominvites.testing.Backends;
import io.roominvites.testing.EmulatorBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every events/ file, in order, through {@code scripts/invoke.sh} ({@code sam local invoke} without Docker): each a
 * fresh JVM under the official Lambda Java runtime interface client and the project's Runtime API server, with the
 * environment template.yaml and an env-vars file give the function. The env-vars file is events/env.json with the
 * addresses of this test's DynamoDB Local, SES v2 emulator and identity provider, as docs/deploy.md has a developer
 * point it at theirs. Each answer must be what {@link SamContractTest} expects of that event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvokeScriptTest {
    static final Path SCRIPT = SamContractTest.ROOT.resolve("scripts/invoke.sh");

    private SamTemplate template;
    private SamLocalSupport idp;
    /** The erasure queue a developer would point ERASURE_QUEUE_URL at (LocalStack's); here a stub. */
    private SqsStub sqs;
    private Path envVars;

    @BeforeAll
    void start() throws Exception {
        template = SamTemplate.load(SamContractTest.TEMPLATE);
        EmulatorBackend backend = EmulatorBackend.shared();
        String table = Backends.uniqueName("invoke-script");
        SamLocalSupport.createTable(backend.dynamoDbEndpoint(), table);
        try (SesV2Client ses = backend.sesV2Client()) {
            SesEmailGateway.ensureTemplate(ses, EmailTemplate.fromJson(Files.readString(SamContractTest.EMAIL_TEMPLATE_FILE)));
        }
        Map<String, Object> envJson = JSONObjectUtils.parse(Files.readString(SamContractTest.ENV_JSON));
        Map<String, Object> params = new LinkedHashMap<>(SamContractTest.section(envJson, "Parameters"));
        idp = SamLocalSupport.start(InetAddress.getLoopbackAddress(), 0, String.valueOf(params.get("IDP_ISSUER")),
                String.valueOf(params.get("IDP_AUDIENCE")));
        params.put(Config.TABLE_NAME, table);
        params.put("AWS_ENDPOINT_URL_DYNAMODB", backend.dynamoDbEndpoint().toString());
        params.put("AWS_ENDPOINT_URL_SESV2", backend.sesEndpoint().toString());
        params.put(Config.IDP_JWKS_URL, idp.jwksUrl().toString());
        sqs = new SqsStub();
        params.put(Config.ERASURE_QUEUE_URL, sqs.queueUrl("room-invites-ErasureQueue"));
        Map<String, Object> file = new LinkedHashMap<>(envJson);
        file.put("Parameters", params);
        envVars = Files.createTempFile("invoke-env", ".json");
        Files.writeString(envVars, Json.write(file));
    }

    @AfterAll
    void stop() throws IOException {
        if (idp != null) {
            idp.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (envVars != null) {
            Files.deleteIfExists(envVars);
        }
    }

    @Test
    void everyEventAnswersThroughTheRuntimeInterfaceClientAsTheContractSays() throws Exception {
        Map<String, SamContractTest.Expected> expected = SamContractTest.expectations();
        List<Path> files = SamContractTest.eventFiles();
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(files.stream().map(f -> f.getFileName().toString()).toList()),
                "events/ and the expectations");
        Map<String, String> routeOwner = new HashMap<>();
        template.functions().forEach(fn -> template.httpApiRoutes(fn).forEach(r -> routeOwner.put(r, fn)));
        Map<String, String> vars = new HashMap<>(idp.tokens());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        vars.put("STARTS_AT", now.minus(5, ChronoUnit.MINUTES).toString());
        vars.put("ENDS_AT", now.plus(1, ChronoUnit.HOURS).toString());
        List<String> transcript = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String event = SamContractTest.substitute(Files.readString(file), vars, true);
            String fn = routeOwner.get(String.valueOf(JSONObjectUtils.parse(event).get("routeKey")));
            assertNotNull(fn, name + ": no function serves it");
            long started = System.nanoTime();
            Result r = invoke(fn, event);
            transcript.add(name + " -> " + fn + " -> exit " + r.exit() + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
            if (r.exit() != 0) {
                fail(name + ": scripts/invoke.sh " + fn + " exited " + r.exit() + "\nstdout: " + r.stdout() + "\nstderr: " + r.stderr()
                        + "\n" + String.join("\n", transcript));
            }
            Map<String, Object> response = JSONObjectUtils.parse(r.stdout().strip());
            int status = ((Number) response.get("statusCode")).intValue();
            String body = response.get("body") instanceof String s ? s : null;
            SamContractTest.Expected x = expected.get(name);
            assertEquals(x.status(), status, name + " (" + fn + "): " + body + "\nstderr: " + r.stderr());
            x.check().accept(SamContractTest.answerBody(body), vars);
            assertTrue(r.stderr().contains("\"route\":\"" + JSONObjectUtils.parse(event).get("routeKey") + "\""),
                    name + ": the function's own log line is on stderr, as sam local prints it: " + r.stderr());
        }
        System.out.println("scripts/invoke.sh, every event:\n  " + String.join("\n  ", transcript));
    }

    @Test
    void aBadFunctionNameOrAMissingEventIsAUsageError() throws Exception {
        Result unknown = run(List.of("NoSuchFunction", "events/14-jwks.json"), "");
        assertEquals(2, unknown.exit(), unknown.stderr());
        assertTrue(unknown.stderr().contains("JwksFunction"), "names the template's functions: " + unknown.stderr());
        Result missing = run(List.of("JwksFunction", "events/no-such-event.json"), "");
        assertEquals(2, missing.exit(), missing.stderr());
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private Result invoke(String fn, String event) throws Exception {
        return run(List.of(fn, "-", "--env-vars", envVars.toString()), event);
    }

    private Result run(List<String> args, String stdin) throws Exception {
        // dummy credentials: nothing reaches AWS
        return run(args, stdin, Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", SamLocalSupport.LOCAL_ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SamLocalSupport.LOCAL_ACCESS_KEY));
    }

    /**
     * {@code scripts/invoke.sh args}, {@code stdin} on its standard input, with the caller's {@code aws} variables (what
     * {@code sam local invoke} passes from the caller's shell: a region and credentials); fails past 120 s.
     */
    static Result run(List<String> args, String stdin, Map<String, String> aws) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(SamContractTest.ROOT.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(aws);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("scripts/invoke.sh " + args + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
