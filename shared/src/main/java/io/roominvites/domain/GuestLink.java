package io.roominvites.domain;

import java.time.Instant;

/**
 * A guest link: one link a room manager shares with a group. Whoever opens it types a name (and may give an email)
 * and enters as {@link Role#VIEWER}; each new device uses one of {@code maxUses} (null: no limit), the same device
 * again uses none. Its uses are counted on {@code shards} counters, each with its own cap ({@link #shardCap}), the
 * caps summing to {@code maxUses}: a crowd on one link spreads its writes over the shards' partitions, and the total
 * can never pass {@code maxUses} because no shard passes its cap.
 *
 * @param slot      which of the room's active-link slots it holds (0..guestLinksPerRoom-1) until revoked or expired
 * @param expiresAt when the link stops opening the room (never after the session's end as it was at creation)
 */
public record GuestLink(String guestLinkId, String roomId, String label, Integer maxUses, Instant expiresAt,
                        Instant createdAt, String createdBy, Instant revokedAt, String revokedBy, int slot, int shards) {
    /** The most uses a link may allow. */
    public static final int MAX_USES = 10_000;
    /** Counter shards of a link with no limit or with more than {@code 16 * USES_PER_SHARD} uses. */
    public static final int MAX_SHARDS = 16;
    /** About how many uses one shard holds before a link gets another shard. */
    static final int USES_PER_SHARD = 8;
    public static final Role ROLE = Role.VIEWER;

    /** How many counter shards a link of {@code maxUses} gets: one per 8 uses, 1 to 16; 16 without a limit. */
    public static int shardsFor(Integer maxUses) {
        if (maxUses == null) {
            return MAX_SHARDS;
        }
        return Math.max(1, Math.min(MAX_SHARDS, maxUses / USES_PER_SHARD));
    }

    /** The cap of counter shard {@code s}: the caps of all shards sum to maxUses; -1 without a limit. */
    public int shardCap(int s) {
        if (maxUses == null) {
            return -1;
        }
        return maxUses / shards + (s < maxUses % shards ? 1 : 0);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Active: neither revoked nor expired. Only active links count against the room's limit. */
    public boolean activeAt(Instant now) {
        return !revoked() && !expiredAt(now);
    }

    public GuestLink revoked(Instant at, String by) {
        return new GuestLink(guestLinkId, roomId, label, maxUses, expiresAt, createdAt, createdBy, at, by, slot, shards);
    }

    /**
     * Why a guest cannot enter by this link now (before any use is counted), or null when they may try to take a use.
     *
     * @param deviceHolds the device asking already holds a use of this link (it re-enters and uses none)
     */
    public static ErrorCode entryRefusal(GuestLink link, Room room, boolean deviceHolds, Instant now) {
        if (room == null || room.deleted()) {
            return ErrorCode.ROOM_DELETED;
        }
        if (link.revoked()) {
            return ErrorCode.INVITE_REVOKED;
        }
        SessionState state = room.state(now);
        if (state == SessionState.ENDED) {
            return ErrorCode.SESSION_ENDED;
        }
        if (deviceHolds) {
            return state == SessionState.NOT_STARTED ? ErrorCode.SESSION_NOT_STARTED : null;
        }
        if (link.expiredAt(now)) {
            return ErrorCode.LINK_EXPIRED;
        }
        if (state == SessionState.NOT_STARTED) {
            return ErrorCode.SESSION_NOT_STARTED;
        }
        return null;
    }
}
