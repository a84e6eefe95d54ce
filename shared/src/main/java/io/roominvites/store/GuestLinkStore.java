package io.roominvites.store;

import io.roominvites.domain.GuestLink;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Guest links, their room slots and their use counters. A room has {@code guestLinksPerRoom} slots; a link is written
 * with its slot in one transaction that holds only if the slot is free (no holder, or a holder that has expired), so
 * racing creates never make more active links than slots. A use is a device's claim written in one transaction with
 * the increment of one counter shard, conditioned on the claim being new and the shard below its cap: uses are never
 * more than maxUses under any race, and a device counts once.
 */
public interface GuestLinkStore {

    /** The room's guest links (revoked and expired ones included), newest first; consistent. */
    List<GuestLink> guestLinks(String roomId);

    Optional<GuestLink> findGuestLink(String roomId, String guestLinkId);

    /**
     * Writes {@code link} holding its slot, only if that slot is free at {@code now}; false when it is held (read the
     * links again and choose again). {@code keepUntil}: when the link and its counters may be deleted by TTL.
     */
    boolean createGuestLink(GuestLink link, Instant now, Instant keepUntil);

    /** Writes {@code revoked} in place of {@code current} and frees its slot, only if it was not revoked; false else. */
    boolean revokeGuestLink(GuestLink current, GuestLink revoked);

    /** Uses counted on each shard of {@code link}, by shard (consistent). */
    int[] shardCounts(GuestLink link);

    /** Uses of each link (by id), summed over its shards. */
    Map<String, Integer> uses(List<GuestLink> links);

    /** True when {@code deviceId} holds a use of {@code link}. */
    boolean holdsUse(GuestLink link, String deviceId);

    /**
     * Takes one use of {@code link} for {@code use}'s device on counter {@code shard}: the device's claim and the
     * shard's increment in one transaction, if the device holds no use yet and the shard is below its cap.
     */
    UseOutcome takeUse(GuestLink link, int shard, GuestUse use, Instant keepUntil);

    /**
     * Who used a guest link: the device and what the guest typed (the email only masked, and its erasure key, by which
     * an erasure of that address finds the use; both null when the guest gave no email).
     */
    record GuestUse(String deviceId, String firstName, String lastName, String emailMasked, String emailKey, Instant at) {
    }

    enum UseOutcome {
        /** Counted: the device holds a use now. */
        TAKEN,
        /** The device held a use already (nothing counted). */
        DEVICE_HOLDS,
        /** The shard is at its cap (nothing written): try another shard. */
        SHARD_FULL
    }
}
