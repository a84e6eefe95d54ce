package io.roominvites.store.memory;

import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.json.Json;

import java.text.ParseException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * An invite's history entries as the table keeps them: one per event id, ordered by the invite's revision, then by
 * the rest of the id (which transition); details kept as JSON text and read back (so numbers come back as the JSON
 * parser gives them), times in milliseconds.
 */
final class HistoryOrder {
    private HistoryOrder() {
    }

    /** Where {@code event} stands in its invite's history, and what makes it the same event delivered again. */
    static String key(LifecycleEvent event) {
        String which = event.eventId().substring(event.eventId().indexOf(':') + 1);
        return String.format(Locale.ROOT, "%020d", event.revision()) + "#" + which;
    }

    static HistoryEntry entry(LifecycleEvent event) {
        Map<String, Object> details;
        try {
            details = Json.parseObject(Json.write(event.details()));
        } catch (ParseException e) {
            details = Map.of();
        }
        return new HistoryEntry(event.type(), Instant.ofEpochMilli(event.at().toEpochMilli()), event.actor(), details);
    }
}
