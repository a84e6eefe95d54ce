package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import io.roominvites.testkit.InProcessService.Invited;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.GUEST;
import static io.roominvites.testkit.InProcessService.LAPTOP;
import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.PHONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The invitee's entry (POST /invites/preview and /invites/redeem): the countdown, the lobby and its lock after 5 wrong
 * emails, the one device a link binds, and every way a link stops working. The room starts 10 minutes after T0 and
 * lasts an hour; links last a day unless a test says otherwise.
 */
class InviteeEntryTest {
    private final InProcessService service = InProcessService.withRoom("growth", Duration.ofMinutes(10));
    private final Invited invite = service.invite("growth", GUEST, "VIEWER");

    private void open() {
        service.advance(Duration.ofMinutes(10));
    }

    private Answer redeem(String device, String email) {
        return service.redeem(invite.token(), device, email, null);
    }

    private int failedAttempts() {
        return service.store.findInvite("growth", invite.id()).orElseThrow().failedEmailAttempts();
    }

    @Test
    void beforeTheStartTheLinkShowsACountdownAndLetsNoOneIn() {
        Answer preview = service.preview(invite.token(), null, null).expect(200);
        assertEquals("NOT_STARTED", preview.text("state"));
        assertEquals("WAIT", preview.text("next"));
        assertEquals(600L, preview.json().get("secondsUntilStart"));
        assertEquals("Gia", preview.obj("invitee").get("firstName"));
        Map<String, Object> error = redeem(LAPTOP, GUEST).error(409, "SESSION_NOT_STARTED");
        assertEquals("2026-11-23T19:10:00Z", error.get("startsAt"));
        assertEquals(0L, service.store.findInvite("growth", invite.id()).orElseThrow().rev(), "nothing written");
    }

    @Test
    void onceOpenTheLobbyAsksForTheInvitedEmail() {
        open();
        assertEquals("LOBBY", service.preview(invite.token(), null, null).expect(200).text("next"));
        redeem(LAPTOP, null).error(401, "EMAIL_REQUIRED");
        assertEquals(0, failedAttempts(), "asking is not a wrong answer");
    }

    @Test
    void theInvitedEmailBindsTheDeviceAndGrantsAnAccessTokenUntilTheEnd() {
        open();
        Answer entered = redeem(LAPTOP, "  Guest@Example.ORG ").expect(200);
        assertEquals("VIEWER", entered.text("role"));
        assertEquals(List.of("chat", "answer_interactions", "qna"), entered.json().get("permissions"));
        assertEquals("2026-11-23T20:10:00Z", entered.text("expiresAt"), "an hour of access, cut at the session's end");
        Map<String, Object> claims = service.accessTokens().verify(entered.text("accessToken"), service.clock);
        assertEquals(GUEST, claims.get("sub"));
        assertEquals("growth", claims.get("room_id"));
        assertEquals("VIEWER", claims.get("role"));
        assertEquals(LAPTOP, claims.get("device_id"));

        redeem(LAPTOP, null).expect(200); // the bound device comes back without the email
        redeem(PHONE, GUEST).error(409, "LINK_ALREADY_USED");
        assertEquals(1, service.store.findInvite("growth", invite.id()).orElseThrow().devices().size());
    }

    @Test
    void signedInWithTheInvitedEmailGoesStraightIn() {
        open();
        assertEquals("ENTER", service.preview(invite.token(), LAPTOP, service.token(GUEST)).expect(200).text("next"));
        service.redeem(invite.token(), LAPTOP, null, service.token(GUEST)).expect(200);
        // signed in as someone else and typing nothing: the lobby, not a wrong answer
        service.redeem(InProcessService.linkToken(service.invite("growth", "other@example.org", "VIEWER").created()
                .text("link")), PHONE, null, service.token(GUEST)).error(401, "EMAIL_REQUIRED");
    }

