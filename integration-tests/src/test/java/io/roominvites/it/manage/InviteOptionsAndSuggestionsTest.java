package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the "Invite users" window needs: GET invite-options and the invitee drop-down. */
class InviteOptionsAndSuggestionsTest extends ServiceTest {
    private static final String ROOM = "opt-room";

    @Override
    protected void afterStart() {
        service.room(ROOM, Duration.ofDays(1));
        String admin = service.adminToken();
        for (int i = 1; i <= 12; i++) {
            String n = String.format("%02d", i);
            service.call("PUT", "/admin/users/alex" + n + "%40example.com", admin,
                    Map.of("firstName", "Alex", "lastName", "Number" + n)).expect(200);
        }
        service.call("PUT", "/admin/users/zq%40corp.example", admin, Map.of("firstName", "Zoe", "lastName", "Quinn")).expect(200);
        service.call("PUT", "/admin/users/mary.major%40example.com", admin, Map.of("firstName", "Mary", "lastName", "Major")).expect(200);
        service.call("PUT", "/admin/users/jose%40example.com", admin, Map.of("firstName", "José", "lastName", "Álvarez")).expect(200);
    }

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private Service.Response options(String roomId) {
        return service.call("GET", "/rooms/" + roomId + "/invite-options", service.token(Service.OWNER), null).expect(200);
    }

