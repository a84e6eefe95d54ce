package io.roominvites.it.invitee;

import io.roominvites.domain.Invite;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.openInvite;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Preview is safe for mail scanners and link unfurlers: it consumes nothing and counts nothing, ever. */
class PreviewIsSafeTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void twentyPreviewsOfEveryKindChangeNothing() {
        Invited guest = openInvite(service, "safe", GUEST, "VIEWER");
        Invite before = stored(service, guest);
        String invited = service.token(GUEST);
        String other = service.token("scanner@mail-security.example");

        for (int i = 0; i < 20; i++) {
            String device = i % 2 == 0 ? null : "device-scan-" + i;
            String bearer = switch (i % 4) {
                case 0, 1 -> null;
                case 2 -> invited;
                default -> other;
            };
            Response p = preview(service, guest.token(), device, bearer).expect(200);
            assertEquals(i % 4 == 2 ? "ENTER" : "LOBBY", p.json().get("next"), p::toString);
        }

        Map<String, Object> listed = listed(service, guest);
        assertEquals("PENDING", listed.get("status"), "still pending after 20 previews");
        assertNull(listed.get("redeemedAt"));
        assertEquals(before, stored(service, guest), "the stored invite is exactly as created");

        // and the whole lobby is still there: five attempts, then a redeem on a device no preview used
        Response wrong = expectError(redeem(service, guest.token(), "device-real-1", "wrong@example.org", null), 403,
                "EMAIL_MISMATCH");
        assertEquals(4L, number(wrong.obj("error"), "attemptsLeft"));
        expectEntered(redeem(service, guest.token(), "device-real-1", GUEST, null), "VIEWER");
        assertEquals("REDEEMED", listed(service, guest).get("status"));
    }

    @Test
    void previewsBeforeTheStartChangeNothing() {
        Invited guest = service.invitedTo(Service.roomId("safe-early"), Duration.ofMinutes(5), GUEST, "VIEWER");
        Invite before = stored(service, guest);
        for (int i = 0; i < 20; i++) {
            assertEquals("WAIT", preview(service, guest.token(), i % 2 == 0 ? null : "device-early-" + i,
                    i % 3 == 0 ? service.token(GUEST) : null).expect(200).json().get("next"));
        }
        assertEquals(before, stored(service, guest));
        service.advance(Duration.ofMinutes(6));
        expectEntered(redeem(service, guest.token(), "device-early-1", null, service.token(GUEST)), "VIEWER");
    }

    @Test
    void previewOfARedeemedLinkFromAnotherDeviceChangesNothing() {
        Invited guest = openInvite(service, "safe-used", GUEST, "VIEWER");
        expectEntered(redeem(service, guest.token(), "device-owner-1", GUEST, null), "VIEWER");
        Invite after = stored(service, guest);
        String redeemedAt = (String) listed(service, guest).get("redeemedAt");

        for (int i = 0; i < 10; i++) {
            expectError(preview(service, guest.token(), i % 2 == 0 ? null : "device-other-" + i,
                    i % 3 == 0 ? service.token(GUEST) : null), 409, "LINK_ALREADY_USED");
        }
        assertEquals(after, stored(service, guest), "the stored invite did not change");
        assertEquals(redeemedAt, listed(service, guest).get("redeemedAt"));
        assertEquals("ENTER", preview(service, guest.token(), "device-owner-1", null).expect(200).json().get("next"));
        expectEntered(redeem(service, guest.token(), "device-owner-1", null, null), "VIEWER");
    }
}
