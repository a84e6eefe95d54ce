package io.roominvites.it.oidc;

import io.roominvites.json.Json;
import io.roominvites.local.FreePorts;
import io.roominvites.testing.NpmPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An access token redeemed from the local runner (its built jar, over HTTP) verifies with a library nobody here
 * wrote, panva/jose (npm {@code jose}, pinned in testing/oidc-verifier), knowing only the issuer URL: OpenID
 * discovery, then {@code jwks_uri}, then {@code iss}, {@code aud} and {@code exp}. And it is refused when any of
 * them is wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndependentVerifierTest {
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path VERIFIER = ROOT.resolve("testing/oidc-verifier");
    static final Path RUNNER_JAR = ROOT.resolve("local/target/invites-local.jar");

    private final HttpClient http = HttpClient.newHttpClient();
    private Process runner;
    private Path work;
    private String base;
    private String accessToken;

    @BeforeAll
    void redeemAnInviteFromTheLocalRunner() throws Exception {
        NpmPackage.ensureInstalled(VERIFIER, "jose", "6.2.17", NpmPackage.defaultNpm());
        assertTrue(Files.isRegularFile(RUNNER_JAR), "build the runner first: " + RUNNER_JAR);
        work = Files.createTempDirectory("oidc-runner");
        int port = FreePorts.pick();
        base = "http://127.0.0.1:" + port;
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RUNNER_JAR.toString()).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("runner.log").toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.equals("LOCAL_DATA_DIR"));
        runner = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                if (get("/.well-known/openid-configuration").statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertTrue(runner.isAlive() && System.nanoTime() < deadline, "the local runner did not start:\n" + log());
            Thread.sleep(200);
        }
        String owner = string(post("/dev/token", null, Map.of("email", "owner@example.com")), "token");
        Map<String, Object> created = post("/rooms/next-level-growth/invites", owner, Map.of("email", "ada@example.org",
                "firstName", "Ada", "lastName", "Lovelace", "role", "SPEAKER", "sendEmail", false));
        String link = string(created, "link");
        String linkToken = link.substring(link.indexOf("#invite=") + "#invite=".length());
        post("/dev/clock", null, Map.of("advanceSeconds", 600)); // the demo room opens 10 minutes after start-up
        accessToken = string(post("/invites/redeem", null, Map.of("token", linkToken, "deviceId", "ada-laptop-01",
                "email", "ada@example.org")), "accessToken");
    }

    @AfterAll
    void stop() throws Exception {
        if (runner != null) {
            runner.destroy();
            if (!runner.waitFor(10, TimeUnit.SECONDS)) {
                runner.destroyForcibly();
            }
        }
    }

    @Test
    void joseVerifiesTheAccessTokenFromTheIssuerUrlAlone() throws Exception {
        Map<String, Object> result = verify(base, "rooms", accessToken, null);
        assertEquals(Boolean.TRUE, result.get("ok"), "jose refused the token: " + result);
        Map<String, Object> discovery = obj(result, "discovery");
        assertEquals(base, discovery.get("issuer"), "the issuer is the URL the document is served under");
        assertEquals(base + "/.well-known/jwks.json", discovery.get("jwks_uri"));
        Map<String, Object> payload = obj(result, "payload");
        assertEquals(base, payload.get("iss"), "iss is exactly the discovery issuer");
        assertEquals("rooms", payload.get("aud"));
        assertEquals("ada@example.org", payload.get("sub"));
        assertEquals("SPEAKER", payload.get("role"));
        String kid = String.valueOf(obj(result, "header").get("kid"));
        assertTrue(kid.startsWith("local-"), "the runner signs with its own per-start key: " + kid);
        assertNotEquals("sam-local-1", kid, "never the kid of events/env.json's LOCAL-ONLY key");
    }

    @Test
    void joseRefusesAnotherAudienceAnExpiredTokenAndATamperedOne() throws Exception {
        assertRefused(verify(base, "another-service", accessToken, null), "verify", "ERR_JWT_CLAIM_VALIDATION_FAILED");
        long exp = ((Number) obj(verify(base, "rooms", accessToken, null), "payload").get("exp")).longValue();
        assertRefused(verify(base, "rooms", accessToken, exp + 1), "verify", "ERR_JWT_EXPIRED");
        String[] parts = accessToken.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"SPEAKER\"", "\"MODERATOR\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertRefused(verify(base, "rooms", forged, null), "verify", "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    }

    @Test
    void aDocumentFetchedUnderAnotherNameIsNotTrusted() throws Exception {
        // the same server under another host name: its document names 127.0.0.1, so the issuer does not match
        String other = base.replace("127.0.0.1", "localhost");
        assertRefused(verify(other, "rooms", accessToken, null), "discovery", "ISSUER_MISMATCH");
    }

    private static void assertRefused(Map<String, Object> result, String step, String code) {
        assertFalse(Boolean.TRUE.equals(result.get("ok")), "jose accepted what it must refuse: " + result);
        assertEquals(step, result.get("step"), String.valueOf(result));
        assertEquals(code, result.get("code"), String.valueOf(result));
    }

    /** Runs testing/oidc-verifier/verify.mjs and reads its one JSON line. */
    private Map<String, Object> verify(String issuer, String audience, String token, Long at) throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("oidc.verifier.node", "node"), "verify.mjs",
                issuer, audience, token));
        if (at != null) {
            command.add(String.valueOf(at));
        }
        Process node = new ProcessBuilder(command).directory(VERIFIER.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "verify.mjs did not finish");
        String last = out.substring(out.lastIndexOf('\n') + 1);
        Map<String, Object> result = Json.parseObject(last);
        assertEquals(Boolean.TRUE.equals(result.get("ok")) ? 0 : 1, node.exitValue(), out);
        return result;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> post(String path, String bearer, Map<String, Object> body) throws Exception {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (bearer != null) {
            rb.header("authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, "POST " + path + " answered " + r.statusCode() + ": " + r.body());
        return Json.parseObject(r.body());
    }

    private String log() {
        try {
            return Files.readString(work.resolve("runner.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof String, "no '" + key + "' in " + m);
        return (String) v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Map, "no object '" + key + "' in " + m);
        return (Map<String, Object>) v;
    }
}
