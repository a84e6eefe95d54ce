package io.roominvites.service;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Role;
import io.roominvites.events.EventPublisher;
import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.store.InviteStore;
import io.roominvites.store.StoredChange;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventRelayTest {
    private static final Instant T0 = Instant.parse("2026-11-23T20:00:00Z");

    /** The history part of a store: eventIds kept (once), and whether it is down. */
    private final Set<String> history = new HashSet<>();
    private final List<String> historyWrites = new ArrayList<>();
    private boolean historyDown;
    private final InviteStore store = (InviteStore) Proxy.newProxyInstance(InviteStore.class.getClassLoader(),
            new Class<?>[]{InviteStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("recordHistory")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                if (historyDown) {
                    throw new IllegalStateException("table unavailable");
                }
                LifecycleEvent e = (LifecycleEvent) args[0];
                historyWrites.add(e.eventId());
                return history.add(e.eventId());
            });

    /** The retirements asked for, and whether retiring fails. */
    private final List<String> retired = new ArrayList<>();
    private boolean retirementDown;
    private final io.roominvites.store.RoomRetirement retirement = (roomId, version) -> {
        if (retirementDown) {
            throw new IllegalStateException("table unavailable");
        }
        retired.add(roomId + "@" + version);
        return new io.roominvites.store.RoomRetirement.Outcome(true, 2, 5, false);
    };

    /** A publisher that refuses the events of the given types, and records what it was given. */
    private static final class Publisher implements EventPublisher {
        final List<LifecycleEvent> given = new ArrayList<>();
        final Set<EventType> refused = new HashSet<>();

        @Override
        public List<LifecycleEvent> publish(List<LifecycleEvent> events) {
            given.addAll(events);
            return events.stream().filter(e -> refused.contains(e.type())).toList();
        }
    }

    private static Invite invite(String id) {
        return Invite.created(id, "r1", "guest@example.org", "Gia", "Guest", Role.VIEWER, T0, "owner@example.com",
                "Olivia", T0.plus(Duration.ofDays(1)), 1, null);
    }

    private static EventRelay.Change created(String seq, String inviteId) {
        return new EventRelay.Change(seq, T0, () -> new StoredChange.InviteWritten(null, invite(inviteId)));
    }

    private static EventRelay.Change revoked(String seq, String inviteId) {
        Invite before = invite(inviteId);
        return new EventRelay.Change(seq, T0, () -> new StoredChange.InviteWritten(before,
                before.revoked(T0.plusSeconds(5)).by("owner@example.com", T0.plusSeconds(5))));
    }

    private static EventRelay.Change poison(String seq) {
        return new EventRelay.Change(seq, T0, () -> {
            throw new IllegalArgumentException("not an item of this store");
        });
    }

    @Test
    void aPoisonRecordFailsAloneAndTheRestOfTheBatchIsHandled() {
        Publisher publisher = new Publisher();
        EventRelay.Outcome out = new EventRelay(store, publisher, retirement).relay(List.of(created("1", "a"), poison("2"),
                revoked("3", "a"), new EventRelay.Change("4", T0, StoredChange.Other::new)));
        assertEquals(List.of("2"), out.failed());
        assertEquals(1, out.unreadable());
        assertEquals(List.of("a:0:invite-created", "a:1:invite-revoked"),
                out.published().stream().map(LifecycleEvent::eventId).toList());
        assertEquals(List.of("a:0:invite-created", "a:1:invite-revoked"), historyWrites);
    }

    @Test
    void anEventThatCouldNotBePublishedFailsItsRecordSoThatItIsDeliveredAgainAndItsHistoryIsKeptOnce() {
        Publisher publisher = new Publisher();
        publisher.refused.add(EventType.INVITE_REVOKED);
        EventRelay relay = new EventRelay(store, publisher, retirement);
        List<EventRelay.Change> batch = List.of(created("1", "a"), revoked("2", "a"), created("3", "b"));
        EventRelay.Outcome first = relay.relay(batch);
        assertEquals(List.of("2"), first.failed());
        assertEquals(List.of("a:0:invite-created", "b:0:invite-created"),
                first.published().stream().map(LifecycleEvent::eventId).toList());

        // the stream delivers the batch again from the failed record: now it goes through, the history is not doubled
        publisher.refused.clear();
        EventRelay.Outcome again = relay.relay(batch.subList(1, 3));
        assertEquals(List.of(), again.failed());
        assertEquals(3, history.size());
        assertEquals(List.of("a:1:invite-revoked", "b:0:invite-created"),
                again.published().stream().map(LifecycleEvent::eventId).toList());
    }

    @Test
    void aHistoryThatCannotBeWrittenFailsTheRecordAndPublishesNothingOfIt() {
        Publisher publisher = new Publisher();
        historyDown = true;
        EventRelay.Outcome out = new EventRelay(store, publisher, retirement).relay(List.of(created("1", "a"), created("2", "b")));
        assertEquals(List.of("1", "2"), out.failed());
        assertEquals(List.of(), publisher.given);
    }

    @Test
    void roomEventsArePublishedButHaveNoInviteHistory() {
        Publisher publisher = new Publisher();
        io.roominvites.domain.Room room = new io.roominvites.domain.Room("r1", "T", "D", T0, T0.plusSeconds(3600), true,
                "owner@example.com", List.of(), List.of(), List.of(), false, 5, T0);
        EventRelay.Outcome out = new EventRelay(store, publisher, retirement).relay(List.of(
                new EventRelay.Change("1", T0, () -> new StoredChange.RoomWritten(null, room))));
        assertEquals(List.of(EventType.ROOM_CHANGED), out.published().stream().map(LifecycleEvent::type).toList());
        assertEquals(List.of(), historyWrites);
    }

    @Test
    void aRoomWhoseLifetimeRanOutIsRetiredWithoutAnEventAndARetirementThatFailsIsDeliveredAgain() {
        Publisher publisher = new Publisher();
        EventRelay relay = new EventRelay(store, publisher, retirement);
        EventRelay.Outcome out = relay.relay(List.of(new EventRelay.Change("1", T0,
                () -> new StoredChange.RoomRetired("r1", 7))));
        assertEquals(List.of("r1@7"), retired);
        assertEquals(List.of(), out.failed());
        assertEquals(List.of(), publisher.given, "a TTL removal is no lifecycle event (not a revoke, not a delete)");

        retirementDown = true;
        out = relay.relay(List.of(new EventRelay.Change("2", T0, () -> new StoredChange.RoomRetired("r2", 3)),
                created("3", "a")));
        assertEquals(List.of("2"), out.failed(), "the retirement is tried again; the other change is handled");
        assertEquals(1, publisher.given.size());
    }
}
