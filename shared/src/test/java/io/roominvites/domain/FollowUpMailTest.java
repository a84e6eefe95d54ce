package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets a calendar update, a cancellation or a reminder, and when reminders fall: the rules, on a fixed clock. */
class FollowUpMailTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant START = NOW.plus(Duration.ofDays(2));

    private static Room room(Instant start, String title, boolean deleted, List<Integer> reminders) {
        return new Room("r1", title, "", start, start.plus(Duration.ofHours(1)), true, "owner@example.com", List.of(),
                List.of(), List.of(), deleted, 7, NOW.minusSeconds(30), reminders);
    }

    private static Invite emailed() {
        Invite.EmailDelivery sent = Invite.EmailDelivery.first("SENT", "m-1", null, NOW.minusSeconds(60));
        return Invite.created("i1", "r1", "gia@example.org", "Gia", "Guest", Role.VIEWER, NOW.minusSeconds(60),
                "owner@example.com", "Olivia Owner", NOW.plus(Duration.ofDays(7)), 1, sent);
    }

    @Test
    void onlyAChangeOfStartEndOrTitleIsACalendarChange() {
        Room before = room(START, "Launch", false, null);
        assertTrue(FollowUpMail.calendarChanged(before, room(START.plusSeconds(60), "Launch", false, null)));
        assertTrue(FollowUpMail.calendarChanged(before, room(START, "Launch day", false, null)));
        assertFalse(FollowUpMail.calendarChanged(before, room(START, "Launch", false, List.of(30))), "reminders only");
        assertFalse(FollowUpMail.calendarChanged(null, before), "created");
        assertFalse(FollowUpMail.calendarChanged(before, room(START.plusSeconds(60), "Launch", true, null)), "deleted");
    }

    @Test
    void anUpdateGoesToAnEmailedPendingOrRedeemedInviteOfTheRoomAsItStandsNow() {
        Room r = room(START, "Launch", false, null);
        String seq = Long.toString(FollowUpMail.sequence(r, NOW));
        Invite invite = emailed();
        assertNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, invite, r, NOW));
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, Long.toString(Long.parseLong(seq) - 5),
                invite, r, NOW), "superseded by a later change");
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, invite.revoked(NOW), r, NOW), "revoked");
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, invite, r,
                NOW.plus(Duration.ofDays(8))), "expired");
        Invite notEmailed = invite.withEmailDelivery(null);
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, notEmailed, r, NOW), "never emailed");
        Invite bounced = invite.withEmailDelivery(invite.emailDelivery().withEvent(
                new Invite.DeliveryEvent("BOUNCED", NOW, "mailbox does not exist")));
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, bounced, r, NOW), "bounced");
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_UPDATE, seq, invite.erasedAt(NOW), r, NOW), "erased");
    }

    @Test
    void aCancellationGoesToARevokedInviteOrOneOfADeletedRoomOnceWithAHigherSequence() {
        Room r = room(START, "Launch", false, null);
        Invite invite = emailed();
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_CANCEL, "0", invite, r, NOW), "still active");
        assertNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_CANCEL, "0", invite.revoked(NOW), r, NOW));
        assertNull(FollowUpMail.skipReason(FollowUpMail.Kind.CALENDAR_CANCEL, "0", invite, room(START, "Launch", true, null), NOW));
        assertEquals(FollowUpMail.claimKey(FollowUpMail.Kind.CALENDAR_CANCEL, "1"),
                FollowUpMail.claimKey(FollowUpMail.Kind.CALENDAR_CANCEL, "2"), "one cancellation an invite, whatever caused it");
        assertTrue(FollowUpMail.cancelSequence(r, NOW.minusSeconds(3600)) > FollowUpMail.sequence(r, NOW),
                "a cancellation's SEQUENCE is above every update's");
    }

    @Test
    void remindersFallAtTheirMinutesBeforeTheStartLargestFirstNoneAlreadyPastNoneForADeletedRoom() {
        Room r = room(START, "Launch", false, List.of(60, 1440, 60, 4320));
        assertEquals(List.of(4320, 1440, 60), r.reminderMinutesBefore(), "distinct, largest first");
        List<Reminders.Moment> m = Reminders.moments(r, r.reminderMinutesBefore(), NOW);
        assertEquals(List.of(1440, 60), m.stream().map(Reminders.Moment::minutesBefore).toList(), "three days before is past");
        assertEquals(START.minus(Duration.ofMinutes(1440)), m.getFirst().at());
        assertEquals(List.of(), Reminders.moments(room(START, "Launch", true, null), List.of(60), NOW));
        SiteSettings site = SiteSettings.defaults();
        assertEquals(List.of(1440, 60), site.reminderMinutesBefore(), "the default: a day and an hour before");
        assertEquals(List.of(1440, 60), room(START, "x", false, null).reminders(site), "a room without its own: the site's");
        assertEquals(List.of(), room(START, "x", false, List.of()).reminders(site), "[] turns them off for the room");
    }

    @Test
    void aReminderGoesOnlyWhileTheRoomStillStartsWhenItWasScheduled() {
        Room r = room(START, "Launch", false, null);
        Reminders.Moment m = Reminders.moments(r, List.of(60), NOW).getFirst();
        String ref = FollowUpMail.reminderRef(m);
        assertNull(FollowUpMail.skipReason(FollowUpMail.Kind.REMINDER, ref, emailed(), r, NOW));
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.REMINDER, ref, emailed(),
                room(START.plusSeconds(3600), "Launch", false, null), NOW), "moved: the new schedule reminds");
        assertNotNull(FollowUpMail.skipReason(FollowUpMail.Kind.REMINDER, ref, emailed(),
                room(START, "Launch", true, null), NOW), "deleted");
    }

    @Test
    void badReminderListsAreNamed() {
        assertNull(Reminders.problem(List.of(1440, 60)));
        assertNull(Reminders.problem(List.of()));
        assertNotNull(Reminders.problem(List.of(0)));
        assertNotNull(Reminders.problem(List.of(40321)));
        assertNotNull(Reminders.problem(List.of(1.5)));
        assertNotNull(Reminders.problem(List.of("60")));
        assertNotNull(Reminders.problem(List.of(1, 2, 3, 4, 5, 6)));
    }
}
