package io.roominvites.it.manage;

import io.roominvites.json.Json;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.manage.Manage.refusedWithoutWrites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /rooms/{roomId}/invites: validation, refusals that write nothing, the answer's shape, idempotency. */
class CreateInviteTest extends ServiceTest {
    private static final String ROOM = "create-room";
    private static final Object REMOVE = new Object();

    @Override
    protected void afterStart() {
        service.room(ROOM, Duration.ofDays(1), Duration.ofHours(1), true, List.of(Manage.CO_OWNER), List.of(), List.of());
    }

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private Service.Response create(Object body) {
        return service.call("POST", Manage.invites(ROOM), service.token(Service.OWNER), body);
    }

    private Service.Response create(Object body, String idempotencyKey) {
        return create(ROOM, Service.OWNER, body, idempotencyKey);
    }

    private Service.Response create(String room, String as, Object body, String idempotencyKey) {
        return service.call("POST", Manage.invites(room), service.token(as), body, Map.of("Idempotency-Key", idempotencyKey));
    }

    private static Map<String, Object> body(String field, Object value) {
        Map<String, Object> b = new LinkedHashMap<>(Service.inviteBody("valid@example.org", "VIEWER"));
        if (value == REMOVE) {
            b.remove(field);
        } else {
            b.put(field, value);
        }
        return b;
    }

    // ------------------------------------------------------------------ the answer

    @Test
    void theCreatedAnswersShape() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("email", "  Gia.Guest@Example.ORG ");
        b.put("firstName", " Gia ");
        b.put("lastName", "Guest");
        b.put("role", "speaker");
        b.put("sendEmail", false);
        Instant before = service.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        Service.Response r = create(b).expect(201);
        Instant after = service.clock().instant();
        assertEquals(java.util.Set.of("invite", "link", "accessCode", "email"), r.json().keySet());
        assertTrue(String.valueOf(r.json().get("accessCode")).matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"), r.body());

        Map<String, Object> invite = r.obj("invite");
        assertTrue(invite.keySet().containsAll(Manage.INVITE_FIELDS), () -> "invite fields: " + invite.keySet());
        assertTrue(Ids.looksLikeInviteId((String) invite.get("inviteId")), () -> "inviteId " + invite.get("inviteId"));
        assertEquals(ROOM, invite.get("roomId"));
        assertEquals("gia.guest@example.org", invite.get("email"));
        assertEquals("Gia", invite.get("firstName"));
        assertEquals("Guest", invite.get("lastName"));
        assertEquals("SPEAKER", invite.get("role"));
        assertEquals("PENDING", invite.get("status"));
        assertEquals(Service.OWNER, invite.get("createdBy"));
        assertTrue(invite.containsKey("redeemedAt") && invite.get("redeemedAt") == null);
        assertTrue(invite.containsKey("revokedAt") && invite.get("revokedAt") == null);
        Instant createdAt = Instant.parse((String) invite.get("createdAt"));
        assertFalse(createdAt.isBefore(before) || createdAt.isAfter(after), "createdAt is now");
        Instant expiresAt = Instant.parse((String) invite.get("expiresAt"));
        // expiresAt is createdAt + linkTtlMinutes, to the second (the link token's exp is in whole seconds)
        assertEquals(createdAt.plus(Duration.ofMinutes(1440)).truncatedTo(ChronoUnit.SECONDS), expiresAt);

        assertEquals(Map.of("status", "NOT_REQUESTED"), r.obj("email"));
        String link = (String) r.json().get("link");
        assertTrue(link.startsWith("https://events.example.com/join#invite="), link);
        assertNull(r.header("Idempotent-Replayed"));
        assertTrue(r.header("Content-Type").startsWith("application/json"));

        // listed as created
        Map<String, Object> listed = service.call("GET", Manage.invites(ROOM) + "?limit=1", service.token(Service.OWNER), null)
                .expect(200).list("invites").getFirst();
        assertEquals(invite, listed);
    }

