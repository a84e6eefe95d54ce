package io.roominvites.it.invitee;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /rooms/{roomId}/invites/{inviteId}/release-device: frees the devices of a redeemed invite, so that the invitee
 * joins from a new device with the same link, proving the invited email, until the session ends (even past the
 * link's expiry).
 */
class ReleaseDeviceTest extends ServiceTest {

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    /** A room open since five minutes ago, lasting {@code hours}. */
    private String room(String prefix, int hours) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(hours), true, List.of(), List.of(), List.of());
        return room;
    }

    private Response release(Invited invited) {
        return service.manage(invited.room(), invited.id(), "release-device", null);
    }

    @Test
    void theInviteeJoinsFromANewDeviceWithTheSameLinkProvingTheEmail() {
        String room = room("release", 2);
        String email = "lost-laptop@example.org";
        Invited invited = service.redeemedInvite(room, email, "SPEAKER", "release-old-device");
        String token = invited.token();
        expectError(redeem(service, token, "release-new-device", email, null), 409, "LINK_ALREADY_USED");

        Response released = release(invited).expect(200);
        assertEquals(java.util.Set.of("invite"), released.json().keySet());
        Map<String, Object> invite = released.obj("invite");
        assertEquals("REDEEMED", invite.get("status"));
        assertEquals(List.of(), invite.get("devices"), "no device holds it now");
        assertNotNull(invite.get("releasedAt"));
        assertEquals(List.of(), stored(service, invited).devices());

        // the new device proves the invited email as usual
        expectError(redeem(service, token, "release-new-device", null, null), 401, "EMAIL_REQUIRED");
        expectError(redeem(service, token, "release-new-device", "someone@example.org", null), 403, "EMAIL_MISMATCH");
        expectEntered(redeem(service, token, "release-new-device", email, null), "SPEAKER");
        expectEntered(redeem(service, token, "release-new-device", null, null), "SPEAKER");
        // the released device is just another device now
        expectError(redeem(service, token, "release-old-device", null, null), 409, "LINK_ALREADY_USED");
        assertEquals("release-new-device", stored(service, invited).deviceId());
        assertEquals(1, ((List<?>) listed(service, invited).get("devices")).size());
    }

    @Test
    void aReleasedLinkOpensPastItsExpiryUntilTheSessionEnds() {
        String room = room("release-late", 48);
        String email = "late-device@example.org";
        Invited invited = service.redeemedInvite(room, email, "VIEWER", "release-late-a");
        service.advance(Duration.ofHours(25)); // past the link's 24 h expiry, within the 48 h session
        expectEntered(redeem(service, invited.token(), "release-late-a", null, null), "VIEWER");
        expectError(redeem(service, invited.token(), "release-late-b", email, null), 409, "LINK_ALREADY_USED");

        release(invited).expect(200);
        expectError(redeem(service, invited.token(), "release-late-b", null, null), 401, "EMAIL_REQUIRED");
        expectEntered(redeem(service, invited.token(), "release-late-b", null, service.token(email)), "VIEWER");

        service.advance(Duration.ofHours(24)); // the session is over
        expectError(release(invited), 410, "SESSION_ENDED");
        expectError(redeem(service, invited.token(), "release-late-b", null, null), 410, "SESSION_ENDED");
        expectError(redeem(service, invited.token(), "release-late-c", email, null), 410, "SESSION_ENDED");
    }

    @Test
    void nothingBoundIsNothingToRelease() {
        String room = room("release-none", 2);
        Invited pending = new Invited(room, service.invite(room, "pending@example.org", "VIEWER"));
        Response r = expectError(release(pending), 409, "INVITE_NOT_ACTIVE");
        assertTrue(((String) r.obj("error").get("message")).contains("nothing to release"), r::toString);
        assertEquals("PENDING", listed(service, pending).get("status"));

        Invited redeemed = service.redeemedInvite(room, "twice@example.org", "VIEWER", "release-twice-1");
        Map<String, Object> first = release(redeemed).expect(200).obj("invite");
        r = expectError(release(redeemed), 409, "INVITE_NOT_ACTIVE");
        assertTrue(((String) r.obj("error").get("message")).contains("nothing to release"), r::toString);
        assertEquals(first.get("releasedAt"), listed(service, redeemed).get("releasedAt"), "a refused release wrote nothing");

        service.call("DELETE", "/rooms/" + room + "/invites/" + redeemed.id(), service.token(Service.OWNER), null).expect(200);
        expectError(release(redeemed), 409, "INVITE_NOT_ACTIVE");
        expectError(service.call("POST", "/rooms/" + room + "/invites/" + redeemed.id() + "/release-device",
                service.token("stranger@example.org"), null), 403, "NOT_ROOM_MANAGER");
    }
}
