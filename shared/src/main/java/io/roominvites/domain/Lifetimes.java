package io.roominvites.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * How long what the service stores is kept (docs/lifetimes.md has the whole table). A room and everything that
 * belongs to it (its gates, invites and their history) share one lifetime, carried by the room's retire marker and
 * recomputed by every room write: nothing of a room copies its dates, so no room change can leave a stale lifetime
 * behind. DynamoDB's TTL only cleans up; every rule is checked on the stored dates at every read.
 */
public final class Lifetimes {
    /** How long a room and its invites are kept after the session's end (for managers' lists, history, and answers). */
    public static final Duration AFTER_SESSION = Duration.ofDays(30);
    /**
     * How long a deleted room's tombstone (and its invites) is kept: every link issued before the deletion has expired
     * by then (a link lives at most {@link SiteSettings#MAX_LINK_TTL_MINUTES}), plus {@link #AFTER_SESSION}; until then
     * its links answer ROOM_DELETED.
     */
    public static final Duration AFTER_DELETION =
            Duration.ofMinutes(SiteSettings.MAX_LINK_TTL_MINUTES).plus(AFTER_SESSION);

    private Lifetimes() {
    }

    /**
     * When a room whose session ends at {@code endsAt}, written at {@code now}, retires: {@link #AFTER_SESSION} after
     * the end, and never sooner than that after the write (a session moved by mistake into the distant past does not
     * take its invites with it at once).
     */
    public static Instant roomRetiresAt(Instant endsAt, Instant now) {
        return (endsAt.isAfter(now) ? endsAt : now).plus(AFTER_SESSION);
    }

    /** When a room deleted at {@code deletedAt} retires. */
    public static Instant deletedRoomRetiresAt(Instant deletedAt) {
        return deletedAt.plus(AFTER_DELETION);
    }
}
