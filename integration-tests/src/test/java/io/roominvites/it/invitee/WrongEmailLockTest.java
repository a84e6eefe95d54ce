package io.roominvites.it.invitee;

import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;


import static io.roominvites.it.invitee.Invitee.expectEntered;
import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.expectInvalid;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.openInvite;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lobby's wrong answers: EMAIL_MISMATCH with the attempts left, then the lock. */
class WrongEmailLockTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void attemptsLeftCountDownAndFiveWrongEmailsLockTheInvite() {
        Invited guest = openInvite(service, "lock", GUEST, "VIEWER");
        String token = guest.token();

        for (int i = 1; i <= 5; i++) {
            // from different devices: the count belongs to the invite, not the device
            Response wrong = expectError(redeem(service, token, "device-lock-" + i, "wrong" + i + "@example.org", null),
                    403, "EMAIL_MISMATCH");
            assertEquals((long) (5 - i), number(wrong.obj("error"), "attemptsLeft"), wrong::toString);
            assertEquals(i, stored(service, guest).failedEmailAttempts());
        }
        // the fifth wrong email answered EMAIL_MISMATCH with 0 attempts left and said the invite is now locked
        // (InviteeEntry.failedEntry); from then on: INVITE_LOCKED, even for the right email
        expectError(redeem(service, token, "device-lock-1", GUEST, null), 423, "INVITE_LOCKED");
        expectError(redeem(service, token, "device-lock-9", GUEST, null), 423, "INVITE_LOCKED");
        expectError(redeem(service, token, "device-lock-9", null, service.token(GUEST)), 423, "INVITE_LOCKED");
        expectError(redeem(service, token, "device-lock-9", "wrong6@example.org", null), 423, "INVITE_LOCKED");
        expectError(preview(service, token, null, null), 423, "INVITE_LOCKED");
        expectError(preview(service, token, "device-lock-9", service.token(GUEST)), 423, "INVITE_LOCKED");
        assertEquals(5, stored(service, guest).failedEmailAttempts(), "never past the lock");
        assertEquals("PENDING", listed(service, guest).get("status"),
                "a locked invite is still listed as pending (the contract has no LOCKED status)");
    }

    @Test
    void theLastAttemptSaysTheInviteIsNowLocked() {
        String token = openInvite(service, "last", GUEST, "VIEWER").token();
        Response last = null;
        for (int i = 1; i <= 5; i++) {
            last = expectError(redeem(service, token, "device-last-1", "wrong@example.org", null), 403, "EMAIL_MISMATCH");
        }
        assertEquals(0L, number(last.obj("error"), "attemptsLeft"));
        assertTrue(((String) last.obj("error").get("message")).contains("locked"), last::toString);
    }

    @Test
    void aRightEmailBeforeTheLockStillEnters() {
        String token = openInvite(service, "four", GUEST, "VIEWER").token();
        for (int i = 1; i <= 4; i++) {
            expectError(redeem(service, token, "device-four-1", "wrong@example.org", null), 403, "EMAIL_MISMATCH");
        }
        expectEntered(redeem(service, token, "device-four-1", "Guest@Example.org", null), "VIEWER");
        // bound now: wrong emails from other devices are LINK_ALREADY_USED, not counted
        expectError(redeem(service, token, "device-four-2", "wrong@example.org", null), 409, "LINK_ALREADY_USED");
    }

    @Test
    void aMalformedEmailIsAFieldErrorAndNotAnAttempt() {
        Invited guest = openInvite(service, "malformed", GUEST, "VIEWER");
        for (String bad : new String[]{"not-an-email", "guest@", "@example.org", "guest@example", "a@@example.org"}) {
            expectInvalid(redeem(service, guest.token(), "device-malformed-1", bad, null), "email");
        }
        assertEquals(0, stored(service, guest).failedEmailAttempts());
        expectEntered(redeem(service, guest.token(), "device-malformed-1", GUEST, null), "VIEWER");
    }
}
