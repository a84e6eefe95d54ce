package io.roominvites.store;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where invites, rooms, settings, the user directory and idempotency records live. Every state change
 * is one conditional write: a write that was refused answers {@link WriteResult.Refused} with the state
 * it was refused on (read atomically with the refusal), so callers never read-then-write.
 */
public interface InviteStore {

    Optional<SiteSettings> loadSettings();

    void saveSettings(SiteSettings settings);

    /** The room, including a deleted room's tombstone. */
    Optional<Room> findRoom(String roomId);

    /**
     * Creates or replaces a room and brings the copy every invite keeps in step.
     *
     * @return the stored room, or empty when the room was deleted (a deleted room stays deleted)
     */
    Optional<Room> putRoom(Room room, Instant now);

    /** Marks the room deleted, and every invite of it; false when there is no such room. */
    boolean deleteRoom(String roomId, Instant now);

    void putUser(DirectoryUser user);

    /** At most {@code limit} users whose email, first name or last name starts with {@code prefix}. */
    List<DirectoryUser> suggestUsers(String prefix, int limit);

    /**
     * Writes a new invite, only if the room is still at {@code roomVersion} (so the invite's copy of the
     * room is current). With an idempotency record, the record is written in the same transaction.
     */
    CreateResult createInvite(Invite invite, long roomVersion, IdempotencyRecord idempotency);

    Optional<Invite> findInvite(String roomId, String inviteId);

    /**
     * What creating an invite needs to read, in one call: the room and, when an Idempotency-Key was sent,
     * the record of an earlier use of that key in the 24 hours before {@code idempotency.createdAt()} (an older
     * record is ignored and may be replaced, whether or not TTL removed it yet).
     */
    CreateContext loadForCreate(String roomId, IdempotencyRecord idempotency);

    /** The room (empty when there is none) and the earlier use of the idempotency key (null when none). */
    record CreateContext(Optional<Room> room, IdempotencyRecord earlierUse) {
    }

    /**
     * What resending an invite's email needs to read, in one call (both reads consistent): the room, for the
     * manager check and the create rules, and the invite.
     */
    ResendContext loadForResend(String roomId, String inviteId);

    /** The room and the invite, each empty when there is none. */
    record ResendContext(Optional<Room> room, Optional<Invite> invite) {
    }

    /** One page of a room's invites, newest first; {@code status} null for all. */
    Page listInvites(String roomId, InviteStatus status, int limit, String cursor, Instant now);

    /**
     * Redeems the invite for {@code deviceId} in one conditional write: it succeeds when the invite is
     * bound to this device already, or is pending, unexpired, unlocked, its email is one of
     * {@code provenEmails}, and the room is not deleted and its session is open.
     */
    WriteResult redeem(String roomId, String inviteId, String deviceId, List<String> provenEmails, Instant now);

    /** Counts a wrong lobby email on a pending, unlocked invite. */
    WriteResult recordWrongEmail(String roomId, String inviteId, Instant now);

    /** Revokes the invite; revoking a revoked invite keeps its first revokedAt. */
    WriteResult revoke(String roomId, String inviteId, Instant now);

    /** Raises the invite's role, only if it is active, its session not over, and {@code role} is higher. */
    WriteResult promote(String roomId, String inviteId, Role role, Instant now);

    /**
     * Appends {@code attempt} to the invite's email history, with the provider's {@code messageId} when it was sent
     * (null clears the earlier one); empty when there is no such invite.
     */
    Optional<Invite> recordEmailAttempt(String roomId, String inviteId, Invite.Attempt attempt, String messageId);

    /** The outcome of a conditional write. */
    sealed interface WriteResult {
        /** The write happened; {@code after} is the new state; {@code before} the replaced one where the operation needs it. */
        record Applied(Invite before, Invite after) implements WriteResult {
        }

        /** The condition did not hold; {@code current} is the state it was refused on, null when there is no such item. */
        record Refused(Invite current) implements WriteResult {
        }
    }

    /** The outcome of {@link #createInvite}. */
    sealed interface CreateResult {
        record Created(Invite invite) implements CreateResult {
        }

        /** The room changed since it was read: read it again and retry. */
        record RoomChanged() implements CreateResult {
        }

        /** The idempotency key was used before; {@code existing} is its record. */
        record KeyUsed(IdempotencyRecord existing) implements CreateResult {
        }
    }

    /** A page of invites and the opaque cursor of the next one (null at the end). */
    record Page(List<Invite> invites, String nextCursor) {
    }

    /**
     * What an Idempotency-Key stands for: the request it was first used with and the invite it created.
     *
     * @param scope       who used it where (caller and room), so keys never collide across callers
     * @param key         the client's key
     * @param requestHash a hash of the request body
     */
    record IdempotencyRecord(String scope, String key, String requestHash, String roomId, String inviteId,
                             Instant createdAt) {
    }
}
