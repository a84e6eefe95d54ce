package io.roominvites.store;

import io.roominvites.domain.Erasure;
import io.roominvites.domain.Invite;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Erasures of a person's data, and what they need to find and change: every item that holds an address is found by
 * the address's erasure key ({@link io.roominvites.domain.Emails#erasureKey}) without a scan, and each step is one
 * conditional write, so that a step run twice (a redelivered job, a resumed crash) changes nothing the second time.
 */
public interface ErasureStore {

    /**
     * Starts {@code fresh} unless an erasure of the same address is RUNNING: answers the one that runs then (this one,
     * or the earlier), in one transaction (no two run for one address).
     */
    Erasure startErasure(Erasure fresh);

    Optional<Erasure> findErasure(String erasureId);

    /**
     * Something that holds the address: an invite, the record of a single create's Idempotency-Key, a request to join
     * made with it, or a guest's use of a guest link entered with it.
     */
    sealed interface Holder {
    }

    record InviteHolder(String roomId, String inviteId) implements Holder {
    }

    /** An Idempotency-Key's record (its reference is the store's own). */
    record KeyRecordHolder(String ref) implements Holder {
    }

    /** A request to join made with the address (v3). */
    record JoinRequestHolder(String roomId, String joinRequestId) implements Holder {
    }

    /** A guest's use of a guest link, entered with the address (v3; its reference is the store's own). */
    record GuestUseHolder(String ref) implements Holder {
    }

    /**
     * A page of the items that hold the address with this erasure key, at most {@code limit}, after {@code after}
     * (null for the first page; the page's {@link HolderPage#next} for the following one). Read from an index, which
     * may lag a write by a moment: an item just erased may still be listed, one just written not yet.
     */
    HolderPage holders(String emailKey, int limit, String after);

    record HolderPage(List<Holder> holders, String next) {
        public HolderPage {
            holders = List.copyOf(holders);
        }
    }

    /**
     * Writes {@code erased} (an {@link Invite#erasedAt} of {@code current}) if the invite is still at
     * {@code current}'s revision, and counts it and its room on the erasure, in one transaction: each invite is counted
     * once, however often this is tried.
     */
    InviteRecords.Replaced eraseInvite(Invite current, Invite erased, String erasureId);

    /** Rewrites the invite's history entries without personal data ({@link io.roominvites.events.HistoryEntry#withoutPersonalData}); answers how many changed. */
    int scrubHistory(String roomId, String inviteId);

    /**
     * Rewrites the entries a request to join added to its invite's history without the requester (the entry's actor);
     * answers how many changed.
     */
    int scrubJoinRequestHistory(String roomId, String inviteId, String joinRequestId);

    /** Deletes an Idempotency-Key's record that held the address (gone already: nothing to do). */
    void deleteKeyRecord(KeyRecordHolder record);

    /**
     * Deletes a request to join and, while it is PENDING, its room's marker of a pending request of that address, in
     * one transaction (the request holds the address, the name and the message the requester typed; a request is
     * data the person gave, not a record the room needs). Answers whether this call deleted it (gone already: false).
     */
    boolean deleteJoinRequest(JoinRequestHolder request);

    /**
     * Removes the name the guest typed and their masked address from a guest's use, which stays (it is the device's
     * claim of one of the link's uses, so {@code maxUses} stays exact). Answers whether this call changed it.
     */
    boolean scrubGuestUse(GuestUseHolder use);

    /** Marks {@code erasure} DONE at {@code finishedAt} (forgetting its erasure key), so another may start. */
    void finishErasure(Erasure erasure, Instant finishedAt);
}
