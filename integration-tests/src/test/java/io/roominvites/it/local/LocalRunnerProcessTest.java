package io.roominvites.it.local;

import io.roominvites.json.Json;
import io.roominvites.local.FreePorts;
import io.roominvites.testing.Backends;
import io.roominvites.testing.EmulatorBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local runner as people start it: {@code java -jar local/target/invites-local.jar}, in its own process.
 * Its data and signing keys survive a restart in LOCAL_DATA_DIR (even after the README's walk-through deleted the
 * demo room), a start-up error exits non-zero with the reason, an older Java is told plainly, and
 * AWS_ENDPOINT_URL_DYNAMODB points it at a DynamoDB started separately.
 */
class LocalRunnerProcessTest {
    static final Path JAR = Path.of(System.getProperty("project.root", ".."), "local", "target", "invites-local.jar");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    /** A started runner. */
    record Runner(Process process, String base, StringBuilder output) implements AutoCloseable {
        HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (bearer != null) {
                b.header("authorization", "Bearer " + bearer);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        String token(String email, boolean admin) throws Exception {
            return (String) Json.parseObject(call("POST", "/dev/token", null,
                    "{\"email\":\"" + email + "\",\"siteAdmin\":" + admin + "}").body()).get("token");
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: the shutdown hook closes DynamoDB Local
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static ProcessBuilder command(String java, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString());
        for (String v : List.of("PORT", "LOCAL_DATA_DIR", "AWS_ENDPOINT_URL_DYNAMODB", "TABLE_NAME", "LOCAL_CREATE_TABLE",
                "AWS_ENDPOINT_URL_SESV2", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_PROFILE")) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        return pb;
    }

    static String thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts the runner and waits for its banner (or fails with what it printed when it exits first). */
    static Runner start(Map<String, String> env) throws Exception {
        return start(env, FreePorts.pick());
    }

    static Runner start(Map<String, String> env, int port) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PORT", Integer.toString(port));
        Process p = command(thisJava(), all).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                    // the banner's last line: the lines before it (where its data is, whether it seeded) are all in
                    if (line.contains("The README walks through preview")) {
                        ready.complete(true);
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            ready.complete(false);
        });
        if (!ready.get(120, TimeUnit.SECONDS)) {
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the runner did not start: " + out);
        }
        return new Runner(p, "http://127.0.0.1:" + port, out);
    }

    /** Runs the runner expecting it to stop by itself; answers its exit code and output. */
    static Map.Entry<Integer, String> runToExit(String java, Map<String, String> env) throws Exception {
        Process p = command(java, env).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (Exception e) {
                return "";
            }
        });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the runner hung instead of exiting: " + out.getNow(""));
        }
        return Map.entry(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    }

    @Test
    void linksAndDataSurviveARestartEvenAfterTheDemoRoomWasDeleted() throws Exception {
        Map<String, String> env = Map.of("LOCAL_DATA_DIR", tmp.resolve("data").toString());
        int port = FreePorts.pick(); // the same address both times: it is the links' issuer
        String link;
        String demoLink;
        try (Runner r = start(env, port)) {
            String admin = r.token("admin@example.com", true);
            String owner = r.token("owner@example.com", false);
            assertEquals(200, r.call("PUT", "/admin/rooms/kept-room", admin, "{\"title\":\"Kept\",\"startsAt\":\"2030-01-01T10:00:00Z\","
                    + "\"endsAt\":\"2030-01-01T11:00:00Z\",\"chatAndCollaborationEnabled\":true,\"owner\":\"owner@example.com\"}").statusCode());
            link = linkOf(r.call("POST", "/rooms/kept-room/invites", owner,
                    "{\"email\":\"ada@example.org\",\"firstName\":\"Ada\",\"lastName\":\"L\",\"role\":\"VIEWER\"}"));
            demoLink = linkOf(r.call("POST", "/rooms/next-level-growth/invites", owner,
                    "{\"email\":\"bob@example.org\",\"firstName\":\"Bob\",\"lastName\":\"B\",\"role\":\"VIEWER\"}"));
            assertEquals(204, r.call("DELETE", "/admin/rooms/next-level-growth", admin, null).statusCode());
        }
        assertTrue(Files.exists(tmp.resolve("data").resolve("signing-keys.json")), "the keys are kept in LOCAL_DATA_DIR");
        try (Runner again = start(env, port)) {
            assertTrue(again.output().toString().contains("not reseeded"), again.output().toString());
            HttpResponse<String> preview = again.call("POST", "/invites/preview", null, "{\"token\":\"" + link + "\"}");
            assertEquals(200, preview.statusCode(), "a link from before the restart still opens its invite: " + preview.body());
            HttpResponse<String> deleted = again.call("POST", "/invites/preview", null, "{\"token\":\"" + demoLink + "\"}");
            assertEquals(410, deleted.statusCode(), deleted.body());
            assertTrue(deleted.body().contains("ROOM_DELETED"), deleted.body());
        }
    }

