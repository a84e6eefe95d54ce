package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DELETE (revoke), POST .../promote and POST .../resend on one invite. */
class RevokePromoteResendTest extends ServiceTest {
    private static final String UNKNOWN_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private String owner() {
        return service.token(Service.OWNER);
    }

    private String newRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        return room;
    }

    private String newInvite(String room, String role) {
        return Service.inviteId(service.invite(room, "guest-" + System.nanoTime() + "@example.org", role));
    }

    /** The room's newest invite as the owner's listing shows it. */
    private Map<String, Object> newestListed(String room) {
        return service.call("GET", Manage.invites(room), owner(), null).expect(200).list("invites").getFirst();
    }

    private Service.Response revoke(String room, String id) {
        return service.call("DELETE", Manage.invite(room, id), owner(), null);
    }

    private Service.Response promote(String room, String id, Object role) {
        return service.call("POST", Manage.invite(room, id) + "/promote", owner(), role == null ? Map.of() : Map.of("role", role));
    }

    private Service.Response resend(String room, String id) {
        return service.call("POST", Manage.invite(room, id) + "/resend", owner(), null);
    }

    /** Asserts a 200 promote answer from role {@code from} to role {@code to}. */
    private static Service.Response assertPromoted(Service.Response r, String from, String to) {
        r.expect(200);
        assertEquals(from, r.json().get("previousRole"));
        assertEquals(to, r.obj("invite").get("role"));
        return r;
    }

    // ------------------------------------------------------------------ revoke

    @Test
    void revokeAnswersTheRevokedInviteAndAgainKeepsTheFirstRevokedAt() {
        String room = newRoom("rev");
        String id = newInvite(room, "VIEWER");
        Service.Response first = revoke(room, id).expect(200);
        assertEquals(Set.of("invite"), first.json().keySet());
        Map<String, Object> invite = first.obj("invite");
        assertTrue(invite.keySet().containsAll(Manage.INVITE_FIELDS));
        assertEquals(id, invite.get("inviteId"));
        assertEquals("REVOKED", invite.get("status"));
        String revokedAt = (String) invite.get("revokedAt");
        assertNotNull(revokedAt);
        Instant.parse(revokedAt);

        service.advance(Duration.ofMinutes(1));
        Service.Response again = revoke(room, id).expect(200);
        assertEquals("REVOKED", again.obj("invite").get("status"));
        assertEquals(revokedAt, again.obj("invite").get("revokedAt"));
        assertEquals(List.of(id), service.call("GET", Manage.invites(room) + "?status=REVOKED", owner(), null).expect(200)
                .list("invites").stream().map(i -> i.get("inviteId")).toList());
    }

    @Test
    void revokingARedeemedInvite() {
        String room = newRoom("rev-redeemed");
        Service.Invited inside = service.redeemedInvite(room, "inside@example.org", "VIEWER", "device-rev-1");
        Map<String, Object> invite = revoke(room, inside.id()).expect(200).obj("invite");
        assertEquals("REVOKED", invite.get("status"));
        assertNotNull(invite.get("redeemedAt"));
        service.redeem(inside.token(), "device-rev-1", null).expectError(410, "INVITE_REVOKED");
    }

    @Test
    void revokeUnknownOrForeignInvites() {
        String room = newRoom("rev-unknown");
        String other = newRoom("rev-other");
        String foreign = newInvite(other, "VIEWER");
        revoke(room, UNKNOWN_ID).expectError(404, "INVITE_NOT_FOUND");
        revoke(room, "not-an-invite-id").expectError(404, "INVITE_NOT_FOUND");
        revoke(room, UNKNOWN_ID.toLowerCase()).expectError(404, "INVITE_NOT_FOUND");
        // the right id under the wrong room
        revoke(room, foreign).expectError(404, "INVITE_NOT_FOUND");
        assertEquals("PENDING", newestListed(other).get("status"));
        // the room path is checked before the invite
        service.call("DELETE", Manage.invite(Service.roomId("rev-nowhere"), foreign), owner(), null).expectError(404, "ROOM_NOT_FOUND");
    }

    @Test
    void onlyManagersMayRevoke() {
        String room = newRoom("rev-who");
        String id = newInvite(room, "VIEWER");
        service.call("DELETE", Manage.invite(room, id), service.token(Manage.STRANGER), null).expectError(403, "NOT_ROOM_MANAGER");
        service.call("DELETE", Manage.invite(room, id), null, null).expectError(401, "UNAUTHENTICATED");
        assertEquals("PENDING", newestListed(room).get("status"));
    }

    // ------------------------------------------------------------------ promote

    @Test
    void promotionGoesUpOneStepAtATime() {
        String room = newRoom("pro");
        String id = newInvite(room, "VIEWER");
        Service.Response toSpeaker = assertPromoted(promote(room, id, "SPEAKER"), "VIEWER", "SPEAKER");
        assertEquals(Set.of("invite", "previousRole"), toSpeaker.json().keySet());
        assertEquals("PENDING", toSpeaker.obj("invite").get("status"));
        assertTrue(toSpeaker.obj("invite").keySet().containsAll(Manage.INVITE_FIELDS));
        assertPromoted(promote(room, id, "moderator"), "SPEAKER", "MODERATOR");
        assertEquals("MODERATOR", newestListed(room).get("role"));
    }

    @Test
    void promotionMaySkipARole() {
        String room = newRoom("pro-skip");
        String id = newInvite(room, "VIEWER");
        assertPromoted(promote(room, id, "MODERATOR"), "VIEWER", "MODERATOR");
    }

    @Test
    void sameOrLowerRoleIsNotHigher() {
        String room = newRoom("pro-lower");
        String viewer = newInvite(room, "VIEWER");
        promote(room, viewer, "VIEWER").expectError(409, "ROLE_NOT_HIGHER");
        String speaker = newInvite(room, "SPEAKER");
        promote(room, speaker, "SPEAKER").expectError(409, "ROLE_NOT_HIGHER");
        promote(room, speaker, "VIEWER").expectError(409, "ROLE_NOT_HIGHER");
        String moderator = newInvite(room, "MODERATOR");
        promote(room, moderator, "MODERATOR").expectError(409, "ROLE_NOT_HIGHER");
        promote(room, moderator, "SPEAKER").expectError(409, "ROLE_NOT_HIGHER");
        promote(room, moderator, "VIEWER").expectError(409, "ROLE_NOT_HIGHER");
        assertEquals("SPEAKER", service.listed(room, speaker).get("role"));
    }

    @Test
    void revokedInvitesAreNotActive() {
        String room = newRoom("pro-revoked");
        String id = newInvite(room, "VIEWER");
        revoke(room, id).expect(200);
        promote(room, id, "SPEAKER").expectError(409, "INVITE_NOT_ACTIVE");
        promote(room, id, "VIEWER").expectError(409, "INVITE_NOT_ACTIVE");
    }

    @Test
    void expiredPendingInvitesAreNotActiveButRedeemedOnesMayBePromoted() {
        String room = newRoom("pro-expired");
        service.settings(true, null, List.of(), 5);
        String pending = newInvite(room, "VIEWER");
        Service.Invited redeemed = service.redeemedInvite(room, "in-room@example.org", "VIEWER", "device-pro-1");
        service.advance(Duration.ofMinutes(6));
        promote(room, pending, "SPEAKER").expectError(409, "INVITE_NOT_ACTIVE");
        Service.Response r = promote(room, redeemed.id(), "SPEAKER").expect(200);
        assertEquals("REDEEMED", r.obj("invite").get("status"));
        assertEquals("SPEAKER", service.redeem(redeemed.token(), "device-pro-1", null).expect(200).json().get("role"));
    }

    @Test
    void badPromoteRequests() {
        String room = newRoom("pro-bad");
        String id = newInvite(room, "VIEWER");
        for (Object role : new Object[]{null, "", "ADMIN", "OWNER", 2, List.of("SPEAKER"), true}) {
            try {
                Manage.expectFields(promote(room, id, role), "role");
            } catch (AssertionError e) {
                throw new AssertionError("role " + role + ": " + e.getMessage(), e);
            }
        }
        for (String raw : List.of("", "nope", "[]", "{\"role\":")) {
            service.call("POST", Manage.invite(room, id) + "/promote", owner(), raw).expectError(400, "INVALID_REQUEST");
        }
        service.call("POST", Manage.invite(room, id) + "/promote", owner(), null).expectError(400, "INVALID_REQUEST");
        promote(room, UNKNOWN_ID, "SPEAKER").expectError(404, "INVITE_NOT_FOUND");
        promote(room, "nope", "SPEAKER").expectError(404, "INVITE_NOT_FOUND");
        service.call("POST", Manage.invite(room, id) + "/promote", service.token(Manage.STRANGER), Map.of("role", "SPEAKER"))
                .expectError(403, "NOT_ROOM_MANAGER");
        assertEquals("VIEWER", newestListed(room).get("role"));
    }

    @Test
    void promotingAfterTheSessionEnded() {
        String room = Service.roomId("pro-ended");
        service.room(room, Duration.ofMinutes(-5), Duration.ofMinutes(30), true, List.of(), List.of(), List.of());
        String id = newInvite(room, "VIEWER");
        service.advance(Duration.ofMinutes(40));
        promote(room, id, "SPEAKER").expectError(410, "SESSION_ENDED");
    }

    // ------------------------------------------------------------------ resend

    @Test
    void resendWithoutATemplate() {
        String room = newRoom("res");
        String id = newInvite(room, "VIEWER");
        resend(room, id).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        service.settings(true, "room-invite", List.of(), 1440);
        resend(room, id).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        // nothing was recorded on the invite
        assertEquals(Map.of("status", "NOT_REQUESTED"), newestListed(room).get("emailDelivery"));
    }

    @Test
    void resendARevokedOrExpiredInvite() {
        String room = newRoom("res-revoked");
        String id = newInvite(room, "VIEWER");
        revoke(room, id).expect(200);
        resend(room, id).expectError(409, "INVITE_NOT_ACTIVE");
        service.settings(true, null, List.of(), 5);
        String expiring = newInvite(room, "VIEWER");
        service.advance(Duration.ofMinutes(6));
        resend(room, expiring).expectError(409, "INVITE_NOT_ACTIVE");
    }

    @Test
    void resendFollowsTheCreateRules() {
        String room = Service.roomId("res-rules");
        service.room(room, Duration.ofMinutes(-5), Duration.ofMinutes(30), true, List.of(), List.of(), List.of());
        String id = newInvite(room, "VIEWER");
        service.room(room, Duration.ofMinutes(-5), Duration.ofMinutes(30), false, List.of(), List.of(), List.of());
        resend(room, id).expectError(409, "CHAT_AND_COLLABORATION_DISABLED");
        service.room(room, Duration.ofMinutes(-5), Duration.ofMinutes(30), true, List.of(), List.of(), List.of());
        service.advance(Duration.ofMinutes(40));
        resend(room, id).expectError(410, "SESSION_ENDED");
    }

    @Test
    void resendUnknownOrByAStranger() {
        String room = newRoom("res-unknown");
        String id = newInvite(room, "VIEWER");
        resend(room, UNKNOWN_ID).expectError(404, "INVITE_NOT_FOUND");
        service.call("POST", Manage.invite(room, id) + "/resend", service.token(Manage.STRANGER), null)
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("POST", Manage.invite(room, id) + "/resend", null, null).expectError(401, "UNAUTHENTICATED");
        service.settings(false, null, List.of(), 1440);
        resend(room, id).expectError(403, "FEATURE_DISABLED");
    }
}
