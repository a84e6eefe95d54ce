package io.roominvites.it.invitee;

import com.nimbusds.jwt.JWTClaimsSet;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectRefusedEveryWay;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.openInvite;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Service.inviteId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Once the session is open: who goes straight in, who sees the lobby, and one device per link. */
class EntryTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void signedInWithTheInvitedEmailGoesStraightIn() {
        Invited guest = openInvite(service, "bearer", "Guest@Example.org", "MODERATOR");
        String token = guest.token();
        // the identity provider's email differs in case and surrounding space: still the invited email
        String bearer = service.token("  GUEST@example.ORG ");

        Response p = preview(service, token, "device-bearer-1", bearer).expect(200);
        assertEquals("OPEN", p.json().get("state"));
        assertEquals("ENTER", p.json().get("next"));
        assertEquals(0L, number(p.json(), "secondsUntilStart"));
        assertEquals("ENTER", preview(service, token, null, bearer).expect(200).json().get("next"),
                "ENTER with or without a deviceId");

        Response entered = expectEntered(redeem(service, token, "device-bearer-1", null, bearer), "MODERATOR");
        Invitee.checkAccessToken(service, entered, GUEST, guest.room(), guest.id(), "device-bearer-1", "MODERATOR",
                Invitee.MODERATOR_PERMISSIONS);
        Map<String, Object> listed = listed(service, guest);
        assertEquals("REDEEMED", listed.get("status"));
        assertNotNull(listed.get("redeemedAt"));
        assertEquals("device-bearer-1", stored(service, guest).deviceId());
    }

    @Test
    void signedInAsSomeoneElseSeesTheLobbyAndMustTypeTheInvitedEmail() {
        Invited guest = openInvite(service, "other", GUEST, "VIEWER");
        String token = guest.token();
        String other = service.token("colleague@example.org");

        assertEquals("LOBBY", preview(service, token, "device-other-1", other).expect(200).json().get("next"));
        // no email typed: the lobby, not a wrong answer, so no attempt is counted (repeatedly)
        for (int i = 0; i < 7; i++) {
            expectError(redeem(service, token, "device-other-1", null, other), 401, "EMAIL_REQUIRED");
        }
        assertEquals(0, stored(service, guest).failedEmailAttempts());
        assertEquals("PENDING", listed(service, guest).get("status"));

        // the lobby email, trimmed and in another case, proves the invitation while signed in as someone else
        Response entered = expectEntered(redeem(service, token, "device-other-1", "  Guest@EXAMPLE.org  ", other), "VIEWER");
        assertEquals(GUEST, Invitee.verifyAccessToken(service, (String) entered.json().get("accessToken")).getSubject(),
                "sub is the invited email, not the signed-in one");
    }

    @Test
    void signedInAsSomeoneElseAndTypingAnotherWrongEmailCountsAnAttempt() {
        String token = openInvite(service, "other-wrong", GUEST, "VIEWER").token();
        String other = service.token("colleague@example.org");
        // typing the signed-in (wrong) email is a wrong answer
        Response wrong = expectError(redeem(service, token, "device-ow-1", "colleague@example.org", other), 403,
                "EMAIL_MISMATCH");
        assertEquals(4L, number(wrong.obj("error"), "attemptsLeft"));
        expectEntered(redeem(service, token, "device-ow-1", GUEST, other), "VIEWER");
    }

    @Test
    void notSignedInSeesTheLobby() {
        String token = openInvite(service, "lobby", GUEST, "SPEAKER").token();
        Response p = preview(service, token, null, null).expect(200);
        assertEquals("OPEN", p.json().get("state"));
        assertEquals("LOBBY", p.json().get("next"));
        assertEquals("LOBBY", preview(service, token, "device-lobby-1", null).expect(200).json().get("next"));
        // a bearer token that does not verify is ignored: the invitee is simply not signed in
        assertEquals("LOBBY", preview(service, token, null, "not-a-jwt").expect(200).json().get("next"));
        assertEquals("LOBBY", preview(service, token, null, service.adminToken() + "x").expect(200).json().get("next"));

        expectError(redeem(service, token, "device-lobby-1", null, null), 401, "EMAIL_REQUIRED");
        expectError(redeem(service, token, "device-lobby-1", null, "not-a-jwt"), 401, "EMAIL_REQUIRED");
        expectEntered(redeem(service, token, "device-lobby-1", " GUEST@example.org", null), "SPEAKER");
    }

    @Test
    void sameDeviceReentersWithAFreshTokenAndOtherDevicesAreRefused() {
        Invited guest = openInvite(service, "used", GUEST, "VIEWER");
        String token = guest.token();

        Response first = expectEntered(redeem(service, token, "device-used-A", GUEST, null), "VIEWER");
        String redeemedAt = (String) listed(service, guest).get("redeemedAt");

        // another device: refused on preview and on redeem, whatever proof it brings
        expectError(preview(service, token, "device-used-B", null), 409, "LINK_ALREADY_USED");
        expectRefusedEveryWay(service, token, "device-used-B", GUEST, 409, "LINK_ALREADY_USED");
        expectError(redeem(service, token, "device-used-B", null, null), 409, "LINK_ALREADY_USED");
        expectError(redeem(service, token, "device-used-B", "wrong@example.org", null), 409, "LINK_ALREADY_USED");
        assertEquals(0, stored(service, guest).failedEmailAttempts(), "no attempt counted");

        // the same device: ENTER, and a fresh token without typing the email again
        assertEquals("ENTER", preview(service, token, "device-used-A", null).expect(200).json().get("next"));
        service.advance(Duration.ofSeconds(2));
        Response again = expectEntered(redeem(service, token, "device-used-A", null, null), "VIEWER");
        JWTClaimsSet c1 = Invitee.checkAccessToken(service, first, GUEST, guest.room(), guest.id(), "device-used-A",
                "VIEWER", Invitee.VIEWER_PERMISSIONS);
        JWTClaimsSet c2 = Invitee.checkAccessToken(service, again, GUEST, guest.room(), guest.id(), "device-used-A",
                "VIEWER", Invitee.VIEWER_PERMISSIONS);
        assertNotEquals(c1.getJWTID(), c2.getJWTID(), "a fresh token each time");
        assertNotEquals(first.json().get("accessToken"), again.json().get("accessToken"));

        Map<String, Object> listed = listed(service, guest);
        assertEquals("REDEEMED", listed.get("status"));
        assertEquals(redeemedAt, listed.get("redeemedAt"), "re-entry keeps the first redeem's time");
        assertEquals("device-used-A", stored(service, guest).deviceId());
    }

    @Test
    void redeemAnswersTheContractsFields() {
        String room = Service.roomId("fields");
        Response roomAnswer = service.room(room, Duration.ofMinutes(-5));
        Response created = service.invite(room, GUEST, "SPEAKER");
        Response r = expectEntered(redeem(service, Service.linkToken(created), "device-fields-1", GUEST, null), "SPEAKER");
        Map<String, Object> roomView = r.obj("room");
        assertEquals(room, roomView.get("roomId"));
        assertEquals(roomAnswer.json().get("title"), roomView.get("title"));
        assertEquals(roomAnswer.json().get("description"), roomView.get("description"));
        assertEquals(roomAnswer.json().get("endsAt"), roomView.get("endsAt"));
        Invitee.checkAccessToken(service, r, GUEST, room, inviteId(created), "device-fields-1", "SPEAKER",
                Invitee.SPEAKER_PERMISSIONS);
    }
}
