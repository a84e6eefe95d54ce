package io.roominvites.store;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;
import io.roominvites.store.IdempotencyStore.BatchRecord;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;

import java.util.Optional;

/**
 * Where invites, rooms, settings, the user directory and idempotency records live: one port per entity
 * ({@link SettingsStore}, {@link RoomStore}, {@link DirectoryStore}, {@link InviteRecords}, {@link IdempotencyStore},
 * {@link SendQuotaStore}),
 * and the reads that take two entities in one call (an invite with its room, a room with an Idempotency-Key's record),
 * so that a decision is made on both as they were at one instant and costs one round trip.
 */
public interface InviteStore extends SettingsStore, RoomStore, DirectoryStore, InviteRecords, IdempotencyStore,
        SendQuotaStore {

    /**
     * What creating an invite needs to read, in one call: the room and, when an Idempotency-Key was sent,
     * the record of an earlier use of that key in the 24 hours before {@code idempotency.createdAt()} (an older
     * record is ignored and may be replaced, whether or not TTL removed it yet).
     */
    CreateContext loadForCreate(String roomId, IdempotencyRecord idempotency);

    /** The room (empty when there is none) and the earlier use of the idempotency key (null when none). */
    record CreateContext(Optional<Room> room, IdempotencyRecord earlierUse) {
    }

    /** The invite and its room, read together in one consistent call. */
    Loaded load(String roomId, String inviteId);

    /** The room and the invite, each empty when there is none. */
    record Loaded(Optional<Room> room, Optional<Invite> invite) {
    }

    /** The room and the record of an earlier batch under the same Idempotency-Key (null when none in 24 hours). */
    BulkContext loadForBulk(String roomId, BatchRecord key);

    record BulkContext(Optional<Room> room, BatchRecord earlier) {
    }
}
