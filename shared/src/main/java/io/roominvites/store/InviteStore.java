package io.roominvites.store;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;
import io.roominvites.store.IdempotencyStore.BatchRecord;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;

import java.util.List;
import java.util.Optional;

/**
 * Where invites, rooms, settings, the user directory and idempotency records live: one port per entity
 * ({@link SettingsStore}, {@link RoomStore}, {@link DirectoryStore}, {@link InviteRecords}, {@link IdempotencyStore},
 * {@link SendQuotaStore}, {@link ErasureStore}, {@link FollowUpClaims}),
 * and the reads that take two entities in one call (an invite with its room, a room with an Idempotency-Key's record),
 * so that a decision is made on both as they were at one instant and costs one round trip.
 */
public interface InviteStore extends SettingsStore, RoomStore, DirectoryStore, InviteRecords, IdempotencyStore,
        SendQuotaStore, ErasureStore, FollowUpClaims, GuestLinkStore, JoinRequestStore {

    /**
     * What creating an invite needs to read, in one call: the room, the send ledgers of {@code ledgerKeys} (the
     * manager's and the room's: {@link SendQuotaStore}) and, when an Idempotency-Key was sent, the record of an earlier
     * use of that key in the 24 hours before {@code idempotency.createdAt()} (an older record is ignored and may be
     * replaced, whether or not TTL removed it yet).
     */
    CreateContext loadForCreate(String roomId, IdempotencyRecord idempotency, List<String> ledgerKeys);

    /** {@link #loadForCreate(String, IdempotencyRecord, List)} without ledgers. */
    default CreateContext loadForCreate(String roomId, IdempotencyRecord idempotency) {
        return loadForCreate(roomId, idempotency, List.of());
    }

    /** The room (empty when there is none), the earlier use of the idempotency key (null when none), the ledgers. */
    record CreateContext(Optional<Room> room, IdempotencyRecord earlierUse, List<Stored> ledgers) {
        public CreateContext {
            ledgers = List.copyOf(ledgers);
        }

        public CreateContext(Optional<Room> room, IdempotencyRecord earlierUse) {
            this(room, earlierUse, List.of());
        }
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
