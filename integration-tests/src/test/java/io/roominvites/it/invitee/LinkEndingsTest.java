package io.roominvites.it.invitee;

import io.roominvites.it.invitee.Invitee.PendingAndEntered;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectRefusedEveryWay;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.pendingAndEntered;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static io.roominvites.it.support.Service.inviteId;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a link stops working: it expires, the invite is revoked, or the room is deleted. */
class LinkEndingsTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void anExpiredLinkIsRefusedButTheDeviceThatRedeemedItMayComeBack() {
        service.settings(true, null, List.of(), 5); // links live five minutes
        try {
            String room = Service.roomId("expiry");
            service.room(room, Duration.ofMinutes(-5), Duration.ofHours(3), true, List.of(), List.of(), List.of());
            Response unused = service.invite(room, GUEST, "VIEWER");
            Response used = service.invite(room, "second@example.org", "SPEAKER");
            String unusedToken = Service.linkToken(unused);
            String usedToken = Service.linkToken(used);
            expectEntered(redeem(service, usedToken, "device-exp-A", "second@example.org", null), "SPEAKER");

            service.advance(Duration.ofMinutes(4));
            assertEquals("LOBBY", preview(service, unusedToken, null, null).expect(200).json().get("next"),
                    "still valid a minute before expiry");

            service.advance(Duration.ofMinutes(1).plusSeconds(1));
            expectRefusedEveryWay(service, unusedToken, "device-exp-B", GUEST, 410, "LINK_EXPIRED");
            expectError(redeem(service, unusedToken, "device-exp-B", null, null), 410, "LINK_EXPIRED");
            expectError(redeem(service, unusedToken, "device-exp-B", "wrong@example.org", null), 410, "LINK_EXPIRED");
            assertEquals(0, stored(service, room, inviteId(unused)).failedEmailAttempts());
            assertEquals("EXPIRED", listed(service, room, inviteId(unused)).get("status"));

            // the device that redeemed before the expiry still holds the invitation
            assertEquals("ENTER", preview(service, usedToken, "device-exp-A", null).expect(200).json().get("next"));
            expectEntered(redeem(service, usedToken, "device-exp-A", null, null), "SPEAKER");
            // any other device: the link was used (that is the more useful answer than "expired")
            expectError(preview(service, usedToken, "device-exp-C", null), 409, "LINK_ALREADY_USED");
            expectError(redeem(service, usedToken, "device-exp-C", "second@example.org", null), 409, "LINK_ALREADY_USED");
            assertEquals("REDEEMED", listed(service, room, inviteId(used)).get("status"));

            // long after the link's expiry, still within the session
            service.advance(Duration.ofHours(2));
            expectEntered(redeem(service, usedToken, "device-exp-A", null, null), "SPEAKER");
            expectError(redeem(service, unusedToken, "device-exp-B", GUEST, null), 410, "LINK_EXPIRED");
        } finally {
            service.enableInvitations();
        }
    }

    @Test
    void aRevokedInviteRefusesEveryoneIncludingItsDevice() {
        PendingAndEntered invites = pendingAndEntered(service, "revoked", GUEST, "second@example.org", "device-rev-A");
        String pendingToken = invites.pendingToken();
        String enteredToken = invites.enteredToken();

        String owner = service.token(Service.OWNER);
        for (Invited invited : List.of(invites.pending(), invites.entered())) {
            service.call("DELETE", "/rooms/" + invited.room() + "/invites/" + invited.id(), owner, null).expect(200);
        }
        expectError(preview(service, pendingToken, null, null), 410, "INVITE_REVOKED");
        expectError(preview(service, pendingToken, null, service.token(GUEST)), 410, "INVITE_REVOKED");
        expectError(redeem(service, pendingToken, "device-rev-B", GUEST, null), 410, "INVITE_REVOKED");
        expectError(redeem(service, pendingToken, "device-rev-B", null, service.token(GUEST)), 410, "INVITE_REVOKED");
        expectError(redeem(service, pendingToken, "device-rev-B", "wrong@example.org", null), 410, "INVITE_REVOKED");
        expectError(preview(service, enteredToken, "device-rev-A", null), 410, "INVITE_REVOKED");
        expectError(redeem(service, enteredToken, "device-rev-A", null, null), 410, "INVITE_REVOKED");
        expectError(redeem(service, enteredToken, "device-rev-A", "second@example.org", null), 410, "INVITE_REVOKED");
        expectError(redeem(service, enteredToken, "device-rev-C", "second@example.org", null), 410, "INVITE_REVOKED");
        assertEquals("REVOKED", listed(service, invites.pending()).get("status"));
        assertEquals("REVOKED", listed(service, invites.entered()).get("status"));
    }

    @Test
    void aDeletedRoomsLinksAnswerRoomDeleted() {
        PendingAndEntered invites = pendingAndEntered(service, "deleted", GUEST, "second@example.org", "device-del-A");
        String pendingToken = invites.pendingToken();
        String enteredToken = invites.enteredToken();

        Response deleted = service.call("DELETE", "/admin/rooms/" + invites.room(), service.adminToken(), null)
                .expect(204);
        assertEquals(null, deleted.body());

        expectError(preview(service, pendingToken, null, null), 410, "ROOM_DELETED");
        expectError(redeem(service, pendingToken, "device-del-B", GUEST, null), 410, "ROOM_DELETED");
        expectError(redeem(service, pendingToken, "device-del-B", null, service.token(GUEST)), 410, "ROOM_DELETED");
        expectError(preview(service, enteredToken, "device-del-A", null), 410, "ROOM_DELETED");
        expectError(redeem(service, enteredToken, "device-del-A", null, null), 410, "ROOM_DELETED");
        expectError(redeem(service, enteredToken, "device-del-B", "second@example.org", null), 410, "ROOM_DELETED");
    }

    @Test
    void aDeletedRoomBeforeItsStartAnswersRoomDeletedNotACountdown() {
        Invited guest = service.invitedTo(Service.roomId("deleted-early"), Duration.ofMinutes(30), GUEST, "VIEWER");
        String token = guest.token();
        service.call("DELETE", "/admin/rooms/" + guest.room(), service.adminToken(), null).expect(204);
        expectError(preview(service, token, null, null), 410, "ROOM_DELETED");
        expectError(redeem(service, token, "device-dele-1", GUEST, null), 410, "ROOM_DELETED");
    }
}
