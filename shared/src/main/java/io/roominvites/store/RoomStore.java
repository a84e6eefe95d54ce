package io.roominvites.store;

import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;

import java.time.Instant;
import java.util.Optional;

/**
 * Rooms: the one source of truth of a room (invites keep no copy of it), so changing or deleting a room is one write
 * whatever its number of invites, in force for every invite's next write (which checks the room's version).
 */
public interface RoomStore {

    /** The room, including a deleted room's tombstone. */
    Optional<Room> findRoom(String roomId);

    /**
     * Creates or replaces a room in one atomic write, whatever the number of its invites; every link sees the change
     * on its next request. {@code version} is the new version (unique: {@code Ids.newVersion}).
     *
     * @return the room as written (the details at {@code version} and {@code now}), or empty when the room was deleted
     * (a deleted room stays deleted)
     */
    Optional<Room> putRoom(RoomDetails room, long version, Instant now);

    /** Marks the room deleted in one atomic write; false when there is no such room. */
    boolean deleteRoom(String roomId, long version, Instant now);
}
