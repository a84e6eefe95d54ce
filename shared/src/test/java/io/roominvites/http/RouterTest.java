package io.roominvites.http;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.json.Json;
import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router and the HTTP layer as the contract states them (docs/api.md): routes and methods, body limits (16 KB;
 * 512 KB for a bulk create), bad JSON, the bearer token, one error shape with the request's id in every answer.
 */
class RouterTest {
    private final InProcessService service = InProcessService.withRoom("growth", Duration.ofMinutes(10));

    /** {@code prefix} followed by spaces up to exactly {@code bytes} bytes of UTF-8. */
    private static String padded(String prefix, int bytes) {
        int have = prefix.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(have <= bytes);
        return prefix + " ".repeat(bytes - have);
    }

    @Test
    void anUnknownRouteIs404InTheErrorShape() {
        service.call("GET", "/nothing/here", null, null).error(404, "ROUTE_NOT_FOUND");
        service.call("GET", "/rooms/growth/invites/extra/segments/here", service.token(OWNER), null)
                .error(404, "ROUTE_NOT_FOUND");
        service.call("GET", "/rooms/%ZZ/invites", service.token(OWNER), null).error(404, "ROUTE_NOT_FOUND");
    }

    @Test
    void aKnownRouteWithAnotherMethodIs405NamingTheMethodsAllowed() {
        Answer a = service.call("PATCH", "/admin/settings", service.adminToken(), Map.of());
        a.error(405, "METHOD_NOT_ALLOWED");
        assertEquals("GET, PUT, OPTIONS", a.header("Allow"));
        Answer b = service.call("GET", "/invites/redeem", null, null);
        b.error(405, "METHOD_NOT_ALLOWED");
        assertEquals("POST, OPTIONS", b.header("Allow"));
    }

    @Test
    void aBodyOf16KbIsReadAndOneByteMoreIsRefused() {
        String create = Json.write(inviteBody("ada@example.org", "VIEWER"));
        String path = "/rooms/growth/invites";
        service.call("POST", path, service.token(OWNER), padded(create, 16 * 1024)).expect(201);
        Answer over = service.call("POST", path, service.token(OWNER), padded(create, 16 * 1024 + 1));
        assertTrue(over.error(400, "INVALID_REQUEST").get("message").toString().contains("16 KB"), over::toString);
        // the limit is in bytes of UTF-8: 8,193 two-byte characters are 16,386 bytes
        service.call("POST", path, service.token(OWNER), "é".repeat(8193)).error(400, "INVALID_REQUEST");
        service.call("POST", "/invites/redeem", null, padded("{}", 16 * 1024 + 1)).error(400, "INVALID_REQUEST");
    }

    @Test
    void aBulkCreateTakesUpTo512Kb() {
        String bulk = Json.write(Map.of("invites", List.of(inviteBody("ada@example.org", "VIEWER"))));
        String path = "/rooms/growth/invites/bulk";
        Answer whole = service.call("POST", path, service.token(OWNER), padded(bulk, 512 * 1024));
        assertEquals(1L, whole.expect(200).json().get("created"));
        Answer over = service.call("POST", path, service.token(OWNER), padded(bulk, 512 * 1024 + 1));
        assertTrue(over.error(400, "INVALID_REQUEST").get("message").toString().contains("512 KB"), over::toString);
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsInvalid() {
        String path = "/rooms/growth/invites";
        for (String bad : new String[]{"{\"email\":", "[]", "null", "\"text\"", "42", "   "}) {
            service.call("POST", path, service.token(OWNER), bad).error(400, "INVALID_REQUEST");
        }
        service.call("POST", path, service.token(OWNER), null).error(400, "INVALID_REQUEST");
    }

    @Test
    void everyFieldProblemIsNamedAtOnce() {
        Answer a = service.call("POST", "/rooms/growth/invites", service.token(OWNER),
                Map.of("email", "not-an-email", "role", "OWNER"));
        assertEquals(List.of("email", "firstName", "lastName", "role"), a.invalidFields());
    }

    @Test
    void aManagerRouteWithoutAValidBearerTokenIs401() {
        String path = "/rooms/growth/invite-options";
        service.call("GET", path, null, null).error(401, "UNAUTHENTICATED");
        service.call("GET", path, "not-a-token", null).error(401, "UNAUTHENTICATED");
        String valid = service.token(OWNER);
        service.call("GET", path, null, null, Map.of("Authorization", "Basic " + valid)).error(401, "UNAUTHENTICATED");
        String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        service.call("GET", path, tampered, null).error(401, "UNAUTHENTICATED");
        service.call("GET", path, valid, null).expect(200);
        service.advance(Duration.ofHours(2).plusMinutes(2)); // past its expiry and the 60 s leeway
        service.call("GET", path, valid, null).error(401, "UNAUTHENTICATED");
    }

    @Test
    void anAdminRouteChecksTheTokenBeforeTheBody() {
        service.call("PUT", "/admin/rooms/growth", null, "not json").error(401, "UNAUTHENTICATED");
        service.call("PUT", "/admin/rooms/growth", service.token(OWNER), "not json").error(403, "FORBIDDEN");
    }

    @Test
    void everyAnswerCarriesItsRequestIdAndIsNotCached() {
        List<Answer> answers = new ArrayList<>();
        answers.add(service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null).expect(200));
        answers.add(service.call("GET", "/nothing", null, null));
        answers.add(service.call("DELETE", "/admin/rooms/growth", service.adminToken(), null).expect(204));
        for (Answer a : answers) {
            assertEquals(a.requestId(), a.header("X-Request-Id"), a::toString);
            assertEquals("no-store", a.header("Cache-Control"), a::toString);
        }
    }

    @Test
    void aTrailingSlashAndPercentEscapesReachTheRoute() {
        service.call("GET", "/admin/settings/", service.adminToken(), null).expect(200);
        service.call("PUT", "/admin/users/grace%40example.org", service.adminToken(),
                Map.of("firstName", "Grace", "lastName", "Hopper")).expect(200);
        assertEquals("grace@example.org", service.store.suggestUsers("grace", 10).getFirst().email());
    }

    @Test
    void anUnexpectedFailureIs500WithTheRequestIdToQuote() {
        Router router = new Router(Map.of(Operation.GET_SETTINGS, (r, p) -> {
            throw new IllegalStateException("a bug");
        }), new Cors(Set.of()));
        HttpResponse raw = router.handle(new HttpRequest("GET", "/admin/settings", Map.of(), Map.of(), null, "req-500", null));
        Map<String, Object> error = new Answer(raw, "req-500").error(500, "INTERNAL");
        assertTrue(error.get("message").toString().contains("req-500"), error::toString);
        assertTrue(!raw.body().contains("a bug"), "no internals in the answer");
    }

    @Test
    void aBusyDependencyIs503WithRetryAfter() {
        Router router = new Router(Map.of(Operation.GET_SETTINGS, (r, p) -> {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }), new Cors(Set.of()));
        HttpResponse raw = router.handle(new HttpRequest("GET", "/admin/settings", Map.of(), Map.of(), null, "req-503", null));
        Answer a = new Answer(raw, "req-503");
        a.error(503, "SERVICE_UNAVAILABLE");
        assertEquals("2", a.header("Retry-After"));
    }
}
