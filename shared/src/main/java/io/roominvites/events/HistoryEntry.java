package io.roominvites.events;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of an invite's history, as the history route shows it.
 *
 * @param actor   the masked email of who made the change, or null
 * @param details the event's detail without what the entry already says (role, previousRole, linkVersion, reason...)
 */
public record HistoryEntry(EventType type, Instant at, String actor, Map<String, Object> details) {
    public HistoryEntry {
        details = details == null ? Map.of() : details;
    }

    /** What a history entry's details may hold that tells of the invitee: their masked email, a provider's reason. */
    public static final java.util.Set<String> PERSONAL = java.util.Set.of("invitee", "reason");

    /**
     * True when an entry of this type names the invitee as its actor (their own entry or re-entry), or the person who
     * asked to be let in with the invite's refused link (a request to join).
     */
    public static boolean actorIsInvitee(EventType type) {
        return type == EventType.INVITE_REDEEMED || type == EventType.INVITE_REENTERED
                || type == EventType.JOIN_REQUESTED;
    }

    /**
     * This entry as the history of an erased invitee keeps it: its type, time and counts, without the invitee's
     * masked email, without the email provider's reason (which may quote the address), and without an actor when the
     * actor was the invitee (an entry or re-entry). A manager who acted stays named: that is the manager's record.
     */
    public HistoryEntry withoutPersonalData() {
        Map<String, Object> kept = new java.util.LinkedHashMap<>(details);
        kept.keySet().removeAll(PERSONAL);
        return new HistoryEntry(type, at, actorIsInvitee(type) ? null : actor, kept);
    }
}
