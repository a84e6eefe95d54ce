package io.roominvites.metrics;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.http.Cors;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.http.Operation;
import io.roominvites.http.Router;
import io.roominvites.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Embedded Metric Format lines the router and the email gateway write, as CloudWatch reads them. */
class MetricsTest {
    private static final Instant AT = Instant.parse("2026-11-23T20:00:00Z");
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Metrics.redirect(new PrintStream(written, true, StandardCharsets.UTF_8), Clock.fixed(AT, ZoneOffset.UTC));
        Metrics.enable("RoomInvites/test");
    }

    @AfterEach
    void restore() {
        Metrics.disable();
        Metrics.redirect(System.out, Clock.systemUTC());
    }

    @Test
    void aRequestIsCountedByOperationAndOutcomeWithItsLatency() throws Exception {
        Router router = router(Map.of(Operation.REDEEM_INVITE, (r, p) -> {
            throw new InviteException(ErrorCode.LINK_ALREADY_USED);
        }, Operation.JWKS, (r, p) -> new HttpResponse(200, Map.of(), "{}")));
        router.handle(request("POST", "/invites/redeem"));
        router.handle(request("GET", "/.well-known/jwks.json"));
        router.handle(request("GET", "/nowhere"));

        List<Map<String, Object>> lines = lines();
        assertEquals(3, lines.size(), "one metrics line per request: " + lines);
        Map<String, Object> refused = lines.get(0);
        assertEquals("REDEEM_INVITE", refused.get("Operation"));
        assertEquals("LINK_ALREADY_USED", refused.get("Outcome"));
        assertEquals(1L, ((Number) refused.get("Requests")).longValue());
        assertEquals(0L, ((Number) refused.get("ServerErrors")).longValue());
        assertTrue(((Number) refused.get("Latency")).doubleValue() >= 0);
        assertEquals("room-invites", refused.get("Service"));
        Map<String, Object> aws = map(refused.get("_aws"));
        assertEquals(AT.toEpochMilli(), ((Number) aws.get("Timestamp")).longValue());
        List<Object> directives = list(aws.get("CloudWatchMetrics"));
        assertEquals(2, directives.size());
        Map<String, Object> byOutcome = map(directives.get(0));
        assertEquals("RoomInvites/test", byOutcome.get("Namespace"));
        assertEquals(List.of(List.of("Service", "Operation", "Outcome")), byOutcome.get("Dimensions"));
        assertEquals(List.of(Map.of("Name", "Requests", "Unit", "Count")), byOutcome.get("Metrics"));
        Map<String, Object> byOperation = map(directives.get(1));
        assertEquals(List.of(List.of("Service"), List.of("Service", "Operation")), byOperation.get("Dimensions"));
        assertEquals(List.of("Requests", "ServerErrors", "Latency"),
                list(byOperation.get("Metrics")).stream().map(m -> map(m).get("Name")).toList());

        assertEquals("OK", lines.get(1).get("Outcome"));
        assertEquals("JWKS", lines.get(1).get("Operation"));
        assertEquals("NONE", lines.get(2).get("Operation"));
        assertEquals("ROUTE_NOT_FOUND", lines.get(2).get("Outcome"));
    }

    @Test
    void aCrashIsAServerErrorAndTheRouterInfersNoLobbyLock() throws Exception {
        int[] wrong = {2};
        Router router = router(Map.of(Operation.REDEEM_INVITE, (r, p) -> {
            wrong[0]--;
            throw new InviteException(ErrorCode.EMAIL_MISMATCH, "no", List.of(), Map.of("attemptsLeft", wrong[0]));
        }, Operation.PREVIEW_INVITE, (r, p) -> {
            throw new IllegalStateException("bug");
        }));
        router.handle(request("POST", "/invites/redeem")); // 1 left
        router.handle(request("POST", "/invites/redeem")); // 0 left: the entry (InviteeEntry) counts the lock it writes
        router.handle(request("POST", "/invites/preview"));

        List<Map<String, Object>> lines = lines();
        List<Map<String, Object>> locks = lines.stream().filter(l -> l.containsKey("LobbyLocks")).toList();
        assertEquals(0, locks.size(), "the HTTP layer reads no lock back from an answer: " + lines);
        Map<String, Object> crash = lines.get(lines.size() - 1);
        assertEquals("INTERNAL", crash.get("Outcome"));
        assertEquals(1L, ((Number) crash.get("ServerErrors")).longValue());
    }

    @Test
    void emailsAreCountedSentAndFailedAndMutedWorkWritesNothing() throws Exception {
        Metrics.emailSent();
        Metrics.emailFailed("TEMPLATE_MISSING");
        Metrics.muted(Metrics::emailSent);
        List<Map<String, Object>> lines = lines();
        assertEquals(2, lines.size(), "muted metrics are not written: " + lines);
        assertEquals(1L, ((Number) lines.get(0).get("EmailSent")).longValue());
        assertEquals(1L, ((Number) lines.get(1).get("EmailFailed")).longValue());
        assertEquals("TEMPLATE_MISSING", lines.get(1).get("failure"));
        Metrics.disable();
        Metrics.emailSent();
        assertEquals(2, lines().size(), "nothing is written until enabled");
    }

    private static Router router(Map<Operation, Router.Handler> handlers) {
        return new Router(handlers, new Cors(Set.of()));
    }

    private static HttpRequest request(String method, String path) {
        return new HttpRequest(method, path, Map.of(), Map.of(), "{}", "req-1", "198.51.100.1");
    }

    private List<Map<String, Object>> lines() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                out.add(Json.parseObject(line));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
