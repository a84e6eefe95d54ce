package io.roominvites.store;

import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Invites and their history. Invite state changes are optimistic: the caller reads the invite and its room together
 * ({@link InviteStore#load}), decides in plain Java, and writes the next state with {@link #replaceInvite}, which
 * succeeds only if neither the invite's revision nor (when asked) the room's version changed since. Nothing is ever
 * read-then-written without that condition.
 */
public interface InviteRecords {

    /**
     * Writes a new invite, only if the room is still at {@code roomVersion} and not deleted. With an idempotency
     * record, the record is written in the same transaction.
     */
    default CreateResult createInvite(Invite invite, Room room, IdempotencyRecord idempotency) {
        return createInvite(invite, room, idempotency, null);
    }

    /**
     * {@link #createInvite(Invite, Room, IdempotencyRecord)} that also books the send ledgers in the same transaction:
     * each of {@code booking.read()} is replaced by its {@code booking.next()} only if it was not changed since it was
     * read, else nothing is written ({@link CreateResult.LedgersChanged}). A null booking books nothing.
     */
    CreateResult createInvite(Invite invite, Room room, IdempotencyRecord idempotency, SendQuotaStore.Booking booking);

    Optional<Invite> findInvite(String roomId, String inviteId);

    /**
     * Writes {@code next} in place of {@code current}, only if the stored invite is still at {@code current.rev()}
     * and, when {@code roomGate} is true, {@code room} is still at its version (so the decision that led from
     * current to next was made on the state that is stored). {@code room} also decides how long the record is kept.
     */
    Replaced replaceInvite(Invite current, Invite next, Room room, boolean roomGate);

    /** What a conditional write learnt of the room it was decided on. */
    enum RoomCheck {
        /** The room's gate answered that it is still at the version read. */
        UNCHANGED,
        /** The room's gate answered that the room changed (or was deleted) since. */
        CHANGED,
        /**
         * The room was not checked, or its gate gave no verdict (a TransactionConflict, a throttle): read it again,
         * never take it for unchanged.
         */
        UNKNOWN
    }

    /** The outcome of {@link #replaceInvite}. */
    sealed interface Replaced {
        /** Written. */
        record Applied(Invite invite) implements Replaced {
        }

        /**
         * Not written: the invite as stored now when the refusal carried it (else null), and what is known of the room
         * since it was read; read again and decide again. Only {@link RoomCheck#UNCHANGED} lets a decision keep the
         * room it read.
         */
        record Changed(Invite latest, RoomCheck room) implements Replaced {
        }

        /** The invite no longer exists. */
        record Gone() implements Replaced {
        }
    }

    /**
     * Keeps an invite's lifecycle event in its history, as long as the invite itself, once: false when this event (by
     * its id) was kept before, as when a change is delivered again.
     */
    boolean recordHistory(LifecycleEvent event);

    /** The invite's history, oldest first (empty when it has none or is gone). */
    List<HistoryEntry> history(String roomId, String inviteId);

    /**
     * The ids of the invites of this (normalised) email in this room, from the erasure-key index (eventually
     * consistent: an invite created a moment ago may be missing; an erased one holds no email and is never listed).
     */
    List<String> inviteIdsOf(String roomId, String email);

    /** The invite whose latest email has this provider message id (eventually consistent), if any. */
    Optional<InviteKey> findByEmailMessage(String messageId);

    /** Which invite. */
    record InviteKey(String roomId, String inviteId) {
    }

    /** One page of a room's invites, newest first; {@code status} null for all. */
    Page listInvites(String roomId, InviteStatus status, int limit, String afterInviteId, Instant now);

    /** The outcome of {@link #createInvite}. */
    sealed interface CreateResult {
        record Created(Invite invite) implements CreateResult {
        }

        /** The room changed since it was read: read it again and retry. */
        record RoomChanged() implements CreateResult {
        }

        /** A send ledger changed since it was read: read the ledgers again, decide again. Nothing was written. */
        record LedgersChanged() implements CreateResult {
        }

        /** The idempotency key was used before; {@code existing} is its record. */
        record KeyUsed(IdempotencyRecord existing) implements CreateResult {
        }
    }

    /**
     * A page of invites; {@code lastInviteId} is where the next page starts (null at the end);
     * {@code searchLimitReached} is true when the page stopped short of {@code limit} only because it read as much as
     * one page may (more matches may lie further on: ask again from {@code lastInviteId}).
     */
    record Page(List<Invite> invites, String lastInviteId, boolean searchLimitReached) {
    }

    // ---------------------------------------------------------------- bulk

    /** How many invites one {@link #putInvites} transaction writes (with the room's ConditionCheck: 100 items). */
    int BULK_CHUNK = 99;

    /**
     * Writes new invites of one room in as few calls as DynamoDB allows: TransactWriteItems of at most 100 items, a
     * ConditionCheck that the room is still at {@code room}'s version and not deleted, and up to {@link #BULK_CHUNK}
     * Puts. An invite whose id is stored already (an earlier run of the same batch wrote it) counts as written.
     * Stops at the first chunk whose room check fails.
     */
    BulkWrite putInvites(Room room, List<Invite> invites);

    /**
     * How {@link #putInvites} ended: the first {@code written} invites of the list are stored; when
     * {@code roomChanged}, the rest were not written because the room changed (read it again, decide again).
     */
    record BulkWrite(int written, boolean roomChanged) {
    }

    /** The invites of a room with these ids that exist, in no particular order (consistent reads, 100 a call). */
    List<Invite> findInvites(String roomId, List<String> inviteIds);

}
