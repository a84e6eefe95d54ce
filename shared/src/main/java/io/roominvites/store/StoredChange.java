package io.roominvites.store;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;

/** One committed write of the store, as its change stream tells it: what was there before and after. */
public sealed interface StoredChange {

    /**
     * A write of an invite; {@code before} null when it created it, {@code after} null when it removed it;
     * {@code keepUntilEpochSecond} is when the store lets the invite go (its TTL), 0 when unknown.
     */
    record InviteWritten(Invite before, Invite after, long keepUntilEpochSecond) implements StoredChange {
    }

    /** A write of a room's item (its gates are not told). */
    record RoomWritten(Room before, Room after) implements StoredChange {
    }

    /** Any other item (settings, users, gates, idempotency records, history): no lifecycle event. */
    record Other() implements StoredChange {
    }
}
