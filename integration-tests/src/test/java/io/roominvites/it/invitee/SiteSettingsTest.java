package io.roominvites.it.invitee;

import io.roominvites.it.invitee.Invitee.PendingAndEntered;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectRefusedEveryWay;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.openInvite;
import static io.roominvites.it.invitee.Invitee.pendingAndEntered;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An administrator's switches reach links that already exist: blocked domains and the inviteToMedia module. */
class SiteSettingsTest extends ServiceTest {
    private static final String GUEST = "guest@mail.partner.org";
    private static final String SECOND = "second@partner.org";

    @BeforeEach
    void invitationsOnNothingBlocked() {
        service.enableInvitations();
    }

    @Test
    void aDomainBlockedAfterTheInviteIsRefusedAtPreviewAndRedeemUntilUnblocked() {
        PendingAndEntered invites = pendingAndEntered(service, "blocked", GUEST, SECOND, "device-blk-A");
        String pendingToken = invites.pendingToken();
        String enteredToken = invites.enteredToken();

        // blocking partner.org blocks its subdomains too (mail.partner.org)
        service.settings(true, null, List.of("partner.org"), 1440);

        expectRefusedEveryWay(service, pendingToken, "device-blk-B", GUEST, 403, "DOMAIN_BLOCKED");
        expectError(redeem(service, pendingToken, "device-blk-B", null, null), 403, "DOMAIN_BLOCKED");
        expectError(redeem(service, pendingToken, "device-blk-B", "someone@example.org", null), 403, "DOMAIN_BLOCKED");
        expectError(redeem(service, pendingToken, "device-blk-B", GUEST, service.token("someone@example.org")), 403,
                "DOMAIN_BLOCKED");
        // the device that already entered is refused as well
        expectError(preview(service, enteredToken, "device-blk-A", null), 403, "DOMAIN_BLOCKED");
        expectError(redeem(service, enteredToken, "device-blk-A", null, null), 403, "DOMAIN_BLOCKED");

        // nothing was consumed or counted while blocked
        assertEquals("PENDING", listed(service, invites.pending()).get("status"));
        assertNull(stored(service, invites.pending()).deviceId());
        assertEquals(0, stored(service, invites.pending()).failedEmailAttempts());

        service.settings(true, null, List.of("other.example"), 1440);
        assertEquals("LOBBY", preview(service, pendingToken, null, null).expect(200).json().get("next"));
        expectEntered(redeem(service, pendingToken, "device-blk-B", GUEST, null), "VIEWER");
        expectEntered(redeem(service, enteredToken, "device-blk-A", null, null), "VIEWER");
    }

    @Test
    void blockingAnotherDomainChangesNothingForTheInvitee() {
        String token = openInvite(service, "unrelated", GUEST, "VIEWER").token();
        service.settings(true, null, List.of("partner.com", "org.partner.org"), 1440);
        expectEntered(redeem(service, token, "device-unrel-1", GUEST, null), "VIEWER");
    }

    @Test
    void invitationsSwitchedOffAfterInvitesExistRefuseTheirLinks() {
        PendingAndEntered invites = pendingAndEntered(service, "off", GUEST, SECOND, "device-off-A");
        String pendingToken = invites.pendingToken();
        String enteredToken = invites.enteredToken();

        service.settings(false, null, List.of(), 1440);

        expectError(preview(service, pendingToken, null, null), 403, "FEATURE_DISABLED");
        expectError(preview(service, pendingToken, null, service.token(GUEST)), 403, "FEATURE_DISABLED");
        expectError(redeem(service, pendingToken, "device-off-B", GUEST, null), 403, "FEATURE_DISABLED");
        expectError(redeem(service, pendingToken, "device-off-B", null, service.token(GUEST)), 403, "FEATURE_DISABLED");
        expectError(preview(service, enteredToken, "device-off-A", null), 403, "FEATURE_DISABLED");
        expectError(redeem(service, enteredToken, "device-off-A", null, null), 403, "FEATURE_DISABLED");
        // even a forged link is answered FEATURE_DISABLED: the switch comes first
        expectError(preview(service, "garbage", null, null), 403, "FEATURE_DISABLED");

        service.enableInvitations();
        assertEquals("PENDING", listed(service, invites.pending()).get("status"));
        expectEntered(redeem(service, pendingToken, "device-off-B", GUEST, null), "VIEWER");
        expectEntered(redeem(service, enteredToken, "device-off-A", null, null), "VIEWER");
    }
}
