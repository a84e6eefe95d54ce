package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InviteRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T20:00:00Z");
    private static final SiteSettings ON = new SiteSettings(true, null, List.of(), 1440, "https://events.example.com/join");
    private static final SiteSettings OFF = new SiteSettings(false, null, List.of(), 1440, "https://events.example.com/join");

    private static Room room(Duration startsIn, Duration length, boolean cc) {
        Instant start = NOW.plus(startsIn);
        return new Room("r1", "Title", "Description", start, start.plus(length), cc, "owner@example.com",
                List.of("co@example.com"), List.of("editor@example.com"), List.of("publisher@example.com"), false, 1, NOW);
    }

    private static Invite invite(Role role, InviteStatus stored, Instant expiresAt) {
        return new Invite("01JAAAAAAAAAAAAAAAAAAAAAAA", "r1", "guest@example.org", "Gia", "Guest", role, stored,
                NOW.minus(Duration.ofMinutes(1)), "owner@example.com", "Owner", expiresAt,
                stored == InviteStatus.REDEEMED ? NOW : null, stored == InviteStatus.REVOKED ? NOW : null, null,
                stored == InviteStatus.REDEEMED ? List.of(new Invite.Device("device-1234", NOW)) : List.of(), 1, 0, 1,
                null, 0, null, 3);
    }

    private static Room deleted(Room r) {
        return new Room(r.roomId(), r.title(), r.description(), r.startsAt(), r.endsAt(), r.chatAndCollaborationEnabled(),
                r.owner(), r.coOwners(), r.coEditors(), r.coPublishers(), true, r.version(), r.updatedAt());
    }

    private static final Room OPEN = room(Duration.ofMinutes(-10), Duration.ofHours(1), true);

    private static Invite pending(Role role) {
        return invite(role, InviteStatus.PENDING, NOW.plus(Duration.ofHours(1)));
    }

    // ------------------------------------------------------------ createRefusal

    @Test
    void createAllowedInAnUpcomingOrOpenRoomWithTheFeatureOn() {
        assertNull(InviteRules.createRefusal(room(Duration.ofDays(1), Duration.ofHours(1), true), ON, NOW));
        assertNull(InviteRules.createRefusal(room(Duration.ofMinutes(-5), Duration.ofHours(1), true), ON, NOW));
    }

    @Test
    void createRefusedWhenTheFeatureIsOffBeforeAnythingElse() {
        assertEquals(ErrorCode.FEATURE_DISABLED,
                InviteRules.createRefusal(room(Duration.ofDays(1), Duration.ofHours(1), true), OFF, NOW));
        assertEquals(ErrorCode.FEATURE_DISABLED,
                InviteRules.createRefusal(room(Duration.ofDays(-1), Duration.ofHours(1), false), OFF, NOW));
    }

    @Test
    void createRefusedWithoutChatAndCollaboration() {
        assertEquals(ErrorCode.CHAT_AND_COLLABORATION_DISABLED,
                InviteRules.createRefusal(room(Duration.ofDays(1), Duration.ofHours(1), false), ON, NOW));
        assertEquals(ErrorCode.CHAT_AND_COLLABORATION_DISABLED,
                InviteRules.createRefusal(room(Duration.ofDays(-1), Duration.ofHours(1), false), ON, NOW));
    }

    @Test
    void createRefusedOnceTheSessionEnded() {
        assertEquals(ErrorCode.SESSION_ENDED,
                InviteRules.createRefusal(room(Duration.ofHours(-2), Duration.ofHours(1), true), ON, NOW));
        // the end is exclusive: at endsAt the session is over
        assertEquals(ErrorCode.SESSION_ENDED,
                InviteRules.createRefusal(room(Duration.ofHours(-1), Duration.ofHours(1), true), ON, NOW));
        assertNull(InviteRules.createRefusal(room(Duration.ofHours(-1), Duration.ofHours(1).plusMillis(1), true), ON, NOW));
    }

    // ------------------------------------------------------------ promotionRefusal

    @Test
    void promotionOnlyGoesUp() {
        assertNull(InviteRules.promotionRefusal(pending(Role.VIEWER), OPEN, Role.SPEAKER, NOW));
        assertNull(InviteRules.promotionRefusal(pending(Role.VIEWER), OPEN, Role.MODERATOR, NOW));
        assertNull(InviteRules.promotionRefusal(pending(Role.SPEAKER), OPEN, Role.MODERATOR, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.VIEWER), OPEN, Role.VIEWER, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.SPEAKER), OPEN, Role.VIEWER, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.MODERATOR), OPEN, Role.MODERATOR, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.MODERATOR), OPEN, Role.SPEAKER, NOW));
    }

    @Test
    void aRedeemedInviteCanBePromotedEvenAfterItsLinkExpired() {
        Invite redeemed = invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.minus(Duration.ofMinutes(1)));
        assertNull(InviteRules.promotionRefusal(redeemed, OPEN, Role.SPEAKER, NOW));
    }

    @Test
    void revokedOrExpiredInvitesAreNotActive() {
        Invite revoked = invite(Role.VIEWER, InviteStatus.REVOKED, NOW.plus(Duration.ofHours(1)));
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(revoked, OPEN, Role.SPEAKER, NOW));
        Invite expired = invite(Role.VIEWER, InviteStatus.PENDING, NOW.minus(Duration.ofSeconds(1)));
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(expired, OPEN, Role.SPEAKER, NOW));
        Invite expiringNow = invite(Role.VIEWER, InviteStatus.PENDING, NOW);
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(expiringNow, OPEN, Role.SPEAKER, NOW),
                "expiry is exclusive: at expiresAt the invite is expired");
        // not active wins over "not higher": the manager must create a new invitation either way
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(revoked, OPEN, Role.VIEWER, NOW));
    }

    @Test
    void aLockedInviteIsNotActive() {
        Invite locked = pending(Role.VIEWER);
        for (int i = 0; i < 4; i++) {
            locked = locked.withWrongEmail();
            assertFalse(locked.locked(), "not locked after " + (i + 1) + " wrong emails");
        }
        locked = locked.withWrongEmail();
        assertTrue(locked.locked(), "the contract: 5 wrong emails lock");
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(locked, OPEN, Role.SPEAKER, NOW));
        assertEquals(3 + 5, locked.rev(), "every change raises the revision by one");
    }

    @Test
    void roomDeletedAndSessionEnded() {
        Invite invite = invite(Role.VIEWER, InviteStatus.PENDING, NOW.plus(Duration.ofHours(1)));
        assertEquals(ErrorCode.ROOM_DELETED, InviteRules.promotionRefusal(invite, deleted(OPEN), Role.SPEAKER, NOW));
        assertEquals(ErrorCode.ROOM_DELETED, InviteRules.promotionRefusal(invite, null, Role.SPEAKER, NOW));
        Room over = room(Duration.ofHours(-3), Duration.ofHours(1), true);
        Invite ended = invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.plus(Duration.ofHours(1)));
        assertEquals(ErrorCode.SESSION_ENDED, InviteRules.promotionRefusal(ended, over, Role.SPEAKER, NOW));
    }

    // ------------------------------------------------------------ the status an invite shows

    @Test
    void expiredIsDerivedFromPending() {
        assertEquals(InviteStatus.PENDING, invite(Role.VIEWER, InviteStatus.PENDING, NOW.plusMillis(1)).status(NOW));
        assertEquals(InviteStatus.EXPIRED, invite(Role.VIEWER, InviteStatus.PENDING, NOW).status(NOW));
        assertEquals(InviteStatus.REDEEMED, invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.minusSeconds(5)).status(NOW));
        assertEquals(InviteStatus.REVOKED, invite(Role.VIEWER, InviteStatus.REVOKED, NOW.minusSeconds(5)).status(NOW));
    }

    @Test
    void managersAreComparedCaseInsensitively() {
        Room r = room(Duration.ofDays(1), Duration.ofHours(1), true);
        assertTrue(r.isManager("owner@example.com"));
        assertTrue(r.isManager(" Owner@Example.COM "));
        assertTrue(r.isManager("CO@example.com"));
        assertTrue(r.isManager("editor@example.com"));
        assertTrue(r.isManager("publisher@example.com"));
        assertFalse(r.isManager("guest@example.org"));
        assertFalse(r.isManager(null));
    }

    // ------------------------------------------------------------ entryRefusal

    private static final SiteSettings SETTINGS = ON;

    private static Invite multi(int maxDevices) {
        return new Invite("01JAAAAAAAAAAAAAAAAAAAAAAB", "r1", "guest@example.org", "Gia", "Guest", Role.VIEWER,
                InviteStatus.PENDING, NOW.minus(Duration.ofMinutes(1)), "owner@example.com", "Owner",
                NOW.plus(Duration.ofHours(1)), null, null, null, List.of(), maxDevices, 0, 1, null, 0, null, 1);
    }

    @Test
    void aLinkOfThreeDevicesBindsThreeAndRefusesTheFourth() {
        Invite invite = multi(3);
        for (int d = 1; d <= 3; d++) {
            String device = "device-000" + d;
            assertNull(InviteRules.entryRefusal(invite, OPEN, 1, device, List.of("guest@example.org"), SETTINGS, NOW));
            invite = invite.enteredBy(device, NOW);
        }
        assertEquals(3, invite.devices().size());
        assertEquals(InviteStatus.REDEEMED, invite.storedStatus());
        assertEquals(ErrorCode.LINK_ALREADY_USED,
                InviteRules.entryRefusal(invite, OPEN, 1, "device-0004", List.of("guest@example.org"), SETTINGS, NOW));
        // each bound device re-enters without proving the email again, and re-entering binds nothing new
        assertNull(InviteRules.entryRefusal(invite, OPEN, 1, "device-0002", List.of(), SETTINGS, NOW));
        Invite again = invite.enteredBy("device-0002", NOW);
        assertEquals(3, again.devices().size());
        assertEquals(invite.entries() + 1, again.entries());
    }

    @Test
    void aNewDeviceAfterTheFirstStillProvesTheEmail() {
        Invite invite = multi(2).enteredBy("device-0001", NOW);
        assertEquals(ErrorCode.EMAIL_REQUIRED, InviteRules.entryRefusal(invite, OPEN, 1, "device-0002", List.of(), SETTINGS, NOW));
        assertEquals(ErrorCode.EMAIL_MISMATCH,
                InviteRules.entryRefusal(invite, OPEN, 1, "device-0002", List.of("x@example.org"), SETTINGS, NOW));
    }

    @Test
    void anEarlierLinkVersionIsReplaced() {
        Invite reissued = multi(1).reissued(NOW.plus(Duration.ofHours(2)), null);
        assertEquals(2, reissued.linkVersion());
        assertEquals(ErrorCode.LINK_REPLACED,
                InviteRules.entryRefusal(reissued, OPEN, 1, "device-0001", List.of("guest@example.org"), SETTINGS, NOW));
        assertNull(InviteRules.entryRefusal(reissued, OPEN, 2, "device-0001", List.of("guest@example.org"), SETTINGS, NOW));
    }

    @Test
    void reissueClearsTheLockAndReleaseLetsANewDeviceInPastTheExpiry() {
        Invite locked = multi(1);
        for (int i = 0; i < 5; i++) { // the contract: 5 wrong emails lock
            locked = locked.withWrongEmail();
        }
        assertEquals(ErrorCode.INVITE_LOCKED,
                InviteRules.entryRefusal(locked, OPEN, 1, "device-0001", List.of("guest@example.org"), SETTINGS, NOW));
        Invite reissued = locked.reissued(NOW.plus(Duration.ofHours(2)), null);
        assertFalse(reissued.locked());

        Invite used = reissued.enteredBy("device-0001", NOW);
        Instant afterExpiry = reissued.expiresAt().plusSeconds(1);
        Room stillOpen = room(Duration.ofMinutes(-10), Duration.ofHours(5), true);
        assertEquals(ErrorCode.LINK_ALREADY_USED,
                InviteRules.entryRefusal(used, stillOpen, 2, "device-0002", List.of("guest@example.org"), SETTINGS, afterExpiry));
        Invite released = used.devicesReleased(NOW);
        assertEquals(ErrorCode.EMAIL_REQUIRED,
                InviteRules.entryRefusal(released, stillOpen, 2, "device-0002", List.of(), SETTINGS, afterExpiry));
        assertNull(InviteRules.entryRefusal(released, stillOpen, 2, "device-0002", List.of("guest@example.org"), SETTINGS,
                afterExpiry), "after a release, a new device joins with the same link until the session ends");
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.reissueRefusal(used, OPEN, NOW), "only an unused invite gets a new link");
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.releaseRefusal(reissued, OPEN, NOW), "nothing to release");
    }

    @Test
    void aDeletedOrMissingRoomRefusesEveryLink() {
        assertEquals(ErrorCode.ROOM_DELETED,
                InviteRules.entryRefusal(multi(1), deleted(OPEN), 1, "device-0001", List.of("guest@example.org"), SETTINGS, NOW));
        assertEquals(ErrorCode.ROOM_DELETED,
                InviteRules.entryRefusal(multi(1), null, 1, "device-0001", List.of("guest@example.org"), SETTINGS, NOW));
    }

    // ------------------------------------------------------------ releaseRefusal

    @Test
    void onlyAnInviteSomeDeviceHoldsIsReleased() {
        Invite redeemed = invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.plus(Duration.ofHours(1)));
        assertNull(InviteRules.releaseRefusal(redeemed, OPEN, NOW));
        Invite released = redeemed.devicesReleased(NOW);
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.releaseRefusal(released, OPEN, NOW),
                "nothing bound: nothing to release");
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.releaseRefusal(pending(Role.VIEWER), OPEN, NOW));
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.releaseRefusal(redeemed.revoked(NOW), OPEN, NOW));
        assertEquals(ErrorCode.ROOM_DELETED, InviteRules.releaseRefusal(redeemed, deleted(OPEN), NOW));
        assertEquals(ErrorCode.SESSION_ENDED, InviteRules.releaseRefusal(redeemed, OPEN, NOW.plus(Duration.ofHours(2))));
    }

    // ------------------------------------------------------------ email attempts

    @Test
    void eachSenderSettlesItsOwnQueuedAttempt() {
        Instant t1 = NOW;
        Instant t2 = NOW.plusMillis(5);
        Invite.EmailDelivery two = Invite.EmailDelivery.queue(Invite.EmailDelivery.queue(null, t1), t2);
        Invite.EmailDelivery firstSettled = two.settle(t1, new Invite.Attempt("SENT", t2.plusMillis(1), null), "m-1");
        assertEquals(List.of("SENT", "QUEUED"), firstSettled.history().stream().map(Invite.Attempt::status).toList(),
                "the earlier attempt settled in place; the later one still QUEUED");
        assertEquals("m-1", firstSettled.messageId());
        Invite.EmailDelivery both = firstSettled.settle(t2, new Invite.Attempt("FAILED", t2.plusMillis(2), "rejected"), null);
        assertEquals(List.of("SENT", "FAILED"), both.history().stream().map(Invite.Attempt::status).toList());
        assertEquals("m-1", both.messageId(), "a failed attempt keeps the last sent message's id");
    }

    @Test
    void aClaimedAttemptIsNoLongerTheQueuedOneOfItsJob() {
        Invite.EmailDelivery queued = Invite.EmailDelivery.queue(null, NOW);
        assertTrue(queued.hasQueued(NOW));
        Invite.EmailDelivery claimed = queued.reclaim(NOW, NOW.plusMillis(7));
        assertFalse(claimed.hasQueued(NOW), "a second sender of the same job finds nothing to send");
        assertTrue(claimed.hasQueued(NOW.plusMillis(7)));
        assertEquals("QUEUED", claimed.status());
        assertEquals(1, claimed.attempts());
    }
}
