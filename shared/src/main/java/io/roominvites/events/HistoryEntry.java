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
}
