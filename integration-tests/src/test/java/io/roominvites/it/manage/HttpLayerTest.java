package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every answer has: a request id, the one error shape, CORS for the configured origin only. */
class HttpLayerTest extends ServiceTest {
    private static final String ROOM = "http-room";
    private static final String ALLOWED = "https://app.example.com";
    private String inviteId;

    @Override
    protected void afterStart() {
        service.enableInvitations();
        inviteId = service.invitedTo(ROOM, Duration.ofDays(1), "http@example.org", "VIEWER").id();
    }

    /** A sample of answers of every kind: 200, 201, 204, 400, 401, 403, 404, 405, 409, 410. */
    private List<Service.Response> sample(Map<String, String> headers) {
        String owner = service.token(Service.OWNER);
        String admin = service.adminToken();
        String deletable = Service.roomId("http-del");
        service.room(deletable, Duration.ofDays(1));
        List<Service.Response> out = new ArrayList<>();
        out.add(service.call("GET", "/rooms/" + ROOM + "/invite-options", owner, null, headers));
        out.add(service.call("POST", Manage.invites(ROOM), owner, Service.inviteBody("s" + System.nanoTime() + "@example.org", "VIEWER"), headers));
        out.add(service.call("DELETE", "/admin/rooms/" + deletable, admin, null, headers));
        out.add(service.call("POST", Manage.invites(ROOM), owner, Map.of("email", "bad"), headers));
        out.add(service.call("GET", Manage.invites(ROOM), null, null, headers));
        out.add(service.call("GET", "/admin/settings", owner, null, headers));
        out.add(service.call("GET", "/no/such/route", owner, null, headers));
        out.add(service.call("PATCH", Manage.invites(ROOM), owner, null, headers));
        out.add(service.call("POST", Manage.invite(ROOM, inviteId) + "/promote", owner, Map.of("role", "VIEWER"), headers));
        out.add(service.call("GET", "/rooms/" + deletable + "/invite-options", owner, null, headers));
        out.add(service.call("OPTIONS", Manage.invites(ROOM), null, null, headers));
        List<Integer> statuses = out.stream().map(Service.Response::status).toList();
        assertEquals(List.of(200, 201, 204, 400, 401, 403, 404, 405, 409, 410, 204), statuses);
        return out;
    }

    @Test
    void everyAnswerHasARequestIdAndErrorsRepeatIt() {
        Set<String> ids = new HashSet<>();
        for (Service.Response r : sample(Map.of())) {
            String id = r.header("X-Request-Id");
            assertNotNull(id, () -> "no X-Request-Id on " + r);
            assertTrue(ids.add(id), "request ids are unique");
            if (r.status() >= 400) {
                assertEquals(id, r.obj("error").get("requestId"), r::toString);
                assertTrue(r.header("Content-Type").startsWith("application/json"), r::toString);
                assertTrue(((String) r.obj("error").get("message")).length() > 10, r::toString);
                Manage.assertNoLeak(r);
            }
        }
    }

    @Test
    void errorsHaveOneShape() {
        for (Service.Response r : sample(Map.of())) {
            if (r.status() < 400) {
                continue;
            }
            assertEquals(Set.of("error"), r.json().keySet(), r::toString);
            Set<String> keys = new HashSet<>(r.obj("error").keySet());
            assertTrue(keys.containsAll(Set.of("code", "message", "requestId")), r::toString);
            keys.removeAll(Set.of("code", "message", "requestId", "fields"));
            assertEquals(Set.of(), keys, () -> "unexpected members in " + r);
        }
    }

