package io.roominvites.service;

import io.roominvites.events.LifecycleEvents;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A manager's changes of one invite: revoke, promote, reissue, release its devices; and its history. */
class InviteChangesTest {
    private final InProcessService service = InProcessService.withRoom("growth", Duration.ofMinutes(-5));
    private final Invited invite = service.invite("growth", GUEST, "VIEWER");

    private Answer revoke(String as) {
        return service.revoke(invite, as);
    }

    private Answer promote(String role) {
        return service.manage(invite, "promote", Map.of("role", role));
    }

    @Test
    void aRevokedInviteStaysRevokedAndRevokingAgainIsNoError() {
        Answer first = revoke(OWNER).expect(200);
        assertEquals("REVOKED", first.text("invite.status"));
        service.advance(Duration.ofMinutes(1));
        Answer again = revoke(OWNER).expect(200);
        assertEquals(first.text("invite.revokedAt"), again.text("invite.revokedAt"), "the first revoke's time");
        assertEquals(1L, service.store.findInvite("growth", invite.id()).orElseThrow().rev(), "written once");
    }

    @Test
    void onlyTheRoomsManagersChangeItsInvites() {
        revoke("stranger@example.org").error(403, "NOT_ROOM_MANAGER");
        revoke(InProcessService.CO_OWNER).expect(200);
        service.call("DELETE", "/rooms/growth/invites/" + InProcessService.NO_SUCH_INVITE, service.token(OWNER), null)
                .error(404, "INVITE_NOT_FOUND");
        service.call("DELETE", "/rooms/growth/invites/not-an-id", service.token(OWNER), null).error(404, "INVITE_NOT_FOUND");
    }

    @Test
    void aPromotionOnlyGoesUpAndTheInviteesNextRefreshCarriesIt() {
        service.redeem(invite.token(), LAPTOP, GUEST, null).expect(200);
        Answer promoted = promote("SPEAKER").expect(200);
        assertEquals("VIEWER", promoted.text("previousRole"));
        assertEquals("SPEAKER", promoted.text("invite.role"));
        assertEquals("SPEAKER", service.redeem(invite.token(), LAPTOP, null, null).expect(200).text("role"));
        promote("VIEWER").error(409, "ROLE_NOT_HIGHER");
        promote("SPEAKER").error(409, "ROLE_NOT_HIGHER");
        assertEquals(List.of("role"), promote("CHAIR").invalidFields());
    }

    @Test
    void aRevokedOrEndedInviteIsNotPromoted() {
        revoke(OWNER).expect(200);
        promote("MODERATOR").error(409, "INVITE_NOT_ACTIVE");
        Invited other = service.invite("growth", "other@example.org", "VIEWER");
        service.advance(Duration.ofHours(1));
        service.manage(other, "promote", Map.of("role", "MODERATOR")).error(410, "SESSION_ENDED");
    }

    @Test
    void aReissuedLinkReplacesTheOldOneAndClearsTheLock() {
        for (int i = 0; i < 5; i++) {
            service.redeem(invite.token(), LAPTOP, "wrong@example.org", null).error(403, "EMAIL_MISMATCH");
        }
        service.redeem(invite.token(), LAPTOP, GUEST, null).error(423, "INVITE_LOCKED");
        Answer reissued = service.manage(invite, "reissue", null).expect(200);
        assertEquals(2L, reissued.obj("invite").get("linkVersion"));
        assertEquals(false, reissued.obj("invite").get("locked"));
        assertEquals("2026-11-24T19:00:00Z", reissued.text("invite.expiresAt"), "a day from the reissue");
        service.redeem(invite.token(), LAPTOP, GUEST, null).error(410, "LINK_REPLACED");
        String fresh = InProcessService.linkToken(reissued.text("link"));
        service.redeem(fresh, LAPTOP, GUEST, null).expect(200);
    }

    @Test
    void aUsedOrRevokedInviteGetsNoNewLink() {
        service.redeem(invite.token(), LAPTOP, GUEST, null).expect(200);
        service.manage(invite, "reissue", null).error(409, "INVITE_NOT_ACTIVE");
        Invited other = service.invite("growth", "other@example.org", "VIEWER");
        service.revoke(other, OWNER).expect(200);
        service.manage(other, "reissue", null).error(409, "INVITE_NOT_ACTIVE");
    }

    @Test
    void releasingTheDeviceLetsTheInviteeInFromANewOneEvenPastTheLinksExpiry() {
        service.settings(Map.of("linkTtlMinutes", 5));
        Invited shortLived = service.invite("growth", "late@example.org", "VIEWER");
        service.redeem(shortLived.token(), LAPTOP, "late@example.org", null).expect(200);
        service.advance(Duration.ofMinutes(10)); // the link expired
        service.redeem(shortLived.token(), PHONE, "late@example.org", null).error(409, "LINK_ALREADY_USED");

        Answer released = service.manage(shortLived, "release-device", null).expect(200);
        assertEquals(List.of(), released.obj("invite").get("devices"));
        assertNotNull(released.text("invite.releasedAt"));
        service.redeem(shortLived.token(), PHONE, "late@example.org", null).expect(200);
        service.redeem(shortLived.token(), LAPTOP, null, null).error(409, "LINK_ALREADY_USED");
    }

    @Test
    void anInviteNoDeviceHoldsHasNothingToRelease() {
        service.manage(invite, "release-device", null).error(409, "INVITE_NOT_ACTIVE");
    }

    @Test
    void theHistoryRouteShowsWhatWasRecordedForTheInvite() {
        service.call("GET", "/rooms/growth/invites/" + invite.id() + "/history", service.token(OWNER), null).expect(200);
        var stored = service.store.findInvite("growth", invite.id()).orElseThrow();
        LifecycleEvents.ofInvite(null, stored, service.clock.instant()).forEach(service.store::recordHistory);
        Answer history = service.call("GET", "/rooms/growth/invites/" + invite.id() + "/history", service.token(OWNER), null)
                .expect(200);
        Map<String, Object> created = history.list("events").getFirst();
        assertEquals("Invite Created", created.get("type"));
        assertEquals(Map.of("emailMasked", "o***@example.com"), created.get("actor"));
        service.call("GET", "/rooms/growth/invites/" + InProcessService.NO_SUCH_INVITE + "/history", service.token(OWNER), null)
                .error(404, "INVITE_NOT_FOUND");
        service.call("GET", "/rooms/growth/invites/" + invite.id() + "/history", service.token("x@example.org"), null)
                .error(403, "NOT_ROOM_MANAGER");
    }
}