    @Test
    void attemptsLeftCountDownAndTheFifthWrongEmailLocksTheInvite() {
        open();
        for (int i = 1; i <= 5; i++) {
            Map<String, Object> error = redeem("device-000" + i, "wrong" + i + "@example.org").error(403, "EMAIL_MISMATCH");
            assertEquals((long) (5 - i), error.get("attemptsLeft"));
            assertEquals(i, failedAttempts());
        }
        redeem(LAPTOP, GUEST).error(423, "INVITE_LOCKED");
        service.redeem(invite.token(), LAPTOP, null, service.token(GUEST)).error(423, "INVITE_LOCKED");
        service.preview(invite.token(), null, null).error(423, "INVITE_LOCKED");
        redeem(LAPTOP, "wrong6@example.org").error(423, "INVITE_LOCKED");
        assertEquals(5, failedAttempts(), "never counted past the lock");
    }

    @Test
    void fourWrongEmailsThenTheRightOneStillEnters() {
        open();
        for (int i = 1; i <= 4; i++) {
            redeem(LAPTOP, "wrong@example.org").error(403, "EMAIL_MISMATCH");
        }
        redeem(LAPTOP, GUEST).expect(200);
        redeem(PHONE, "wrong@example.org").error(409, "LINK_ALREADY_USED");
        assertEquals(4, failedAttempts(), "a bound invite counts no more wrong emails");
    }

    @Test
    void anExpiredLinkSaysSo() {
        service.settings(Map.of("linkTtlMinutes", 5));
        Invited shortLived = service.invite("growth", "late@example.org", "VIEWER");
        service.advance(Duration.ofMinutes(5));
        service.preview(shortLived.token(), null, null).error(410, "LINK_EXPIRED");
        open();
        service.redeem(shortLived.token(), LAPTOP, "late@example.org", null).error(410, "LINK_EXPIRED");
    }

    @Test
    void aRevokedInvitesLinkSaysSo() {
        open();
        service.revoke(invite, OWNER).expect(200);
        for (Answer refused : List.of(service.preview(invite.token(), null, null), redeem(LAPTOP, GUEST))) {
            refused.error(410, "INVITE_REVOKED");
        }
    }

    @Test
    void aDeletedRoomsLinksSaySo() {
        open();
        redeem(LAPTOP, GUEST).expect(200);
        service.deleteRoom("growth");
        service.preview(invite.token(), LAPTOP, null).error(410, "ROOM_DELETED");
        redeem(LAPTOP, null).error(410, "ROOM_DELETED");
    }

    @Test
    void afterTheSessionTheLinkShowsItEndedAndLetsNoOneIn() {
        open();
        redeem(LAPTOP, GUEST).expect(200);
        service.advance(Duration.ofHours(1));
        Answer preview = service.preview(invite.token(), LAPTOP, null).expect(200);
        assertEquals("ENDED", preview.text("state"));
        assertNull(preview.json().get("next"));
        redeem(LAPTOP, null).error(410, "SESSION_ENDED");
    }

    @Test
    void aLinkThatIsNotOneOfOursIsInvalid() {
        String token = invite.token();
        String altered = token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA");
        service.preview(altered, null, null).error(400, "LINK_INVALID");
        service.redeem("not-a-token", LAPTOP, GUEST, null).error(400, "LINK_INVALID");
    }

    @Test
    void linksStopWorkingWhileInvitationsAreOffOrTheDomainIsBlocked() {
        open();
        service.settings(Map.of("inviteToMediaEnabled", false));
        service.preview(invite.token(), null, null).error(403, "FEATURE_DISABLED");
        service.settings(Map.of("blockedDomains", List.of("example.org")));
        redeem(LAPTOP, GUEST).error(403, "DOMAIN_BLOCKED");
    }

    @Test
    void aDeviceIdIs8To128SafeCharacters() {
        open();
        assertEquals(List.of("deviceId"), redeem("short", GUEST).invalidFields());
        assertEquals(List.of("deviceId"), redeem("d".repeat(129), GUEST).invalidFields());
        assertEquals(List.of("deviceId"), redeem("has space!", GUEST).invalidFields());
        assertEquals(List.of("deviceId"), service.redeem(invite.token(), null, GUEST, null).invalidFields());
        redeem("d".repeat(128), GUEST).expect(200);
    }
}
