package io.roominvites.store;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;

/** One committed write of the store, as its change stream tells it: what was there before and after. */
public sealed interface StoredChange {

    /** A write of an invite; {@code before} null when it created it, {@code after} null when it removed it. */
    record InviteWritten(Invite before, Invite after) implements StoredChange {
    }

    /**
     * A room's lifetime ran out: DynamoDB's TTL removed its retire marker, written with the room at {@code version}.
     * The room, its gates, its invites and their history are to be deleted ({@link RoomRetirement}), unless the room
     * changed since (a newer marker then governs).
     */
    record RoomRetired(String roomId, long version) implements StoredChange {
    }

    /** A write of a room's item (its gates are not told). */
    record RoomWritten(Room before, Room after) implements StoredChange {
    }

    /** A follow-up email ({@link io.roominvites.domain.FollowUpMail}) went out: its claim was settled as SENT. */
    record FollowUpSent(FollowUpClaims.Settled settled) implements StoredChange {
    }

    /** Any other item (settings, users, gates, idempotency records, history): no lifecycle event. */
    record Other() implements StoredChange {
    }

    /** A write of a guest link; {@code before} null when it created it, {@code after} null when it removed it. */
    record GuestLinkWritten(io.roominvites.domain.GuestLink before, io.roominvites.domain.GuestLink after)
            implements StoredChange {
    }

    /**
     * A device's first use of a guest link (its claim written): {@code useKey} names the use without the device id,
     * {@code emailMasked} is null when the guest gave no email.
     */
    record GuestJoined(String roomId, String guestLinkId, String useKey, String emailMasked, java.time.Instant at)
            implements StoredChange {
    }

    /** A write of a request to join; {@code before} null when it was made. */
    record JoinRequestWritten(io.roominvites.domain.JoinRequest before, io.roominvites.domain.JoinRequest after)
            implements StoredChange {
    }

    /**
     * A request to join deleted by an erasure of its email (not by TTL): the history entry it added to its invite
     * names the requester, and goes without that name.
     */
    record JoinRequestErased(io.roominvites.domain.JoinRequest before) implements StoredChange {
    }
}
