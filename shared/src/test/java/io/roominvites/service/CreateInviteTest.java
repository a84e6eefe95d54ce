package io.roominvites.service;

import io.roominvites.domain.InviteStatus;
import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.CO_OWNER;
import static io.roominvites.testkit.InProcessService.JOIN_PAGE;
import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating one invite (POST /rooms/{roomId}/invites): who may, what the site allows, and the Idempotency-Key. */
class CreateInviteTest {
    private final InProcessService service = InProcessService.withRoom("growth", Duration.ofDays(2));

    private Answer create(String as, Map<String, Object> body) {
        return service.call("POST", "/rooms/growth/invites", service.token(as), body);
    }

    private Answer create(Map<String, Object> body, String key) {
        return service.call("POST", "/rooms/growth/invites", service.token(OWNER), body, Map.of("Idempotency-Key", key));
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> out = new HashMap<>(body);
        out.put(field, value);
        return out;
    }

    private int stored() {
        return service.store.listInvites("growth", null, 100, null, service.clock.instant()).invites().size();
    }

    @Test
    void aCreatedInviteIsPendingWithALinkThatExpiresAfterTheSitesLinkLifetime() {
        Answer a = create(OWNER, inviteBody("  Ada@Example.ORG ", "moderator")).expect(201);
        Map<String, Object> invite = a.obj("invite");
        assertEquals("ada@example.org", invite.get("email"));
        assertEquals("MODERATOR", invite.get("role"));
        assertEquals("PENDING", invite.get("status"));
        assertEquals(OWNER, invite.get("createdBy"));
        assertEquals("2026-11-24T19:00:00Z", invite.get("expiresAt"), "1,440 minutes after the create");
        assertEquals(1L, invite.get("maxDevices"));
        assertEquals(1L, invite.get("linkVersion"));
        assertEquals(false, invite.get("locked"));
        assertEquals(Map.of("status", "NOT_REQUESTED"), a.obj("email"));
        assertTrue(a.text("link").startsWith(JOIN_PAGE + "#invite="), a::toString);
        assertEquals(InviteStatus.PENDING, service.store.findInvite("growth", a.text("invite.inviteId")).orElseThrow()
                .status(service.clock.instant()));
        service.preview(InProcessService.linkToken(a.text("link")), null, null).expect(200);
    }

    @Test
    void aBlockedDomainAndItsSubdomainsAreRefused() {
        service.settings(Map.of("blockedDomains", List.of("blocked.example")));
        Map<String, Object> error = create(OWNER, inviteBody("eve@blocked.example", "VIEWER")).error(403, "DOMAIN_BLOCKED");
        assertTrue(error.get("message").toString().contains("blocked.example"), error::toString);
        create(OWNER, inviteBody("eve@mail.blocked.example", "VIEWER")).error(403, "DOMAIN_BLOCKED");
        create(OWNER, inviteBody("eve@notblocked.example", "VIEWER")).expect(201);
        assertEquals(1, stored());
    }

    @Test
    void anInviteMayAskForAsManyDevicesAsTheSiteAllowsAndNoMore() {
        service.settings(Map.of("linkMaxDevices", 3));
        Map<String, Object> body = inviteBody("ada@example.org", "VIEWER");
        assertEquals(List.of("maxDevices"), create(OWNER, with(body, "maxDevices", 4)).invalidFields());
        assertEquals(3L, create(OWNER, with(body, "maxDevices", 3)).expect(201).obj("invite").get("maxDevices"));

        service.settings(Map.of("linkMaxDevices", 50));
        create(OWNER, with(with(body, "email", "b@example.org"), "maxDevices", 50)).expect(201);
        assertEquals(List.of("maxDevices"), create(OWNER, with(body, "maxDevices", 51)).invalidFields());
        assertEquals(List.of("maxDevices"), create(OWNER, with(body, "maxDevices", 0)).invalidFields());
    }

    @Test
    void aRoleIsViewerSpeakerOrModerator() {
        assertEquals(List.of("role"), create(OWNER, inviteBody("ada@example.org", "OWNER")).invalidFields());
        for (String role : List.of("VIEWER", "SPEAKER", "MODERATOR")) {
            assertEquals(role, create(OWNER, inviteBody(role.toLowerCase() + "@example.org", role)).expect(201)
                    .text("invite.role"));
        }
    }

