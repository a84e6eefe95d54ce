package io.roominvites.events;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LifecycleEventsTest {
    private static final Instant T0 = Instant.parse("2026-11-23T20:00:00Z");
    private static final Instant RECORDED = Instant.parse("2026-11-23T21:00:00Z");
    private static final String MANAGER = "owner@example.com";

    private static Invite created(boolean email) {
        return Invite.created("01JAAAAAAAAAAAAAAAAAAAAAAA", "r1", "guest@example.org", "Gia", "Guest", Role.VIEWER, T0,
                MANAGER, "Olivia Owner", T0.plus(Duration.ofDays(1)), 2,
                email ? Invite.EmailDelivery.queue(null, T0) : null);
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static List<EventType> types(List<LifecycleEvent> events) {
        return events.stream().map(LifecycleEvent::type).toList();
    }

    private static LifecycleEvent only(List<LifecycleEvent> events, EventType type) {
        assertEquals(List.of(type), types(events), "events: " + events);
        return events.getFirst();
    }

    @Test
    void creationIsCreatedByTheManagerWithMaskedEmailsAndNoToken() {
        Invite inv = created(false);
        LifecycleEvent e = only(LifecycleEvents.ofInvite(null, inv, RECORDED), EventType.INVITE_CREATED);
        assertEquals(T0, e.at());
        Map<String, Object> d = e.detail();
        assertEquals(1, d.get("version"));
        assertEquals("01JAAAAAAAAAAAAAAAAAAAAAAA", d.get("inviteId"));
        assertEquals("r1", d.get("roomId"));
        assertEquals("VIEWER", d.get("role"));
        assertEquals(Map.of("emailMasked", "g***@example.org"), d.get("invitee"));
        assertEquals(Map.of("emailMasked", "o***@example.com"), d.get("actor"));
        assertEquals(1, d.get("linkVersion"));
        assertEquals(T0.toString(), d.get("at"));
        assertEquals("01JAAAAAAAAAAAAAAAAAAAAAAA:0:invite-created", d.get("eventId"));
        assertFalse(d.containsKey("previousRole"));
        assertFalse(d.toString().contains("guest@example.org"), "the invitee's email is masked: " + d);
        assertFalse(d.toString().contains(MANAGER), "the actor's email is masked: " + d);
    }

    @Test
    void aQueuedEmailIsNoEventItsOutcomeIsEmailedOrEmailFailed() {
        Invite queued = created(true);
        assertEquals(List.of(EventType.INVITE_CREATED), types(LifecycleEvents.ofInvite(null, queued, RECORDED)));
        Invite sent = queued.withEmailDelivery(queued.emailDelivery().settle(queued.emailDelivery().at(), new Invite.Attempt("SENT", at(1), null), "m-1"))
                .by(MANAGER, at(1));
        LifecycleEvent emailed = only(LifecycleEvents.ofInvite(queued, sent, RECORDED), EventType.INVITE_EMAILED);
        assertEquals(at(1), emailed.at());
        assertEquals(Map.of("emailMasked", "o***@example.com"), emailed.detail().get("actor"));

        Invite requeued = sent.withEmailDelivery(Invite.EmailDelivery.queue(sent.emailDelivery(), at(2))).by(MANAGER, at(2));
        assertEquals(List.of(), LifecycleEvents.ofInvite(sent, requeued, RECORDED), "a reserved attempt is no event");
        Invite failed = requeued.withEmailDelivery(requeued.emailDelivery()
                .settle(at(2), new Invite.Attempt("FAILED", at(3), "The email service refused the address."), null)).by(MANAGER, at(3));
        LifecycleEvent f = only(LifecycleEvents.ofInvite(requeued, failed, RECORDED), EventType.INVITE_EMAIL_FAILED);
        assertEquals("The email service refused the address.", f.detail().get("reason"));
        assertEquals(2, f.detail().get("attempts"));
    }

    @Test
    void theFirstEntryOfADeviceIsRedeemedAndItsReturnIsReentered() {
        Invite inv = created(false);
        Invite first = inv.enteredBy("device-aaaa", at(5)).by(null, at(5));
        LifecycleEvent r = only(LifecycleEvents.ofInvite(inv, first, RECORDED), EventType.INVITE_REDEEMED);
        assertEquals(at(5), r.at());
        assertEquals(Map.of("emailMasked", "g***@example.org"), r.detail().get("actor"), "the invitee entered");
        assertFalse(r.detail().toString().contains("device-aaaa"), "never the device id");

        Invite again = first.enteredBy("device-aaaa", at(6)).by(null, at(6));
        LifecycleEvent re = only(LifecycleEvents.ofInvite(first, again, RECORDED), EventType.INVITE_REENTERED);
        assertEquals(at(6), re.at());
        assertEquals(2, re.detail().get("entries"));

        Invite second = again.enteredBy("device-bbbb", at(7)).by(null, at(7));
        LifecycleEvent r2 = only(LifecycleEvents.ofInvite(again, second, RECORDED), EventType.INVITE_REDEEMED);
        assertEquals(2, r2.detail().get("devices"), "a second device of a two-device invite is a redeem too");
    }

    @Test
    void promotionCarriesThePreviousRole() {
        Invite inv = created(false).enteredBy("device-aaaa", at(1));
        Invite promoted = inv.withRole(Role.MODERATOR, at(2)).by(MANAGER, at(2));
        LifecycleEvent e = only(LifecycleEvents.ofInvite(inv, promoted, RECORDED), EventType.INVITE_PROMOTED);
        assertEquals("MODERATOR", e.detail().get("role"));
        assertEquals("VIEWER", e.detail().get("previousRole"));
        assertEquals(at(2), e.at());
        assertEquals(Map.of("emailMasked", "o***@example.com"), e.detail().get("actor"));
    }

    @Test
    void revokeReissueReleaseAndLock() {
        Invite inv = created(false);
        Invite revoked = inv.revoked(at(3)).by(MANAGER, at(3));
        assertEquals(at(3), only(LifecycleEvents.ofInvite(inv, revoked, RECORDED), EventType.INVITE_REVOKED).at());

        Invite reissued = inv.reissued(at(60 * 24), inv.emailDelivery()).by(MANAGER, at(4));
        LifecycleEvent re = only(LifecycleEvents.ofInvite(inv, reissued, RECORDED), EventType.INVITE_REISSUED);
        assertEquals(2, re.detail().get("linkVersion"));
        assertEquals(at(4), re.at());

        Invite redeemed = inv.enteredBy("device-aaaa", at(5));
        Invite released = redeemed.devicesReleased(at(6)).by(MANAGER, at(6));
        LifecycleEvent rel = only(LifecycleEvents.ofInvite(redeemed, released, RECORDED), EventType.INVITE_DEVICE_RELEASED);
        assertEquals(1, rel.detail().get("devicesReleased"));

        Invite wrong = inv;
        for (int i = 1; i < 5; i++) { // the contract: the 5th wrong email locks
            Invite next = wrong.withWrongEmail().by(null, at(10 + i));
            assertEquals(List.of(), LifecycleEvents.ofInvite(wrong, next, RECORDED), "wrong email " + i + " is no event");
            wrong = next;
        }
        Invite locked = wrong.withWrongEmail();
        LifecycleEvent l = only(LifecycleEvents.ofInvite(wrong, locked, RECORDED), EventType.INVITE_LOCKED);
        assertNull(l.actor());
        assertEquals(RECORDED, l.at(), "no stamp: the time the write was recorded");
        assertTrue(l.detail().containsKey("actor") && l.detail().get("actor") == null, "actor: null");
    }

    @Test
    void deliveryReportsAreEventsButADelayIsNot() {
        Invite queued = created(true);
        Invite sent = queued.withEmailDelivery(queued.emailDelivery().settle(queued.emailDelivery().at(), new Invite.Attempt("SENT", at(1), null), "m-1"));
        for (String[] c : new String[][]{{"DELIVERED", "Invite Email Delivered"}, {"BOUNCED", "Invite Email Bounced"},
                {"COMPLAINED", "Invite Email Complained"}}) {
            Invite reported = sent.withEmailDelivery(sent.emailDelivery()
                    .withEvent(new Invite.DeliveryEvent(c[0], at(2), "mailbox does not exist")));
            List<LifecycleEvent> events = LifecycleEvents.ofInvite(sent, reported, RECORDED);
            assertEquals(1, events.size(), c[0] + ": " + events);
            assertEquals(c[1], events.getFirst().type().detailType());
            assertEquals(at(2), events.getFirst().at());
            assertEquals("mailbox does not exist", events.getFirst().detail().get("reason"));
            assertNull(events.getFirst().actor());
        }
        Invite delayed = sent.withEmailDelivery(sent.emailDelivery().withEvent(new Invite.DeliveryEvent("DELAYED", at(2), null)));
        assertEquals(List.of(), LifecycleEvents.ofInvite(sent, delayed, RECORDED));
    }

    @Test
    void aWriteThatChangesNothingToldIsNoEventAndNeitherIsARemovalOrAnOlderRevision() {
        Invite inv = created(false);
        Invite same = inv.withEmailDelivery(inv.emailDelivery()).by(MANAGER, at(1));
        assertEquals(List.of(), LifecycleEvents.ofInvite(inv, same, RECORDED), "rev rose, nothing told changed");
        assertEquals(List.of(), LifecycleEvents.ofInvite(inv, null, RECORDED), "TTL removal");
        Invite revoked = inv.revoked(at(3));
        assertEquals(List.of(), LifecycleEvents.ofInvite(revoked, inv, RECORDED), "not a newer revision");
        assertEquals(List.of(), LifecycleEvents.ofInvite(revoked, revoked, RECORDED), "the same revision");
    }

    @Test
    void eachEventOfTheSameChangeHasTheSameIdAndDifferentChangesDifferentIds() {
        Invite inv = created(false);
        Invite revoked = inv.revoked(at(3)).by(MANAGER, at(3));
        String id = LifecycleEvents.ofInvite(inv, revoked, RECORDED).getFirst().eventId();
        assertEquals(id, LifecycleEvents.ofInvite(inv, revoked, RECORDED.plusSeconds(9)).getFirst().eventId(),
                "a redelivered record is recognisable");
        assertEquals("01JAAAAAAAAAAAAAAAAAAAAAAA:1:invite-revoked", id);
    }

    private static Room room(String title, boolean deleted, long version) {
        return new Room("r1", title, "d", T0, T0.plus(Duration.ofHours(1)), true, MANAGER, List.of(), List.of(), List.of(),
                deleted, version, at(1));
    }

    @Test
    void roomChangesAndDeletion() {
        LifecycleEvent c = only(LifecycleEvents.ofRoom(null, room("A", false, 7), RECORDED), EventType.ROOM_CHANGED);
        assertEquals(List.of("created"), c.detail().get("changed"));
        assertEquals("r1", c.detail().get("roomId"));
        assertFalse(c.detail().containsKey("inviteId"));
        LifecycleEvent t = only(LifecycleEvents.ofRoom(room("A", false, 7), room("B", false, 8), RECORDED), EventType.ROOM_CHANGED);
        assertEquals(List.of("title"), t.detail().get("changed"));
        assertEquals("r1:8:room-changed", t.eventId());
        assertEquals(List.of(), LifecycleEvents.ofRoom(room("A", false, 7), room("A", false, 9), RECORDED),
                "the same content written again");
        LifecycleEvent d = only(LifecycleEvents.ofRoom(room("A", false, 7), room("A", true, 10), RECORDED), EventType.ROOM_DELETED);
        assertEquals(RECORDED, d.at());
        assertEquals(List.of(), LifecycleEvents.ofRoom(room("A", true, 10), room("A", true, 11), RECORDED),
                "deleting again is no event");
    }

    /** Issue 17, item 3: overlapping resends settle their attempts in any order; each settled attempt is one event. */
    @Test
    void everyAttemptSettledGivesItsOwnEventWhateverIsQueuedOrSettledAroundIt() {
        Invite sent = created(true).withEmailDelivery(created(true).emailDelivery()
                .settle(T0, new Invite.Attempt("SENT", at(1), null), "m-1"));
        // two resends reserve attempts 2 and 3
        Invite twoQueued = sent.withEmailDelivery(Invite.EmailDelivery.queue(Invite.EmailDelivery.queue(
                sent.emailDelivery(), at(2)), at(3)));
        // attempt 2 is settled while attempt 3 is still QUEUED: the latest attempt is QUEUED, yet 2 was emailed
        Invite secondSettled = twoQueued.withEmailDelivery(twoQueued.emailDelivery()
                .settle(at(2), new Invite.Attempt("SENT", at(4), null), "m-2"));
        LifecycleEvent second = only(LifecycleEvents.ofInvite(twoQueued, secondSettled, RECORDED), EventType.INVITE_EMAILED);
        assertEquals(at(4), second.at());
        assertEquals(2, second.detail().get("attempts"));

        // the other order: attempt 3 settles first (as FAILED), then attempt 2 (SENT) after it
        Invite thirdFirst = twoQueued.withEmailDelivery(twoQueued.emailDelivery()
                .settle(at(3), new Invite.Attempt("FAILED", at(5), "mailbox full"), null));
        only(LifecycleEvents.ofInvite(twoQueued, thirdFirst, RECORDED), EventType.INVITE_EMAIL_FAILED);
        Invite thenSecond = thirdFirst.withEmailDelivery(thirdFirst.emailDelivery()
                .settle(at(2), new Invite.Attempt("SENT", at(6), null), "m-2"));
        LifecycleEvent late = only(LifecycleEvents.ofInvite(thirdFirst, thenSecond, RECORDED), EventType.INVITE_EMAILED);
        assertEquals(at(6), late.at());

        // each attempt's event has an id of its own, the same however often its write is delivered
        assertEquals(second.eventId(), LifecycleEvents.ofInvite(twoQueued, secondSettled, RECORDED).getFirst().eventId());
        java.util.Set<String> ids = new java.util.HashSet<>();
        ids.add(LifecycleEvents.ofInvite(twoQueued, thirdFirst, RECORDED).getFirst().eventId());
        ids.add(late.eventId());
        assertEquals(2, ids.size(), "attempts 2 and 3 have different ids: " + ids);
    }
}
