package io.roominvites.store.dynamo;

import io.roominvites.events.EventType;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.json.Json;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * An invite's history entries, read and written here only: one lifecycle event each, in the invite's own partition
 * ({@code EVENT#{rev}#{transition}}), ordered by the invite's revision; no TTL (deleted with its invite).
 */
final class HistoryItems {
    static final String HISTORY_SK_PREFIX = "EVENT#";

    private HistoryItems() {
    }

    static Map<String, AttributeValue> historyKey(LifecycleEvent e) {
        // ordered by revision; the rest of the event's id (which transition, what type) keeps two events apart
        String sk = HISTORY_SK_PREFIX + String.format(Locale.ROOT, "%020d", e.revision()) + "#"
                + e.eventId().substring(e.eventId().indexOf(':') + 1);
        return Keys.key(Attr.str(InviteItems.inviteKey(e.roomId(), e.inviteId()), TableSchema.PK), sk);
    }

    static Map<String, AttributeValue> historyItem(LifecycleEvent event) {
        Map<String, AttributeValue> item = new HashMap<>(historyKey(event));
        item.put("type", s("EVENT"));
        item.put("eventId", s(event.eventId()));
        item.put("eventType", s(event.type().detailType()));
        item.put("at", time(event.at()));
        if (event.actor() != null) {
            item.put("actor", s(event.actor()));
        }
        item.put("details", s(Json.write(event.details())));
        return item;
    }

    static HistoryEntry historyEntry(Map<String, AttributeValue> item) {
        Map<String, Object> details;
        try {
            details = Json.parseObject(str(item, "details"));
        } catch (ParseException | RuntimeException e) {
            details = Map.of();
        }
        return new HistoryEntry(EventType.ofDetailType(str(item, "eventType")), instant(item, "at"), str(item, "actor"),
                details);
    }
}
