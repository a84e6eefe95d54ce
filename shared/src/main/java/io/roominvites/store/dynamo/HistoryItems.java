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

    /** The invitee's masked email and the provider's reason: kept beside the details, so an erasure drops them unparsed. */
    static final String INVITEE = "inviteeMasked";
    static final String REASON = "reason";

    static Map<String, AttributeValue> historyItem(LifecycleEvent event) {
        Map<String, AttributeValue> item = new HashMap<>(historyKey(event));
        item.put("type", s("EVENT"));
        item.put("eventId", s(event.eventId()));
        item.put("eventType", s(event.type().detailType()));
        item.put("at", time(event.at()));
        if (event.actor() != null) {
            item.put("actor", s(event.actor()));
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>(event.details());
        details.keySet().removeAll(HistoryEntry.PERSONAL);
        item.put("details", s(Json.write(details)));
        if (event.invitee() != null) {
            item.put(INVITEE, s(event.invitee()));
        }
        if (event.extra().get("reason") instanceof String reason) {
            item.put(REASON, s(reason));
        }
        return item;
    }

    static HistoryEntry historyEntry(Map<String, AttributeValue> item) {
        Map<String, Object> details;
        try {
            details = new java.util.LinkedHashMap<>(Json.parseObject(str(item, "details")));
        } catch (ParseException | RuntimeException e) {
            details = new java.util.LinkedHashMap<>();
        }
        if (item.containsKey(INVITEE)) {
            details.put("invitee", Map.of("emailMasked", str(item, INVITEE)));
        }
        if (item.containsKey(REASON)) {
            details.put("reason", str(item, REASON));
        }
        return new HistoryEntry(EventType.ofDetailType(str(item, "eventType")), instant(item, "at"), str(item, "actor"),
                details);
    }

    /**
     * {@code item} as an erased invitee's history keeps it ({@link HistoryEntry#withoutPersonalData}), or null when it
     * holds no personal data. An entry written since the invitee's data is kept beside its details loses attributes,
     * with no parsing (the stream consumer, which scrubs too, has no JSON parser); one written before is parsed.
     */
    static Map<String, AttributeValue> withoutPersonalData(Map<String, AttributeValue> item) {
        String details = str(item, "details");
        boolean inline = details != null && HistoryEntry.PERSONAL.stream().anyMatch(k -> details.contains("\"" + k + "\""));
        boolean inviteeActor = item.containsKey("actor")
                && HistoryEntry.actorIsInvitee(EventType.ofDetailType(str(item, "eventType")));
        if (!inline && !inviteeActor && !item.containsKey(INVITEE) && !item.containsKey(REASON)) {
            return null;
        }
        Map<String, AttributeValue> out = new HashMap<>(item);
        out.remove(INVITEE);
        out.remove(REASON);
        if (inviteeActor) {
            out.remove("actor");
        }
        if (inline) {
            out.put("details", s(Json.write(historyEntry(item).withoutPersonalData().details())));
        }
        return out;
    }
}