    @Test
    void corsForTheConfiguredOriginOnly() {
        for (Service.Response r : sample(Map.of("Origin", ALLOWED))) {
            assertEquals(ALLOWED, r.header("Access-Control-Allow-Origin"), r::toString);
            assertTrue(r.header("Vary").contains("Origin"));
            assertTrue(r.header("Access-Control-Expose-Headers").toLowerCase().contains("x-request-id"));
        }
        for (String origin : List.of("https://evil.example", "https://app.example.com.evil.example", "http://app.example.com",
                "null", "https://APP.example.com:443")) {
            for (Service.Response r : sample(Map.of("Origin", origin))) {
                assertNull(r.header("Access-Control-Allow-Origin"), () -> origin + ": " + r);
            }
        }
        for (Service.Response r : sample(Map.of())) {
            assertNull(r.header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void theReplayHeaderIsExposedToTheFrontEnd() {
        Service.Response r = service.call("GET", "/rooms/" + ROOM + "/invite-options", service.token(Service.OWNER), null,
                Map.of("Origin", ALLOWED)).expect(200);
        assertTrue(r.header("Access-Control-Expose-Headers").toLowerCase().contains("idempotent-replayed"));
    }

    @Test
    void preflightOnEveryManagerAndAdminPath() {
        List<String> paths = List.of("/admin/settings", "/admin/rooms/" + ROOM, "/admin/users/a%40example.com",
                "/rooms/" + ROOM + "/invite-options", "/rooms/" + ROOM + "/invitee-suggestions", Manage.invites(ROOM),
                Manage.invite(ROOM, inviteId), Manage.invite(ROOM, inviteId) + "/promote", Manage.invite(ROOM, inviteId) + "/resend");
        for (String path : paths) {
            Service.Response r = service.call("OPTIONS", path, null, null, Map.of("Origin", ALLOWED,
                    "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type, idempotency-key"));
            r.expect(204);
            assertNull(r.body());
            assertEquals(ALLOWED, r.header("Access-Control-Allow-Origin"));
            String methods = r.header("Access-Control-Allow-Methods");
            assertNotNull(methods, path);
            for (String m : List.of("GET", "POST", "PUT", "DELETE")) {
                assertTrue(methods.contains(m), () -> path + " allows " + methods);
            }
            String headers = r.header("Access-Control-Allow-Headers").toLowerCase();
            for (String h : List.of("authorization", "content-type", "idempotency-key")) {
                assertTrue(headers.contains(h), () -> path + " allows headers " + headers);
            }
            assertNotNull(r.header("X-Request-Id"));
        }
        // another origin learns nothing from a preflight
        Service.Response other = service.call("OPTIONS", Manage.invites(ROOM), null, null, Map.of("Origin", "https://evil.example"));
        assertNull(other.header("Access-Control-Allow-Origin"));
        assertNull(other.header("Access-Control-Allow-Methods"));
        // a preflight of an unknown path from an allowed origin passes, so that the page then reads the real answer
        // (404 ROUTE_NOT_FOUND, below) rather than an opaque network failure; from another origin it is not found
        service.call("OPTIONS", "/no/such/route", null, null, Map.of("Origin", ALLOWED)).expect(204);
        service.call("GET", "/no/such/route", null, null, Map.of("Origin", ALLOWED)).expectError(404, "ROUTE_NOT_FOUND");
        service.call("OPTIONS", "/no/such/route", null, null, Map.of("Origin", "https://evil.example")).expectError(404, "ROUTE_NOT_FOUND");
    }

    @Test
    void unknownPathsAreNotFound() {
        for (String path : List.of("/", "/rooms", "/rooms/" + ROOM, "/rooms/" + ROOM + "/invites/" + inviteId + "/unknown",
                "/admin", "/admin/rooms", "/admin/settings/extra", "/rooms//invites", "/ROOMS/" + ROOM + "/invites",
                "/rooms/%ZZ/invites", "/v2/rooms/" + ROOM + "/invites", "/rooms/" + ROOM + "/invites/" + inviteId + "/promote/x")) {
            Service.Response r = service.call("GET", path, service.token(Service.OWNER), null);
            try {
                r.expectError(404, "ROUTE_NOT_FOUND");
            } catch (AssertionError e) {
                throw new AssertionError(path + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void aTrailingSlashIsTheSameRoute() {
        service.call("GET", "/rooms/" + ROOM + "/invite-options/", service.token(Service.OWNER), null).expect(200);
    }

    @Test
    void wrongMethodsOnKnownPaths() {
        Object[][] cases = {
                {"POST", "/admin/settings"}, {"DELETE", "/admin/settings"}, {"GET", "/admin/rooms/" + ROOM},
                {"POST", "/admin/rooms/" + ROOM}, {"GET", "/admin/users/a%40example.com"}, {"DELETE", "/admin/users/a%40example.com"},
                {"POST", "/rooms/" + ROOM + "/invite-options"}, {"DELETE", "/rooms/" + ROOM + "/invitee-suggestions"},
                {"PUT", Manage.invites(ROOM)}, {"DELETE", Manage.invites(ROOM)}, {"GET", Manage.invite(ROOM, inviteId)},
                {"PUT", Manage.invite(ROOM, inviteId)}, {"GET", Manage.invite(ROOM, inviteId) + "/promote"},
                {"PUT", Manage.invite(ROOM, inviteId) + "/resend"}, {"PATCH", "/admin/settings"}, {"HEAD", Manage.invites(ROOM)},
        };
        for (Object[] c : cases) {
            Service.Response r = service.call((String) c[0], (String) c[1], service.token(Service.OWNER), null);
            try {
                r.expectError(405, "METHOD_NOT_ALLOWED");
                String allow = r.header("Allow");
                assertNotNull(allow, "a 405 names the allowed methods");
                assertTrue(!allow.contains((String) c[0]) && allow.contains("OPTIONS"), allow);
                // the message says what to do instead, as every error message must (docs/api.md: "with the remedy")
                String message = (String) r.obj("error").get("message");
                for (String m : allow.split(", ")) {
                    if (!m.equals("OPTIONS")) {
                        assertTrue(message.contains(m), () -> "the message names " + m + ": " + message);
                    }
                }
            } catch (AssertionError e) {
                throw new AssertionError(c[0] + " " + c[1] + ": " + e.getMessage(), e);
            }
        }
        assertEquals(Set.of("GET", "POST", "OPTIONS"), Set.of(service.call("PUT", Manage.invites(ROOM), service.token(Service.OWNER), null)
                .header("Allow").split(", ")));
        assertEquals(Set.of("PUT", "DELETE", "OPTIONS"), Set.of(service.call("GET", "/admin/rooms/" + ROOM, service.adminToken(), null)
                .header("Allow").split(", ")));
        // the invite was not touched by any of them
        assertEquals("PENDING", service.listed(ROOM, inviteId).get("status"));
    }

    @Test
    void answersAreNotCached() {
        Service.Response r = service.call("GET", Manage.invites(ROOM), service.token(Service.OWNER), null).expect(200);
        assertEquals("no-store", r.header("Cache-Control"));
    }
}
