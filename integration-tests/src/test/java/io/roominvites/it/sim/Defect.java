package io.roominvites.it.sim;

/**
 * The four old defects the simulation must be able to see, each re-introduced from the test side (never in the
 * product): switch one on with {@code -Dsim.defect=NAME} or in {@link ServiceSimulationTest}.
 */
public enum Defect {
    /** Invites get the old TTL: max(expiresAt, room end as read at that write) + 30 days, not moved with the room. */
    INVITE_OLD_TTL,
    /** History items get the TTL of the invite write that made them (they expire before a long-lived invite). */
    HISTORY_OLD_TTL,
    /** Invite Emailed / Email Failed only for the latest attempt of a write (overlapping resends lose events). */
    LATEST_ATTEMPT_EVENTS,
    /** A redeem cancelled with the invite changed and the room's answer unknown takes the room as unchanged. */
    STALE_ROOM_GRANT
}
