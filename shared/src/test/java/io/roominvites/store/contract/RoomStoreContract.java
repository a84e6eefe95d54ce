package io.roominvites.store.contract;

import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link io.roominvites.store.RoomStore}: a room's writes, its tombstone, and that a deleted room stays deleted. */
public interface RoomStoreContract extends StoreContract {

    @Test
    default void aRoomNeverWrittenIsNotFound() {
        assertEquals(Optional.empty(), store().findRoom("nowhere"));
    }

    @Test
    default void putRoomAnswersTheRoomAsWrittenAndFindRoomReadsIt() {
        RoomDetails details = StoreContract.details("growth", "Next-Level Growth");
        Optional<Room> written = store().putRoom(details, 41, T0);
        Room expected = new Room("growth", "Next-Level Growth", "A focused session.", T0.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofHours(2)), true, OWNER, List.of("co@example.com"), List.of("editor@example.com"),
                List.of(), false, 41, T0);
        assertEquals(Optional.of(expected), written);
        assertEquals(Optional.of(expected), store().findRoom("growth"));
    }

    @Test
    default void putRoomReplacesTheRoomWholeWithItsNewVersion() {
        room("growth", 1);
        RoomDetails changed = new RoomDetails("growth", "Renamed", "", T0.plus(Duration.ofDays(1)),
                T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(45)), false, "new-owner@example.com", List.of(),
                List.of(), List.of("publisher@example.com"));
        Room written = store().putRoom(changed, 2, T0.plusSeconds(5)).orElseThrow();
        assertEquals(changed.stored(2, T0.plusSeconds(5)), written);
        assertEquals(Optional.of(written), store().findRoom("growth"));
    }

    @Test
    default void deletingARoomThatDoesNotExistIsFalseAndLeavesNoTombstone() {
        assertFalse(store().deleteRoom("nowhere", 9, T0));
        assertEquals(Optional.empty(), store().findRoom("nowhere"));
    }

    @Test
    default void aDeletedRoomIsKeptAsATombstoneAtTheDeletionsVersion() {
        Room room = room("growth", 1);
        assertTrue(store().deleteRoom("growth", 2, T0.plusSeconds(60)));
        Room tombstone = store().findRoom("growth").orElseThrow();
        assertTrue(tombstone.deleted());
        assertEquals(2, tombstone.version());
        assertEquals(room.details(), tombstone.details(), "its links still name the room");
    }

    @Test
    default void aDeletedRoomStaysDeleted() {
        room("growth", 1);
        store().deleteRoom("growth", 2, T0);
        assertEquals(Optional.empty(), store().putRoom(StoreContract.details("growth", "Back again"), 3, T0.plusSeconds(1)));
        Room still = store().findRoom("growth").orElseThrow();
        assertTrue(still.deleted());
        assertEquals(2, still.version());
        assertEquals("Next-Level Growth", still.title());
    }

    @Test
    default void deletingADeletedRoomAgainIsNoError() {
        room("growth", 1);
        assertTrue(store().deleteRoom("growth", 2, T0));
        assertTrue(store().deleteRoom("growth", 3, T0.plusSeconds(1)));
        assertTrue(store().findRoom("growth").orElseThrow().deleted());
    }
}