    @Test
    void expiresAtFollowsLinkTtlMinutes() {
        service.settings(true, null, List.of(), 5);
        Map<String, Object> invite = create(body("email", "ttl5@example.org")).expect(201).obj("invite");
        Instant createdAt = Instant.parse((String) invite.get("createdAt"));
        assertEquals(createdAt.plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS),
                Instant.parse((String) invite.get("expiresAt")));
        service.settings(true, null, List.of(), 43200);
        invite = create(body("email", "ttl30d@example.org")).expect(201).obj("invite");
        createdAt = Instant.parse((String) invite.get("createdAt"));
        assertEquals(createdAt.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS),
                Instant.parse((String) invite.get("expiresAt")));
    }

    @Test
    void theLinkTokenCarriesNoPersonalData() throws Exception {
        Map<String, Object> b = new LinkedHashMap<>(Service.inviteBody("Private.Person@Secret-Corp.example", "MODERATOR"));
        b.put("firstName", "Priscilla");
        b.put("lastName", "Privacy");
        Service.Response r = create(b).expect(201);
        String token = Service.linkToken(r);
        assertFalse(token.contains("?") || token.contains("&") || token.contains("#"), "one fragment value");
        String payload = Service.jwsPayload(token);
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
        for (String s : new String[]{payload.toLowerCase(), header.toLowerCase()}) {
            for (String personal : List.of("private", "person", "secret-corp", "priscilla", "privacy", "@")) {
                assertFalse(s.contains(personal), () -> "'" + personal + "' in the link token: " + s);
            }
        }
        Map<String, Object> claims = Json.parseObject(payload);
        assertEquals(java.util.Set.of("iss", "inv", "iat", "exp"), claims.keySet(), payload);
        assertEquals(Instant.parse((String) r.obj("invite").get("expiresAt")).getEpochSecond(), ((Number) claims.get("exp")).longValue());
    }

    // ------------------------------------------------------------------ validation

    @Test
    void eachBadFieldIsNamedAndNothingIsWritten() {
        Object[][] cases = {
                {"email", REMOVE}, {"email", ""}, {"email", "   "}, {"email", "not-an-email"}, {"email", "a@b"},
                {"email", "two@@example.org"}, {"email", "x".repeat(250) + "@example.org"}, {"email", 42},
                {"email", List.of("a@example.org")}, {"email", "ü@example.org"},
                {"firstName", REMOVE}, {"firstName", ""}, {"firstName", "  "}, {"firstName", "f".repeat(101)}, {"firstName", 1},
                {"firstName", "nul\u0000l"},
                {"lastName", REMOVE}, {"lastName", ""}, {"lastName", "l".repeat(101)}, {"lastName", false},
                {"role", REMOVE}, {"role", ""}, {"role", "ADMIN"}, {"role", "OWNER"}, {"role", "viewers"}, {"role", 1},
                {"role", List.of("VIEWER")},
                {"sendEmail", "true"}, {"sendEmail", 1}, {"sendEmail", "yes"}, {"sendEmail", List.of()},
        };
        List<String> before = Manage.allInviteIds(service, ROOM);
        service.calls().reset();
        for (Object[] c : cases) {
            try {
                Manage.expectFields(create(body((String) c[0], c[1])), (String) c[0]);
            } catch (AssertionError e) {
                throw new AssertionError(c[0] + " = " + c[1] + ": " + e.getMessage(), e);
            }
        }
        assertEquals(List.of(), Manage.writes(service));
        assertEquals(before, Manage.allInviteIds(service, ROOM));
    }

    @Test
    void namesOfExactlyOneHundredCharactersAndOmittedSendEmailAreFine() {
        Map<String, Object> b = body("firstName", "f".repeat(100));
        b.put("lastName", "l".repeat(100));
        b.remove("sendEmail");
        b.put("email", "hundred@example.org");
        Service.Response r = create(b).expect(201);
        assertEquals("f".repeat(100), r.obj("invite").get("firstName"));
        assertEquals(Map.of("status", "NOT_REQUESTED"), r.obj("email"));
    }

    @Test
    void allFieldProblemsAtOnce() {
        Manage.expectFields(create(Map.of("sendEmail", "no")), "email", "firstName", "lastName", "role", "sendEmail");
    }

    @Test
    void bodiesThatAreNotJsonObjectsOrTooLarge() {
        List<Object> bodies = new java.util.ArrayList<>(List.of("", "   ", "not json", "[]", "[{\"email\":\"a@example.org\"}]",
                "\"a string\"", "42", "true", "{\"email\": \"a@example.org\"", "{'email': 'a@example.org'}",
                "{\"email\":\"a@example.org\",\"email\":\"b@example.org\"}"));
        Map<String, Object> huge = body("firstName", "Gia");
        huge.put("padding", "p".repeat(17 * 1024));
        bodies.add(huge);
        Map<String, Object> hugeUnicode = body("firstName", "Gia");
        hugeUnicode.put("padding", "\u00e9".repeat(9 * 1024)); // 9 K characters, 18 KB of UTF-8
        bodies.add(hugeUnicode);
        for (Object raw : bodies) {
            Service.Response r = refusedWithoutWrites(service, ROOM, () -> create(raw));
            try {
                r.expectError(400, "INVALID_REQUEST");
            } catch (AssertionError e) {
                throw new AssertionError("body " + String.valueOf(raw).substring(0, Math.min(60, String.valueOf(raw).length())) + ": " + e.getMessage(), e);
            }
        }
        refusedWithoutWrites(service, ROOM, () -> create(null)).expectError(400, "INVALID_REQUEST");
    }

    @Test
    void unknownFieldsAreIgnored() {
        Map<String, Object> b = body("email", "extra@example.org");
        b.put("status", "REDEEMED");
        b.put("inviteId", "01AAAAAAAAAAAAAAAAAAAAAAAA");
        Map<String, Object> invite = create(b).expect(201).obj("invite");
        assertEquals("PENDING", invite.get("status"));
        assertNotEquals("01AAAAAAAAAAAAAAAAAAAAAAAA", invite.get("inviteId"));
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void featureDisabled() {
        service.settings(false, null, List.of(), 1440);
        refusedWithoutWrites(service, ROOM, () -> create(body("email", "off@example.org"))).expectError(403, "FEATURE_DISABLED");
    }

    @Test
    void chatAndCollaborationDisabled() {
        String room = Service.roomId("create-nocc");
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), false, List.of(), List.of(), List.of());
        refusedWithoutWrites(service, room, () -> service.call("POST", Manage.invites(room), service.token(Service.OWNER),
                body("email", "nocc@example.org"))).expectError(409, "CHAT_AND_COLLABORATION_DISABLED");
    }

    @Test
    void sessionEnded() {
        String room = Service.roomId("create-ended");
        service.room(room, Duration.ofHours(-3));
        refusedWithoutWrites(service, room, () -> service.call("POST", Manage.invites(room), service.token(Service.OWNER),
                body("email", "late@example.org"))).expectError(410, "SESSION_ENDED");
    }

    @Test
    void blockedDomainsAndTheirSubdomains() {
        service.settings(true, null, List.of("blocked.example"), 1440);
        for (String email : List.of("a@blocked.example", "A@BLOCKED.EXAMPLE", "a@mail.blocked.example", "a@x.y.blocked.example")) {
            Service.Response r = refusedWithoutWrites(service, ROOM, () -> create(body("email", email)));
            r.expectError(403, "DOMAIN_BLOCKED");
            assertTrue(((String) r.obj("error").get("message")).contains("blocked.example"), r::toString);
        }
        create(body("email", "a@notblocked.example")).expect(201);
        create(body("email", "a@blocked.example.org")).expect(201);
    }

    @Test
    void sendEmailWithoutATemplate() {
        refusedWithoutWrites(service, ROOM, () -> create(body("sendEmail", true))).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        // a template name the gateway does not have (this service has no email gateway at all)
        service.settings(true, "room-invite", List.of(), 1440);
        refusedWithoutWrites(service, ROOM, () -> create(body("sendEmail", true))).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        // without sendEmail the invite is created and the link shared by hand
        create(body("sendEmail", false)).expect(201);
    }

    @Test
    void refusalsComeInTheContractsOrder() {
        // feature off and a blocked domain and sendEmail without template: FEATURE_DISABLED first
        service.settings(false, null, List.of("blocked.example"), 1440);
        Map<String, Object> b = body("email", "x@blocked.example");
        b.put("sendEmail", true);
        create(b).expectError(403, "FEATURE_DISABLED");
        service.settings(true, null, List.of("blocked.example"), 1440);
        create(b).expectError(403, "DOMAIN_BLOCKED");
        b.put("email", "x@fine.example");
        create(b).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        // validation comes before all of them
        b.put("role", "KING");
        Manage.expectFields(create(b), "role");
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void theSameKeyAndBodyAnswersTheSameInvite() {
        String room = Service.roomId("create-idem");
        service.room(room, Duration.ofDays(1));
        Service.Response first = create(room, Service.OWNER, Service.inviteBody("Idem@Example.org", "VIEWER"), "key-1").expect(201);
        assertNull(first.header("Idempotent-Replayed"));
        // the same request again, with the email written differently (it is the same invitee)
        Service.Response again = create(room, Service.OWNER, Service.inviteBody("idem@example.org ", "viewer"), "key-1").expect(201);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(first.obj("invite").get("inviteId"), again.obj("invite").get("inviteId"));
        assertEquals(first.obj("invite"), again.obj("invite"));
        assertEquals(Manage.linkClaims(first).get("inv"), Manage.linkClaims(again).get("inv"), "the link opens the same invite");
        assertEquals(List.of(first.obj("invite").get("inviteId")), Manage.allInviteIds(service, room));
    }

    @Test
    void theSameKeyWithAnotherBodyIsAConflict() {
        String room = Service.roomId("create-idem-conflict");
        service.room(room, Duration.ofDays(1));
        create(room, Service.OWNER, Service.inviteBody("one@example.org", "VIEWER"), "key-2").expect(201);
        refusedWithoutWrites(service, room, () -> create(room, Service.OWNER, Service.inviteBody("two@example.org", "VIEWER"), "key-2"))
                .expectError(409, "IDEMPOTENCY_CONFLICT");
        refusedWithoutWrites(service, room, () -> create(room, Service.OWNER, Service.inviteBody("one@example.org", "SPEAKER"), "key-2"))
                .expectError(409, "IDEMPOTENCY_CONFLICT");
        assertEquals(1, Manage.allInviteIds(service, room).size());
    }

    @Test
    void keysBelongToTheirCaller() {
        String room = Service.roomId("create-idem-callers");
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), true, List.of(Manage.CO_OWNER), List.of(), List.of());
        Map<String, Object> b = Service.inviteBody("shared@example.org", "VIEWER");
        Service.Response mine = create(room, Service.OWNER, b, "same-key").expect(201);
        Service.Response theirs = create(room, Manage.CO_OWNER, b, "same-key").expect(201);
        assertNull(theirs.header("Idempotent-Replayed"));
        assertNotEquals(mine.obj("invite").get("inviteId"), theirs.obj("invite").get("inviteId"));
        assertEquals(Manage.CO_OWNER, theirs.obj("invite").get("createdBy"));
        // and a stranger can't use someone's key to learn their invite
        create(room, Manage.STRANGER, b, "same-key").expectError(403, "NOT_ROOM_MANAGER");
        assertEquals(2, Manage.allInviteIds(service, room).size());
    }

    @Test
    void aRefusedRequestDoesNotUseUpItsKey() {
        String room = Service.roomId("create-idem-refused");
        service.room(room, Duration.ofDays(1));
        service.settings(false, null, List.of(), 1440);
        create(room, Service.OWNER, Service.inviteBody("later@example.org", "VIEWER"), "key-3").expectError(403, "FEATURE_DISABLED");
        service.enableInvitations();
        Service.Response r = create(room, Service.OWNER, Service.inviteBody("later@example.org", "VIEWER"), "key-3").expect(201);
        assertNull(r.header("Idempotent-Replayed"));
    }

    @Test
    void aReplayIsOnlyForWhoStillManagesALiveRoom() {
        String room = Service.roomId("create-idem-recheck");
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), true, List.of(Manage.CO_OWNER), List.of(), List.of());
        Map<String, Object> b = Service.inviteBody("recheck@example.org", "VIEWER");
        create(room, Manage.CO_OWNER, b, "key-4").expect(201);
        create(room, Service.OWNER, b, "key-5").expect(201);
        // the co-owner is removed from the room: retrying their request no longer hands out the link
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), true, List.of(), List.of(), List.of());
        create(room, Manage.CO_OWNER, b, "key-4").expectError(403, "NOT_ROOM_MANAGER");
        // the room is deleted: neither does the owner's
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        create(room, Service.OWNER, b, "key-5").expectError(410, "ROOM_DELETED");
    }

    @Test
    void badIdempotencyKeys() {
        for (String key : List.of("", " ", "has space", "ü", "x".repeat(129), "tab\tkey")) {
            Service.Response r = refusedWithoutWrites(service, ROOM, () -> create(body("email", "k@example.org"), key));
            try {
                Manage.expectFields(r, "Idempotency-Key");
            } catch (AssertionError e) {
                throw new AssertionError("key '" + key + "': " + e.getMessage(), e);
            }
        }
        create(body("email", "k@example.org"), "x".repeat(128)).expect(201);
    }

    /** Invite ids are 26 characters of Crockford base32, like a ULID. */
    private static final class Ids {
        static boolean looksLikeInviteId(String id) {
            return id != null && id.matches("[0-9A-HJKMNP-TV-Z]{26}");
        }
    }
}
