package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectInvalid;
import static io.roominvites.it.invitee.Invitee.expectRefusedEveryWay;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.redeem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /rooms/{roomId}/invites/{inviteId}/reissue: a new link for the same invite, role and history; every earlier
 * link answers LINK_REPLACED at once; the wrong-email lock is cleared; only for an invite no device has redeemed.
 */
class ReissueTest extends ServiceTest {

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(72), true, List.of(), List.of(), List.of());
        return room;
    }

    private Invited invite(String room, String email, String role) {
        return new Invited(room, service.invite(room, email, role));
    }

    private Response reissue(Invited invited, Object body) {
        return service.manage(invited.room(), invited.id(), "reissue", body);
    }

    @Test
    void theNewLinkOpensTheSameInviteAndEveryEarlierLinkAnswersLinkReplacedAtOnce() {
        String room = room("reissue");
        String email = "reissued@example.org";
        Invited invited = invite(room, email, "SPEAKER");
        Map<String, Object> before = invited.created().obj("invite");
        String first = invited.token();
        Invitee.preview(service, first, null, null).expect(200);

        service.advance(Duration.ofMinutes(2));
        Response second = reissue(invited, Map.of()).expect(200);
        assertEquals(Map.of("status", "NOT_REQUESTED"), second.obj("email"));
        Map<String, Object> after = second.obj("invite");
        assertEquals(invited.id(), after.get("inviteId"), "the same invite record");
        assertEquals("SPEAKER", after.get("role"));
        assertEquals("PENDING", after.get("status"));
        assertEquals(before.get("createdAt"), after.get("createdAt"));
        assertEquals(before.get("createdBy"), after.get("createdBy"));
        assertEquals(2L, number(after, "linkVersion"));
        assertTrue(Instant.parse((String) after.get("expiresAt")).isAfter(Instant.parse((String) before.get("expiresAt"))),
                "a new expiry, from the reissue's time");
        String secondToken = Service.linkToken(second);
        assertNotEquals(first, secondToken);

        Response third = reissue(invited, null).expect(200);
        assertEquals(3L, number(third.obj("invite"), "linkVersion"));
        String thirdToken = Service.linkToken(third);

        for (String earlier : List.of(first, secondToken)) {
            expectRefusedEveryWay(service, earlier, "reissue-device-old", email, 410, "LINK_REPLACED");
        }
        assertEquals(0L, number(listed(service, invited), "failedEmailAttempts"), "refused links count nothing");
        expectEntered(redeem(service, thirdToken, "reissue-device-new", email, null), "SPEAKER");
        expectEntered(redeem(service, thirdToken, "reissue-device-new", null, null), "SPEAKER");
        expectError(redeem(service, first, "reissue-device-new", null, null), 410, "LINK_REPLACED");
        assertEquals("REDEEMED", listed(service, invited).get("status"));
    }

    @Test
    void anExpiredLinkIsReissuedWithANewExpiry() {
        String room = room("reissue-expired");
        String email = "late@example.org";
        Invited invited = invite(room, email, "VIEWER");
        service.advance(Duration.ofHours(25));
        expectError(redeem(service, invited.token(), "reissue-late-1", email, null), 410, "LINK_EXPIRED");
        assertEquals("EXPIRED", listed(service, invited).get("status"));

        Response reissued = reissue(invited, Map.of("sendEmail", false)).expect(200);
        Map<String, Object> invite = reissued.obj("invite");
        assertEquals("PENDING", invite.get("status"));
        Instant expiry = Instant.parse((String) invite.get("expiresAt"));
        Instant expected = service.clock().instant().plus(Duration.ofMinutes(1440));
        assertTrue(Math.abs(Duration.between(expected, expiry).toSeconds()) <= 2, "now + linkTtlMinutes: " + expiry);
        expectEntered(redeem(service, Service.linkToken(reissued), "reissue-late-1", email, null), "VIEWER");
        expectError(redeem(service, invited.token(), "reissue-late-1", email, null), 410, "LINK_REPLACED");
    }

    @Test
    void aReissueClearsTheWrongEmailLock() {
        String room = room("reissue-lock");
        String email = "locked-out@example.org";
        Invited invited = invite(room, email, "VIEWER");
        for (int i = 0; i < 5; i++) {
            expectError(redeem(service, invited.token(), "reissue-lock-" + i, "wrong" + i + "@example.org", null), 403,
                    "EMAIL_MISMATCH");
        }
        expectError(redeem(service, invited.token(), "reissue-lock-right", email, null), 423, "INVITE_LOCKED");
        assertEquals(Boolean.TRUE, listed(service, invited).get("locked"));

        Response reissued = reissue(invited, Map.of()).expect(200);
        assertEquals(Boolean.FALSE, reissued.obj("invite").get("locked"));
        assertEquals(0L, number(reissued.obj("invite"), "failedEmailAttempts"));
        String fresh = Service.linkToken(reissued);
        // the count starts again: one wrong email leaves four attempts
        Response wrong = expectError(redeem(service, fresh, "reissue-lock-right", "wrong@example.org", null), 403,
                "EMAIL_MISMATCH");
        assertEquals(4L, number(wrong.obj("error"), "attemptsLeft"));
        expectEntered(redeem(service, fresh, "reissue-lock-right", email, null), "VIEWER");
        expectError(redeem(service, invited.token(), "reissue-lock-right", email, null), 410, "LINK_REPLACED");
    }

    @Test
    void theRoleAndHistoryAreKept() {
        String room = room("reissue-role");
        Invited invited = invite(room, "kept@example.org", "VIEWER");
        service.manage(room, invited.id(), "promote", Map.of("role", "MODERATOR")).expect(200);
        Map<String, Object> promoted = listed(service, invited);
        Map<String, Object> after = reissue(invited, Map.of()).expect(200).obj("invite");
        assertEquals("MODERATOR", after.get("role"));
        assertEquals(promoted.get("promotedAt"), after.get("promotedAt"));
        assertEquals(promoted.get("createdAt"), after.get("createdAt"));
        assertEquals(promoted.get("email"), after.get("email"));
        assertEquals(promoted.get("firstName"), after.get("firstName"));
        assertEquals(promoted.get("lastName"), after.get("lastName"));
        assertEquals(promoted.get("maxDevices"), after.get("maxDevices"));
    }

    @Test
    void onlyAnInviteNoDeviceRedeemedAndNotRevokedIsReissued() {
        String room = room("reissue-inactive");
        Invited redeemed = service.redeemedInvite(room, "used@example.org", "VIEWER", "reissue-used-1");
        Response r = expectError(reissue(redeemed, Map.of()), 409, "INVITE_NOT_ACTIVE");
        assertTrue(((String) r.obj("error").get("message")).contains("Release"), r::toString);
        // nothing changed: the device still re-enters with the first link
        expectEntered(redeem(service, redeemed.token(), "reissue-used-1", null, null), "VIEWER");

        Invited revoked = invite(room, "gone@example.org", "VIEWER");
        service.call("DELETE", "/rooms/" + room + "/invites/" + revoked.id(), service.token(Service.OWNER), null).expect(200);
        expectError(reissue(revoked, Map.of()), 409, "INVITE_NOT_ACTIVE");
        expectError(redeem(service, revoked.token(), "reissue-gone-1", "gone@example.org", null), 410, "INVITE_REVOKED");
        assertEquals(1L, number(listed(service, revoked), "linkVersion"));
    }

    @Test
    void badRequestsAndStrangersAreRefusedWithoutAChange() {
        String room = room("reissue-bad");
        Invited invited = invite(room, "bad@example.org", "VIEWER");
        expectInvalid(reissue(invited, Map.of("sendEmail", "yes")), "sendEmail");
        expectError(reissue(invited, "not json"), 400, "INVALID_REQUEST");
        expectError(reissue(invited, Map.of("sendEmail", true)), 409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        expectError(service.call("POST", "/rooms/" + room + "/invites/" + invited.id() + "/reissue",
                service.token("stranger@example.org"), Map.of()), 403, "NOT_ROOM_MANAGER");
        expectError(service.manage(room, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "reissue", Map.of()), 404, "INVITE_NOT_FOUND");
        assertEquals(1L, number(listed(service, invited), "linkVersion"), "no refused request changed the link");
        expectEntered(redeem(service, invited.token(), "reissue-bad-1", "bad@example.org", null), "VIEWER");
        assertFalse(Boolean.TRUE.equals(listed(service, invited).get("locked")));
    }
}
