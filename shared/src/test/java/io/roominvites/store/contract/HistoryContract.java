package io.roominvites.store.contract;

import io.roominvites.events.EventType;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An invite's history: each lifecycle event kept once, read back oldest first (by the invite's revision). */
public interface HistoryContract extends StoreContract {

    private static LifecycleEvent event(String inviteId, long rev, EventType type, String actor, Map<String, Object> extra) {
        String slug = type.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return new LifecycleEvent(type, inviteId + ":" + rev + ":" + slug, rev, "growth", inviteId, "SPEAKER",
                type == EventType.INVITE_PROMOTED ? "VIEWER" : null, "g***@example.org", actor, T0.plusSeconds(rev), 1,
                extra);
    }

    @Test
    default void anEventIsKeptOnceHoweverOftenItIsDelivered() {
        LifecycleEvent created = event(StoreContract.inviteId(1), 0, EventType.INVITE_CREATED, "o***@example.com", Map.of());
        assertTrue(store().recordHistory(created));
        assertFalse(store().recordHistory(created), "delivered again");
        assertEquals(1, store().history("growth", StoreContract.inviteId(1)).size());
    }

    @Test
    default void theHistoryIsOldestFirstWithWhatEachEntrySays() {
        String id = StoreContract.inviteId(1);
        store().recordHistory(event(id, 3, EventType.INVITE_PROMOTED, "o***@example.com", Map.of()));
        store().recordHistory(event(id, 0, EventType.INVITE_CREATED, "o***@example.com", Map.of()));
        store().recordHistory(event(id, 2, EventType.INVITE_LOCKED, null, Map.of("failedEmailAttempts", 5)));

        List<HistoryEntry> history = store().history("growth", id);
        assertEquals(List.of(EventType.INVITE_CREATED, EventType.INVITE_LOCKED, EventType.INVITE_PROMOTED),
                history.stream().map(HistoryEntry::type).toList());
        HistoryEntry locked = history.get(1);
        assertEquals(T0.plusSeconds(2), locked.at());
        assertEquals(null, locked.actor(), "no one in particular locked it");
        assertEquals(5, ((Number) locked.details().get("failedEmailAttempts")).intValue());
        HistoryEntry promoted = history.get(2);
        assertEquals("o***@example.com", promoted.actor());
        assertEquals("VIEWER", promoted.details().get("previousRole"));
        assertEquals("SPEAKER", promoted.details().get("role"));
        assertEquals(Map.of("emailMasked", "g***@example.org"), promoted.details().get("invitee"));
    }

    @Test
    default void eventsOfOneRevisionAreKeptApart() {
        String id = StoreContract.inviteId(1);
        assertTrue(store().recordHistory(event(id, 4, EventType.INVITE_REVOKED, "o***@example.com", Map.of())));
        assertTrue(store().recordHistory(event(id, 4, EventType.INVITE_PROMOTED, "o***@example.com", Map.of())));
        assertEquals(2, store().history("growth", id).size());
    }

    @Test
    default void eachInviteHasItsOwnHistory() {
        store().recordHistory(event(StoreContract.inviteId(1), 0, EventType.INVITE_CREATED, null, Map.of()));
        assertEquals(List.of(), store().history("growth", StoreContract.inviteId(2)));
        assertEquals(List.of(), store().history("other", StoreContract.inviteId(1)));
    }

    @Test
    default void aRoomsEventsHaveNoHistory() {
        LifecycleEvent roomDeleted = new LifecycleEvent(EventType.ROOM_DELETED, "growth:2:room-deleted", 2, "growth",
                null, null, null, null, null, T0, null, Map.of());
        assertThrows(IllegalArgumentException.class, () -> store().recordHistory(roomDeleted));
    }
}