    private List<Map<String, Object>> suggest(String q) {
        return service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8),
                service.token(Service.OWNER), null).expect(200).list("users");
    }

    private static Set<String> emails(List<Map<String, Object>> users) {
        return users.stream().map(u -> (String) u.get("email")).collect(Collectors.toSet());
    }

    // ------------------------------------------------------------------ invite-options

    @Test
    void anOpenRoomWithEverythingOn() {
        Service.Response r = options(ROOM);
        assertEquals(Set.of("canInvite", "reasons", "roles", "sendEmailAvailable", "linkTtlMinutes", "linkMaxDevices",
                "lobbyAttempts", "defaultLocale", "locales", "room"), r.json().keySet());
        // (v3) the site's languages, each named in itself (the default settings offer English only)
        assertEquals("en", r.json().get("defaultLocale"));
        assertEquals(java.util.List.of(Map.of("id", "en", "label", "English")), r.json().get("locales"));
        assertEquals(5L, ((Number) r.json().get("lobbyAttempts")).longValue(), "the contract: 5 wrong emails lock");
        assertEquals(ROOM, r.obj("room").get("roomId"));
        assertTrue(r.obj("room").get("title") instanceof String t && !t.isBlank(), "the room is named: " + r.obj("room"));
        assertTrue(Instant.parse((String) r.obj("room").get("endsAt")).isAfter(Instant.parse((String) r.obj("room").get("startsAt"))));
        assertEquals(true, r.json().get("canInvite"));
        assertEquals(List.of(), r.json().get("reasons"));
        assertEquals(false, r.json().get("sendEmailAvailable"));
        assertEquals(1440L, ((Number) r.json().get("linkTtlMinutes")).longValue());
    }

    @Test
    void theThreeRolesLowestFirstWithTheSeedsPermissions() {
        List<Map<String, Object>> roles = options(ROOM).list("roles");
        assertEquals(List.of("VIEWER", "SPEAKER", "MODERATOR"), roles.stream().map(r -> r.get("id")).toList());
        assertEquals(List.of("Viewer", "Speaker", "Moderator"), roles.stream().map(r -> r.get("label")).toList());
        assertEquals(List.of("chat", "answer_interactions", "qna"), roles.get(0).get("permissions"));
        assertEquals(List.of("backchannel", "interactions", "qna"), roles.get(1).get("permissions"));
        assertEquals(List.of("backchannel", "initiate_interactions", "qna"), roles.get(2).get("permissions"));
        // readable labels for the window
        assertEquals(List.of("Chat", "Answer interactions", "Q&A"), roles.get(0).get("permissionLabels"));
        assertEquals(List.of("Backchannel", "Interactions", "Q&A"), roles.get(1).get("permissionLabels"));
        assertEquals(List.of("Backchannel", "Initiate interactions", "Q&A"), roles.get(2).get("permissionLabels"));
    }

    @Test
    void featureDisabled() {
        service.settings(false, null, List.of(), 1440);
        Service.Response r = options(ROOM);
        assertEquals(false, r.json().get("canInvite"));
        assertEquals(List.of("FEATURE_DISABLED"), r.json().get("reasons"));
        // the roles are still there for the window to render
        assertEquals(3, r.list("roles").size());
    }

    @Test
    void chatAndCollaborationDisabled() {
        String room = Service.roomId("opt-nocc");
        service.room(room, Duration.ofDays(1), Duration.ofHours(1), false, List.of(), List.of(), List.of());
        Service.Response r = options(room);
        assertEquals(false, r.json().get("canInvite"));
        assertEquals(List.of("CHAT_AND_COLLABORATION_DISABLED"), r.json().get("reasons"));
        service.settings(false, null, List.of(), 1440);
        assertEquals(List.of("FEATURE_DISABLED", "CHAT_AND_COLLABORATION_DISABLED"), options(room).json().get("reasons"));
    }

    @Test
    void sessionEnded() {
        String room = Service.roomId("opt-ended");
        service.room(room, Duration.ofHours(-2));
        Service.Response r = options(room);
        assertEquals(false, r.json().get("canInvite"));
        assertEquals(List.of("SESSION_ENDED"), r.json().get("reasons"));
        String open = Service.roomId("opt-open");
        service.room(open, Duration.ofMinutes(-30));
        assertEquals(true, options(open).json().get("canInvite"), "an open session still takes invites");
    }

    @Test
    void sendEmailIsUnavailableWithoutATemplateTheGatewayHas() {
        assertEquals(false, options(ROOM).json().get("sendEmailAvailable"));
        // this service has EmailGateway.NONE: a configured name the gateway does not know is not available either
        service.settings(true, "room-invite", List.of(), 1440);
        assertEquals(false, options(ROOM).json().get("sendEmailAvailable"));
    }

    @Test
    void linkTtlMinutesEchoesTheSettings() {
        service.settings(true, null, List.of(), 90);
        assertEquals(90L, ((Number) options(ROOM).json().get("linkTtlMinutes")).longValue());
        service.settings(true, null, List.of(), 43200);
        assertEquals(43200L, ((Number) options(ROOM).json().get("linkTtlMinutes")).longValue());
    }

    // ------------------------------------------------------------------ invitee-suggestions

    @Test
    void atMostTenMatches() {
        List<Map<String, Object>> users = suggest("alex");
        assertEquals(10, users.size());
        assertEquals(10, emails(users).size(), "no one twice");
        for (Map<String, Object> u : users) {
            assertEquals(Set.of("email", "firstName", "lastName"), u.keySet());
            assertTrue(((String) u.get("email")).startsWith("alex"));
            assertEquals("Alex", u.get("firstName"));
        }
    }

    @Test
    void prefixOfEmailFirstNameOrLastNameCaseInsensitive() {
        assertEquals(Set.of("zq@corp.example"), emails(suggest("zq")), "email prefix");
        assertEquals(Set.of("zq@corp.example"), emails(suggest("zq@corp.ex")), "email prefix with the at sign");
        assertEquals(Set.of("zq@corp.example"), emails(suggest("ZO")), "first name");
        assertEquals(Set.of("zq@corp.example"), emails(suggest("quin")), "last name");
        assertEquals(Set.of("zq@corp.example"), emails(suggest("QUINN")), "whole last name");
        assertEquals(Set.of("mary.major@example.com"), emails(suggest("ma")), "email, first and last name all match: listed once");
        assertEquals(1, suggest("ma").size());
        assertEquals(Set.of("alex03@example.com"), emails(suggest("number03")));
        assertEquals(Set.of("jose@example.com"), emails(suggest("Álv")), "non-ASCII names");
        assertEquals(Set.of("jose@example.com"), emails(suggest("josé")));
    }

    @Test
    void theNameAsTypedFirstThenLastMatches() {
        // "whose email or name starts with q": a manager typing "Zoe Q" in the drop-down is typing Zoe Quinn's name
        assertEquals(Set.of("zq@corp.example"), emails(suggest("Zoe Q")));
        assertEquals(Set.of("zq@corp.example"), emails(suggest("zoe quinn")));
        assertEquals(Set.of("jose@example.com"), emails(suggest("José Álv")));
        assertEquals(List.of(), suggest("Zoe X"));
    }

    @Test
    void onlyPrefixesMatch() {
        assertEquals(List.of(), suggest("uinn"));
        assertEquals(List.of(), suggest("corp.example"));
        assertEquals(List.of(), suggest("example.com"));
        assertEquals(List.of(), suggest("alex99"));
        assertEquals(List.of(), suggest("zq@other"));
    }

    @Test
    void anEmptyQueryAnswersNoOne() {
        assertEquals(List.of(), suggest(""));
        assertEquals(List.of(), suggest("   "));
        assertEquals(List.of(), service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions", service.token(Service.OWNER), null)
                .expect(200).list("users"));
    }

    @Test
    void aTooLongQueryIsInvalid() {
        Manage.expectFields(service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=" + "a".repeat(255),
                service.token(Service.OWNER), null), "q");
        service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=" + "a".repeat(254), service.token(Service.OWNER), null)
                .expect(200);
    }

    @Test
    void onlyManagersMaySearchTheDirectory() {
        service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=alex", service.token(Manage.STRANGER), null)
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=alex", service.adminToken(), null)
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", "/rooms/" + ROOM + "/invitee-suggestions?q=alex", null, null)
                .expectError(401, "UNAUTHENTICATED");
    }
}
