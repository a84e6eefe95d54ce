package io.roominvites.it;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The seed's whole story once, end to end: invite, countdown, lobby, entry, promotion, revocation. */
class LifecycleSmokeTest extends ServiceTest {
    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void anInviteeWaitsEntersThroughTheLobbyIsPromotedAndRevoked() {
        service.room("smoke", Duration.ofMinutes(10));
        Service.Response created = service.invite("smoke", "Guest@Example.org", "VIEWER");
        assertEquals("guest@example.org", created.obj("invite").get("email"));
        String token = Service.linkToken(created);

        Service.Response before = service.preview(token, null).expect(200);
        assertEquals("NOT_STARTED", before.json().get("state"));
        assertEquals("WAIT", before.json().get("next"));
        service.redeem(token, "device-aaaa-1", "guest@example.org").expectError(409, "SESSION_NOT_STARTED");

        service.advance(Duration.ofMinutes(11));
        assertEquals("LOBBY", service.preview(token, null).expect(200).json().get("next"));
        service.redeem(token, "device-aaaa-1", null).expectError(401, "EMAIL_REQUIRED");
        service.redeem(token, "device-aaaa-1", "someone@example.org").expectError(403, "EMAIL_MISMATCH");
        Service.Response entered = service.redeem(token, "device-aaaa-1", "GUEST@example.org").expect(200);
        assertEquals("VIEWER", entered.json().get("role"));
        service.redeem(token, "device-bbbb-2", "guest@example.org").expectError(409, "LINK_ALREADY_USED");

        String inviteId = (String) created.obj("invite").get("inviteId");
        service.call("POST", "/rooms/smoke/invites/" + inviteId + "/promote", service.token(Service.OWNER),
                java.util.Map.of("role", "MODERATOR")).expect(200);
        assertEquals("MODERATOR", service.redeem(token, "device-aaaa-1", null).expect(200).json().get("role"));

        service.call("DELETE", "/rooms/smoke/invites/" + inviteId, service.token(Service.OWNER), null).expect(200);
        service.redeem(token, "device-aaaa-1", null).expectError(410, "INVITE_REVOKED");
    }
}
