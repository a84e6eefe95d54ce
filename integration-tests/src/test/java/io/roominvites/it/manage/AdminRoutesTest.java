package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.tokens.LocalIdentityProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.manage.Manage.expectFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Site administration: who may call it, settings, rooms and the user directory. */
class AdminRoutesTest extends ServiceTest {

    private String admin;

    @BeforeEach
    void baseline() {
        admin = service.adminToken();
        service.enableInvitations();
    }

    private static Map<String, Object> settingsBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("emailTemplateName", null);
        body.put("blockedDomains", List.of());
        body.put("linkTtlMinutes", 1440);
        body.put("linkBaseUrl", "https://events.example.com/join");
        return body;
    }

    private Map<String, Object> roomBody() {
        Instant start = service.clock().instant().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Next-Level Growth");
        body.put("description", "A focused 45-minute session.");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofMinutes(45)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        body.put("coOwners", List.of());
        body.put("coEditors", List.of());
        body.put("coPublishers", List.of());
        return body;
    }

    private Service.Response putSettings(Map<String, Object> body) {
        return service.call("PUT", "/admin/settings", admin, body);
    }

    private Service.Response putSettings(String field, Object value) {
        Map<String, Object> body = settingsBody();
        body.put(field, value);
        return putSettings(body);
    }

    private Service.Response putRoom(String roomId, String field, Object value) {
        Map<String, Object> body = roomBody();
        if (value == REMOVE) {
            body.remove(field);
        } else {
            body.put(field, value);
        }
        return service.call("PUT", "/admin/rooms/" + roomId, admin, body);
    }

    private static final Object REMOVE = new Object();

    /** Each admin route with a body that would succeed for an admin. */
    private List<Object[]> adminRoutes() {
        String room = Service.roomId("adm-auth");
        service.room(room, Duration.ofDays(1));
        List<Object[]> routes = new ArrayList<>();
        routes.add(new Object[]{"GET", "/admin/settings", null});
        routes.add(new Object[]{"PUT", "/admin/settings", settingsBody()});
        routes.add(new Object[]{"PUT", "/admin/rooms/" + Service.roomId("adm-auth-new"), roomBody()});
        routes.add(new Object[]{"DELETE", "/admin/rooms/" + room, null});
        routes.add(new Object[]{"PUT", "/admin/users/someone%40example.com", Map.of("firstName", "Some", "lastName", "One")});
        return routes;
    }

    // ------------------------------------------------------------------ who may call

    @Test
    void nonAdminsGetForbiddenOnEveryAdminRoute() {
        for (String who : List.of(Service.OWNER, Manage.STRANGER)) {
            for (Object[] route : adminRoutes()) {
                Service.Response r = service.call((String) route[0], (String) route[1], service.token(who), route[2]);
                r.expectError(403, "FORBIDDEN");
            }
        }
        // and nothing was changed by them
        Service.Response settings = service.call("GET", "/admin/settings", admin, null).expect(200);
        assertEquals(true, settings.json().get("inviteToMediaEnabled"));
        service.call("PUT", "/admin/users/someone%40example.com", admin, Map.of("firstName", "Some", "lastName", "One")).expect(200);
    }

    @Test
    void nonAdminsAreForbiddenBeforeTheirBodyIsLookedAt() {
        String owner = service.token(Service.OWNER);
        service.call("PUT", "/admin/settings", owner, Map.of("linkTtlMinutes", "x")).expectError(403, "FORBIDDEN");
        service.call("PUT", "/admin/settings", owner, "not json").expectError(403, "FORBIDDEN");
        service.call("PUT", "/admin/rooms/" + Service.roomId("adm-order"), owner, Map.of("title", 1)).expectError(403, "FORBIDDEN");
        service.call("PUT", "/admin/users/not-an-email", owner, Map.of()).expectError(403, "FORBIDDEN");
        service.call("DELETE", "/admin/rooms/" + Service.roomId("adm-order-missing"), owner, null).expectError(403, "FORBIDDEN");
    }

    @Test
    void missingOrBadTokensGetUnauthenticatedOnEveryAdminRoute() {
        LocalIdentityProvider otherIdp = new LocalIdentityProvider("http://127.0.0.1:3000/local-idp",
                io.roominvites.local.LocalServices.IDP_AUDIENCE, service.clock());
        String forged = otherIdp.mint(Service.ADMIN, "Site", "Admin", true, Duration.ofHours(1));
        String wrongAudience = new LocalIdentityProvider("http://127.0.0.1:3000/local-idp", "another-app", service.clock())
                .mint(Service.ADMIN, "Site", "Admin", true, Duration.ofHours(1));
        String expiring = service.services().identityProvider().mint(Service.ADMIN, "Site", "Admin", true, Duration.ofMinutes(1));
        List<Object[]> routes = adminRoutes();
        for (Object[] route : routes) {
            String method = (String) route[0];
            String path = (String) route[1];
            service.call(method, path, null, route[2]).expectError(401, "UNAUTHENTICATED");
            service.call(method, path, "not-a-jwt", route[2]).expectError(401, "UNAUTHENTICATED");
            service.call(method, path, "a.b.c", route[2]).expectError(401, "UNAUTHENTICATED");
            service.call(method, path, forged, route[2]).expectError(401, "UNAUTHENTICATED");
            service.call(method, path, wrongAudience, route[2]).expectError(401, "UNAUTHENTICATED");
            service.call(method, path, null, route[2], Map.of("Authorization", "Basic YWRtaW46YWRtaW4="))
                    .expectError(401, "UNAUTHENTICATED");
            // an admin's token with its signature cut off
            String unsigned = admin.substring(0, admin.lastIndexOf('.') + 1);
            service.call(method, path, unsigned, route[2]).expectError(401, "UNAUTHENTICATED");
        }
        service.advance(Duration.ofMinutes(3)); // past exp plus the 60 s leeway
        for (Object[] route : routes) {
            service.call((String) route[0], (String) route[1], expiring, route[2]).expectError(401, "UNAUTHENTICATED");
        }
    }

    // ------------------------------------------------------------------ settings

    @Test
    void settingsRoundTripAndNormaliseBlockedDomains() {
        Map<String, Object> body = settingsBody();
        body.put("emailTemplateName", "room-invite_v2");
        body.put("blockedDomains", List.of("Blocked.Example", "@Other.EXAMPLE", "blocked.example", " spaced.example "));
        body.put("linkTtlMinutes", 90);
        body.put("linkBaseUrl", "https://events.example.com/join?src=invite");
        Service.Response saved = putSettings(body).expect(200);
        assertEquals(List.of("blocked.example", "other.example", "spaced.example"), saved.json().get("blockedDomains"));
        assertEquals("room-invite_v2", saved.json().get("emailTemplateName"));
        assertEquals(90L, ((Number) saved.json().get("linkTtlMinutes")).longValue());
        Service.Response read = service.call("GET", "/admin/settings", admin, null).expect(200);
        assertEquals(saved.json(), read.json());
        assertEquals("https://events.example.com/join?src=invite", read.json().get("linkBaseUrl"));
    }

    @Test
    void linkTtlMinutesDefaultsTo1440AndAcceptsItsBounds() {
        Map<String, Object> body = settingsBody();
        body.remove("linkTtlMinutes");
        assertEquals(1440L, ((Number) putSettings(body).expect(200).json().get("linkTtlMinutes")).longValue());
        body.put("linkTtlMinutes", null);
        assertEquals(1440L, ((Number) putSettings(body).expect(200).json().get("linkTtlMinutes")).longValue());
        assertEquals(5L, ((Number) putSettings("linkTtlMinutes", 5).expect(200).json().get("linkTtlMinutes")).longValue());
        assertEquals(43200L, ((Number) putSettings("linkTtlMinutes", 43200).expect(200).json().get("linkTtlMinutes")).longValue());
        assertEquals(60L, ((Number) putSettings("linkTtlMinutes", 60.0).expect(200).json().get("linkTtlMinutes")).longValue());
    }

    @Test
    void emptyTemplateNameMeansNone() {
        assertNull(putSettings("emailTemplateName", "").expect(200).json().get("emailTemplateName"));
        Map<String, Object> body = settingsBody();
        body.remove("emailTemplateName");
        assertNull(putSettings(body).expect(200).json().get("emailTemplateName"));
    }

    @Test
    void localhostLinkBasesMayUseHttp() {
        putSettings("linkBaseUrl", "http://localhost:5173/join").expect(200);
        putSettings("linkBaseUrl", "http://127.0.0.1:3000/join").expect(200);
        putSettings("linkBaseUrl", "https://events.example.com/join").expect(200);
    }

    @Test
    void eachBadSettingsFieldIsNamed() {
        Object[][] cases = {
                {"inviteToMediaEnabled", null}, {"inviteToMediaEnabled", "true"}, {"inviteToMediaEnabled", 1},
                {"emailTemplateName", "has space"}, {"emailTemplateName", "x".repeat(65)}, {"emailTemplateName", 12},
                {"emailTemplateName", "tmpl/../x"}, {"emailTemplateName", List.of("a")},
                {"blockedDomains", "example.com"}, {"blockedDomains", List.of("not a domain")},
                {"blockedDomains", List.of("localhost")}, {"blockedDomains", List.of("")}, {"blockedDomains", List.of(12)},
                {"blockedDomains", List.of("a@b.example")}, {"blockedDomains", Collections.nCopies(501, "x.example")},
                {"blockedDomains", Map.of("a", "b.example")},
                {"linkTtlMinutes", 4}, {"linkTtlMinutes", 0}, {"linkTtlMinutes", -1}, {"linkTtlMinutes", 43201},
                {"linkTtlMinutes", 5.5}, {"linkTtlMinutes", "60"}, {"linkTtlMinutes", true},
                {"linkTtlMinutes", Long.MAX_VALUE}, {"linkTtlMinutes", 1e300},
                {"linkBaseUrl", null}, {"linkBaseUrl", ""}, {"linkBaseUrl", "http://events.example.com/join"},
                {"linkBaseUrl", "https://events.example.com/join#frag"}, {"linkBaseUrl", "ftp://events.example.com/"},
                {"linkBaseUrl", "not a url"}, {"linkBaseUrl", "javascript:alert(1)"}, {"linkBaseUrl", "https:///join"},
                {"linkBaseUrl", "http://localhost.evil.example/join"}, {"linkBaseUrl", "//events.example.com/join"},
                {"linkBaseUrl", "https://" + "a".repeat(520) + ".example"}, {"linkBaseUrl", 42},
        };
        Map<String, Object> before = service.call("GET", "/admin/settings", admin, null).expect(200).json();
        for (Object[] c : cases) {
            Service.Response r = putSettings((String) c[0], c[1]);
            try {
                expectFields(r, (String) c[0]);
            } catch (AssertionError e) {
                throw new AssertionError(c[0] + " = " + c[1] + ": " + e.getMessage(), e);
            }
        }
        assertEquals(before, service.call("GET", "/admin/settings", admin, null).expect(200).json(),
                "refused settings changed nothing");
    }

    @Test
    void everyBadSettingsFieldIsReportedAtOnce() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", "yes");
        body.put("blockedDomains", List.of("nope"));
        body.put("linkTtlMinutes", 1);
        body.put("linkBaseUrl", "http://events.example.com");
        expectFields(putSettings(body), "inviteToMediaEnabled", "blockedDomains", "linkTtlMinutes", "linkBaseUrl");
    }

    @Test
    void settingsBodiesThatAreNotJsonObjects() {
        for (String raw : List.of("", "not json", "[]", "[1,2]", "\"text\"", "42", "{", "{\"inviteToMediaEnabled\": tru}")) {
            service.call("PUT", "/admin/settings", admin, raw).expectError(400, "INVALID_REQUEST");
        }
        service.call("PUT", "/admin/settings", admin, null).expectError(400, "INVALID_REQUEST");
    }

    // ------------------------------------------------------------------ rooms

    @Test
    void putRoomAnswersTheNormalisedRoomAndIsIdempotent() {
        String room = Service.roomId("adm-room");
        Map<String, Object> body = roomBody();
        body.put("owner", "  Owner@Example.COM ");
        body.put("coOwners", List.of("Co.Owner@Example.com", "co.owner@example.com"));
        body.put("coEditors", List.of(Manage.CO_EDITOR));
        body.put("coPublishers", List.of(Manage.CO_PUBLISHER));
        Service.Response first = service.call("PUT", "/admin/rooms/" + room, admin, body).expect(200);
        assertEquals(room, first.json().get("roomId"));
        assertEquals(Service.OWNER, first.json().get("owner"));
        assertEquals(List.of(Manage.CO_OWNER), first.json().get("coOwners"));
        assertEquals(List.of(Manage.CO_EDITOR), first.json().get("coEditors"));
        assertEquals(List.of(Manage.CO_PUBLISHER), first.json().get("coPublishers"));
        assertEquals(body.get("startsAt"), first.json().get("startsAt"));
        assertEquals(body.get("endsAt"), first.json().get("endsAt"));
        assertEquals(true, first.json().get("chatAndCollaborationEnabled"));
        assertEquals("Next-Level Growth", first.json().get("title"));

        Service.Response again = service.call("PUT", "/admin/rooms/" + room, admin, body).expect(200);
        Map<String, Object> a = new LinkedHashMap<>(first.json());
        Map<String, Object> b = new LinkedHashMap<>(again.json());
        a.remove("updatedAt");
        b.remove("updatedAt");
        assertEquals(a, b, "re-PUT of the same room answers the same room");

        // a replacement takes effect: chat & collaboration off shows in the manager's options
        body.put("chatAndCollaborationEnabled", false);
        service.call("PUT", "/admin/rooms/" + room, admin, body).expect(200);
        Service.Response options = service.call("GET", "/rooms/" + room + "/invite-options", service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of("CHAT_AND_COLLABORATION_DISABLED"), options.json().get("reasons"));
    }

    @Test
    void descriptionIsOptional() {
        String room = Service.roomId("adm-nodesc");
        Service.Response r = putRoom(room, "description", REMOVE).expect(200);
        assertEquals("", r.json().get("description"));
    }

    @Test
    void eachBadRoomFieldIsNamed() {
        String room = Service.roomId("adm-bad");
        Object[][] cases = {
                {"title", REMOVE}, {"title", ""}, {"title", "   "}, {"title", "t".repeat(201)}, {"title", 5},
                {"title", "be\u0007ll"},
                {"description", "d".repeat(5001)}, {"description", List.of()},
                {"startsAt", REMOVE}, {"startsAt", "tomorrow"}, {"startsAt", "2026-11-23 20:00"}, {"startsAt", 1764000000},
                {"endsAt", REMOVE}, {"endsAt", "2026-13-01T00:00:00Z"},
                {"startsAt", "+999999999-12-31T23:59:59Z"}, {"startsAt", "-999999999-01-01T00:00:00Z"},
                {"startsAt", "1969-12-31T23:59:59Z"}, {"endsAt", "+10000-01-01T00:00:00Z"},
                {"chatAndCollaborationEnabled", REMOVE}, {"chatAndCollaborationEnabled", "false"},
                {"owner", REMOVE}, {"owner", ""}, {"owner", "not-an-email"}, {"owner", "a@b"}, {"owner", List.of(Service.OWNER)},
                {"coOwners", "x@example.com"}, {"coOwners", List.of("bad")}, {"coEditors", List.of(Service.OWNER, "x@")},
                {"coPublishers", List.of(3)}, {"coPublishers", List.of("")},
        };
        for (Object[] c : cases) {
            try {
                expectFields(putRoom(room, (String) c[0], c[1]), (String) c[0]);
            } catch (AssertionError e) {
                throw new AssertionError(c[0] + " = " + c[1] + ": " + e.getMessage(), e);
            }
        }
        // none of those created the room
        service.call("GET", "/rooms/" + room + "/invite-options", service.token(Service.OWNER), null)
                .expectError(404, "ROOM_NOT_FOUND");
    }

    @Test
    void endsAtMustBeAfterStartsAt() {
        String room = Service.roomId("adm-times");
        Map<String, Object> body = roomBody();
        body.put("endsAt", body.get("startsAt"));
        expectFields(service.call("PUT", "/admin/rooms/" + room, admin, body), "endsAt");
        Instant start = Instant.parse((String) body.get("startsAt"));
        body.put("endsAt", start.minusSeconds(60).toString());
        expectFields(service.call("PUT", "/admin/rooms/" + room, admin, body), "endsAt");
        body.put("endsAt", start.plusSeconds(1).toString());
        service.call("PUT", "/admin/rooms/" + room, admin, body).expect(200);
    }

    @Test
    void badRoomIdsAreRefused() {
        for (String id : List.of("has.dot", "x".repeat(65), "sp%20ace", "semi%3Bcolon", "%C3%BC")) {
            service.call("PUT", "/admin/rooms/" + id, admin, roomBody()).expectError(400, "INVALID_REQUEST");
        }
        service.call("PUT", "/admin/rooms/" + "x".repeat(64), admin, roomBody()).expect(200);
    }

    // ------------------------------------------------------------------ deleting rooms

    @Test
    void deleteRoomIsIdempotentAndTheRoomStaysDeleted() {
        String room = Service.roomId("adm-del");
        service.room(room, Duration.ofDays(1));
        Service.Response created = service.invite(room, "guest@example.org", "VIEWER");
        String inviteId = Service.inviteId(created);
        String owner = service.token(Service.OWNER);

        Service.Response deleted = service.call("DELETE", "/admin/rooms/" + room, admin, null).expect(204);
        assertNull(deleted.body());
        assertNotNull(deleted.header("X-Request-Id"));
        service.call("DELETE", "/admin/rooms/" + room, admin, null).expect(204);

        // every manager route answers ROOM_DELETED
        service.call("GET", "/rooms/" + room + "/invite-options", owner, null).expectError(410, "ROOM_DELETED");
        service.call("GET", "/rooms/" + room + "/invitee-suggestions?q=a", owner, null).expectError(410, "ROOM_DELETED");
        service.call("POST", Manage.invites(room), owner, Service.inviteBody("new@example.org", "VIEWER"))
                .expectError(410, "ROOM_DELETED");
        service.call("GET", Manage.invites(room), owner, null).expectError(410, "ROOM_DELETED");
        service.call("DELETE", Manage.invite(room, inviteId), owner, null).expectError(410, "ROOM_DELETED");
        service.call("POST", Manage.invite(room, inviteId) + "/promote", owner, Map.of("role", "SPEAKER"))
                .expectError(410, "ROOM_DELETED");
        service.call("POST", Manage.invite(room, inviteId) + "/resend", owner, null).expectError(410, "ROOM_DELETED");
        // and so do its links
        service.preview(Service.linkToken(created), null).expectError(410, "ROOM_DELETED");

        // a deleted room can't be re-created under the same id
        service.call("PUT", "/admin/rooms/" + room, admin, roomBody()).expectError(410, "ROOM_DELETED");
        service.call("GET", "/rooms/" + room + "/invite-options", owner, null).expectError(410, "ROOM_DELETED");
    }

    @Test
    void deletingAnUnknownRoomIsNotFound() {
        service.call("DELETE", "/admin/rooms/" + Service.roomId("never-created"), admin, null).expectError(404, "ROOM_NOT_FOUND");
    }

    // ------------------------------------------------------------------ users

    @Test
    void putUserWithAnEncodedEmailFeedsTheSuggestions() {
        String room = Service.roomId("adm-users");
        service.room(room, Duration.ofDays(1));
        Service.Response r = service.call("PUT", "/admin/users/Wendy.Walker%40Example.com", admin,
                Map.of("firstName", " Wendy ", "lastName", "Walker")).expect(200);
        assertEquals("wendy.walker@example.com", r.json().get("email"));
        assertEquals("Wendy", r.json().get("firstName"));
        assertEquals("Walker", r.json().get("lastName"));
        // an unencoded @ works as well, and a second PUT replaces the names
        service.call("PUT", "/admin/users/vince.vega@example.com", admin, Map.of("firstName", "Vince", "lastName", "Vega"))
                .expect(200);
        service.call("PUT", "/admin/users/vince.vega%40example.com", admin, Map.of("firstName", "Vincent", "lastName", "Vega"))
                .expect(200);

        Service.Response s = service.call("GET", "/rooms/" + room + "/invitee-suggestions?q=wEnDy",
                service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of(Map.of("email", "wendy.walker@example.com", "firstName", "Wendy", "lastName", "Walker")),
                s.list("users"));
        Service.Response v = service.call("GET", "/rooms/" + room + "/invitee-suggestions?q=vin",
                service.token(Service.OWNER), null).expect(200);
        assertEquals(List.of(Map.of("email", "vince.vega@example.com", "firstName", "Vincent", "lastName", "Vega")),
                v.list("users"));
        // the old first name no longer finds him
        assertEquals(List.of(), service.call("GET", "/rooms/" + room + "/invitee-suggestions?q=vince",
                service.token(Service.OWNER), null).expect(200).list("users").stream()
                .filter(u -> "Vince".equals(u.get("firstName"))).toList());
    }

    @Test
    void putUserValidation() {
        for (String bad : List.of("not-an-email", "missing-at.example.com", "two%40at%40example.com", "a%40b", "%40example.com")) {
            expectFields(service.call("PUT", "/admin/users/" + bad, admin, Map.of("firstName", "A", "lastName", "B")), "email");
        }
        expectFields(service.call("PUT", "/admin/users/ok%40example.com", admin, Map.of("lastName", "B")), "firstName");
        expectFields(service.call("PUT", "/admin/users/ok%40example.com", admin, Map.of("firstName", "A", "lastName", "")),
                "lastName");
        expectFields(service.call("PUT", "/admin/users/ok%40example.com", admin,
                Map.of("firstName", "A".repeat(101), "lastName", 7)), "firstName", "lastName");
        service.call("PUT", "/admin/users/ok%40example.com", admin, "nope").expectError(400, "INVALID_REQUEST");
    }

    @Test
    void nonAdminsCannotPutUsers() {
        service.call("PUT", "/admin/users/sneaky%40example.com", service.token(Service.OWNER),
                Map.of("firstName", "Sneaky", "lastName", "Pete")).expectError(403, "FORBIDDEN");
        String room = Service.roomId("adm-sneaky");
        service.room(room, Duration.ofDays(1));
        assertTrue(service.call("GET", "/rooms/" + room + "/invitee-suggestions?q=sneaky", service.token(Service.OWNER), null)
                .expect(200).list("users").isEmpty());
    }
}
