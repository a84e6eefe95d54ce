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

    private static Invite invite(Role role, InviteStatus stored, Instant expiresAt, Room room, boolean roomDeleted) {
        return new Invite("01JAAAAAAAAAAAAAAAAAAAAAAA", room.roomId(), "guest@example.org", "Gia", "Guest", role, stored,
                NOW.minus(Duration.ofMinutes(1)), "owner@example.com", "Owner", expiresAt,
                stored == InviteStatus.REDEEMED ? NOW : null, stored == InviteStatus.REVOKED ? NOW : null, null,
                stored == InviteStatus.REDEEMED ? "device-1234" : null, 0, room.view(), roomDeleted, null);
    }

    private static Invite pending(Role role) {
        return invite(role, InviteStatus.PENDING, NOW.plus(Duration.ofHours(1)), room(Duration.ofMinutes(-10), Duration.ofHours(1), true), false);
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
        assertNull(InviteRules.promotionRefusal(pending(Role.VIEWER), Role.SPEAKER, NOW));
        assertNull(InviteRules.promotionRefusal(pending(Role.VIEWER), Role.MODERATOR, NOW));
        assertNull(InviteRules.promotionRefusal(pending(Role.SPEAKER), Role.MODERATOR, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.VIEWER), Role.VIEWER, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.SPEAKER), Role.VIEWER, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.MODERATOR), Role.MODERATOR, NOW));
        assertEquals(ErrorCode.ROLE_NOT_HIGHER, InviteRules.promotionRefusal(pending(Role.MODERATOR), Role.SPEAKER, NOW));
    }

    @Test
    void aRedeemedInviteCanBePromotedEvenAfterItsLinkExpired() {
        Room open = room(Duration.ofMinutes(-10), Duration.ofHours(1), true);
        Invite redeemed = invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.minus(Duration.ofMinutes(1)), open, false);
        assertNull(InviteRules.promotionRefusal(redeemed, Role.SPEAKER, NOW));
    }

    @Test
    void revokedOrExpiredInvitesAreNotActive() {
        Room open = room(Duration.ofMinutes(-10), Duration.ofHours(1), true);
        Invite revoked = invite(Role.VIEWER, InviteStatus.REVOKED, NOW.plus(Duration.ofHours(1)), open, false);
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(revoked, Role.SPEAKER, NOW));
        Invite expired = invite(Role.VIEWER, InviteStatus.PENDING, NOW.minus(Duration.ofSeconds(1)), open, false);
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(expired, Role.SPEAKER, NOW));
        Invite expiringNow = invite(Role.VIEWER, InviteStatus.PENDING, NOW, open, false);
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(expiringNow, Role.SPEAKER, NOW),
                "expiry is exclusive: at expiresAt the invite is expired");
        // not active wins over "not higher": the manager must create a new invitation either way
        assertEquals(ErrorCode.INVITE_NOT_ACTIVE, InviteRules.promotionRefusal(revoked, Role.VIEWER, NOW));
    }

    @Test
    void roomDeletedAndSessionEnded() {
        Room open = room(Duration.ofMinutes(-10), Duration.ofHours(1), true);
        Invite deleted = invite(Role.VIEWER, InviteStatus.PENDING, NOW.plus(Duration.ofHours(1)), open, true);
        assertEquals(ErrorCode.ROOM_DELETED, InviteRules.promotionRefusal(deleted, Role.SPEAKER, NOW));
        Room over = room(Duration.ofHours(-3), Duration.ofHours(1), true);
        Invite ended = invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.plus(Duration.ofHours(1)), over, false);
        assertEquals(ErrorCode.SESSION_ENDED, InviteRules.promotionRefusal(ended, Role.SPEAKER, NOW));
    }

    // ------------------------------------------------------------ the status an invite shows

    @Test
    void expiredIsDerivedFromPending() {
        Room open = room(Duration.ofMinutes(-10), Duration.ofHours(1), true);
        assertEquals(InviteStatus.PENDING, invite(Role.VIEWER, InviteStatus.PENDING, NOW.plusMillis(1), open, false).status(NOW));
        assertEquals(InviteStatus.EXPIRED, invite(Role.VIEWER, InviteStatus.PENDING, NOW, open, false).status(NOW));
        assertEquals(InviteStatus.REDEEMED, invite(Role.VIEWER, InviteStatus.REDEEMED, NOW.minusSeconds(5), open, false).status(NOW));
        assertEquals(InviteStatus.REVOKED, invite(Role.VIEWER, InviteStatus.REVOKED, NOW.minusSeconds(5), open, false).status(NOW));
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
}