    private static String linkOf(HttpResponse<String> created) throws Exception {
        assertEquals(201, created.statusCode(), created.body());
        String link = (String) Json.parseObject(created.body()).get("link");
        return link.substring(link.indexOf("#invite=") + 8);
    }

    @Test
    void aStartUpErrorExitsNonZeroWithTheReasonInsteadOfHanging() throws Exception {
        Map.Entry<Integer, String> badPort = runToExit(thisJava(), Map.of("PORT", "three-thousand"));
        assertEquals(1, badPort.getKey(), badPort.getValue());
        assertTrue(badPort.getValue().contains("could not start: PORT must be a port number"), badPort.getValue());

        String table = Backends.uniqueName("absent");
        Map.Entry<Integer, String> noTable = runToExit(thisJava(), Map.of("PORT", Integer.toString(FreePorts.pick()),
                "AWS_ENDPOINT_URL_DYNAMODB", EmulatorBackend.shared().dynamoDbEndpoint().toString(), "TABLE_NAME", table));
        assertEquals(1, noTable.getKey(), noTable.getValue());
        assertTrue(noTable.getValue().contains("The table " + table + " does not exist"), noTable.getValue());
        assertTrue(noTable.getValue().contains("LOCAL_CREATE_TABLE=true"), noTable.getValue());
    }

    @Test
    void runsOnADynamoDbStartedSeparatelyCreatingTheTableOnlyWhenAsked() throws Exception {
        EmulatorBackend dynamo = EmulatorBackend.shared(); // a DynamoDB Local of the testing module, not the runner's
        String table = Backends.uniqueName("external");
        // the same credentials as the testing module's client: DynamoDB Local keeps one database per access key
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL_DYNAMODB", dynamo.dynamoDbEndpoint().toString(),
                "TABLE_NAME", table, "LOCAL_CREATE_TABLE", "true", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_REGION", dynamo.region().id());
        try (Runner r = start(env); DynamoDbClient db = dynamo.dynamoDbClient()) {
            assertTrue(r.output().toString().contains("external, table " + table), r.output().toString());
            String owner = r.token("owner@example.com", false);
            HttpResponse<String> created = r.call("POST", "/rooms/next-level-growth/invites", owner,
                    "{\"email\":\"ext@example.org\",\"firstName\":\"E\",\"lastName\":\"X\",\"role\":\"VIEWER\"}");
            assertEquals(201, created.statusCode(), created.body());
            int items = db.scan(b -> b.tableName(table)).count();
            assertTrue(items >= 3, "the external table holds the settings, the demo room and the invite: " + items);
        }
        try (DynamoDbClient db = dynamo.dynamoDbClient()) {
            boolean exists;
            try {
                db.describeTable(b -> b.tableName(Backends.uniqueName("never-created")));
                exists = true;
            } catch (ResourceNotFoundException e) {
                exists = false;
            }
            assertFalse(exists);
        }
    }

    @Test
    void aMalformedEscapeGetsTheErrorShapeWithARequestIdAndOtherRequestsStillWork() throws Exception {
        try (Runner r = start(Map.of())) {
            int port = URI.create(r.base()).getPort();
            for (String target : List.of("/rooms/%ZZ/invites", "/rooms/%/invites", "/rooms/a b/invites")) {
                // sent as raw bytes: java.net.URI itself refuses these
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                    assertTrue(answer.contains("\"code\":\"INVALID_REQUEST\""), answer);
                    assertTrue(answer.contains("\"requestId\":\""), answer);
                    assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("x-request-id:"), answer);
                    assertFalse(answer.contains("URISyntaxException") || answer.contains("<h1>"), answer);
                }
            }
            HttpResponse<String> ok = r.call("GET", "/.well-known/jwks.json", null, null);
            assertEquals(200, ok.statusCode(), ok.body());
            HttpResponse<String> post = r.call("POST", "/invites/preview", null, "{\"token\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(400, post.statusCode(), post.body());
            assertTrue(post.body().contains("\"requestId\""), post.body());
        }
    }

    @Test
    void anOlderJavaIsToldPlainlyThatJava21IsNeeded() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertEquals("io.roominvites.local.Launcher", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry("io/roominvites/local/Launcher.class")))) {
                in.readInt();
                in.readUnsignedShort();
                assertEquals(52, in.readUnsignedShort(), "the launcher loads on Java 8 and later");
            }
        }
        List<Path> older = new ArrayList<>();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                s.filter(p -> p.getFileName().toString().matches(".*-(8|11|17)(-.*)?") && Files.isExecutable(p.resolve("bin/java")))
                        .forEach(older::add);
            }
        }
        Assumptions.assumeFalse(older.isEmpty(), "no Java older than 21 under /usr/lib/jvm to run the jar with");
        Map.Entry<Integer, String> run = runToExit(older.getFirst().resolve("bin/java").toString(), Map.of());
        assertEquals(1, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("needs Java 21 or newer"), run.getValue());
        assertFalse(run.getValue().contains("UnsupportedClassVersionError"), run.getValue());
        assertNotNull(run.getValue());
    }
}