    @Test
    void onlyTheRoomsManagersInvite() {
        create("stranger@example.org", inviteBody("ada@example.org", "VIEWER")).error(403, "NOT_ROOM_MANAGER");
        assertEquals(CO_OWNER, create(CO_OWNER, inviteBody("ada@example.org", "VIEWER")).expect(201).text("invite.createdBy"));
        service.call("POST", "/rooms/nowhere/invites", service.token(OWNER), inviteBody("a@example.org", "VIEWER"))
                .error(404, "ROOM_NOT_FOUND");
        service.deleteRoom("growth");
        create(OWNER, inviteBody("b@example.org", "VIEWER")).error(410, "ROOM_DELETED");
    }

    @Test
    void nothingIsCreatedWhileInvitationsAreOff() {
        service.settings(Map.of("inviteToMediaEnabled", false));
        create(OWNER, inviteBody("ada@example.org", "VIEWER")).error(403, "FEATURE_DISABLED");
        assertEquals(0, stored());
    }

    @Test
    void nothingIsCreatedInARoomWithoutChatAndCollaboration() {
        service.room("growth", Duration.ofDays(2), Map.of("chatAndCollaborationEnabled", false));
        create(OWNER, inviteBody("ada@example.org", "VIEWER")).error(409, "CHAT_AND_COLLABORATION_DISABLED");
    }

    @Test
    void invitesAreCreatedUntilTheSessionEnds() {
        service.room("growth", Duration.ofMinutes(10));
        service.advance(Duration.ofMinutes(10));
        create(OWNER, inviteBody("during@example.org", "VIEWER")).expect(201);
        service.advance(Duration.ofHours(1));
        create(OWNER, inviteBody("after@example.org", "VIEWER")).error(410, "SESSION_ENDED");
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheSameInviteAndCreatesNoOther() {
        Map<String, Object> body = inviteBody("ada@example.org", "VIEWER");
        Answer first = create(body, "click-1").expect(201);
        assertNull(first.header("Idempotent-Replayed"));
        service.advance(Duration.ofMinutes(5));
        Answer again = create(body, "click-1").expect(201);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(first.text("invite.inviteId"), again.text("invite.inviteId"));
        assertEquals(1, stored());
    }

    @Test
    void theSameKeyWithAnotherRequestIsAConflict() {
        create(inviteBody("ada@example.org", "VIEWER"), "click-1").expect(201);
        create(inviteBody("ada@example.org", "SPEAKER"), "click-1").error(409, "IDEMPOTENCY_CONFLICT");
        assertEquals(1, stored());
    }

    @Test
    void aKeyIsRememberedFor24Hours() {
        Map<String, Object> body = inviteBody("ada@example.org", "VIEWER");
        String first = create(body, "click-1").expect(201).text("invite.inviteId");
        service.advance(Duration.ofHours(24).minusSeconds(1));
        assertEquals(first, create(body, "click-1").expect(201).text("invite.inviteId"));
        service.advance(Duration.ofSeconds(1));
        Answer later = create(body, "click-1").expect(201);
        assertNull(later.header("Idempotent-Replayed"));
        assertNotEquals(first, later.text("invite.inviteId"));
        assertEquals(2, stored());
    }

    @Test
    void keysAreEachCallersOwn() {
        Map<String, String> key = Map.of("Idempotency-Key", "click-1");
        Map<String, Object> body = inviteBody("ada@example.org", "VIEWER");
        String byOwner = service.call("POST", "/rooms/growth/invites", service.token(OWNER), body, key).expect(201)
                .text("invite.inviteId");
        String byCoOwner = service.call("POST", "/rooms/growth/invites", service.token(CO_OWNER), body, key).expect(201)
                .text("invite.inviteId");
        assertNotEquals(byOwner, byCoOwner);
    }

    @Test
    void aKeyIsOneTo128VisibleCharacters() {
        Map<String, Object> body = inviteBody("ada@example.org", "VIEWER");
        assertEquals(List.of("Idempotency-Key"), create(body, "has space").invalidFields());
        assertEquals(List.of("Idempotency-Key"), create(body, "k".repeat(129)).invalidFields());
        create(body, "k".repeat(128)).expect(201);
    }
}
