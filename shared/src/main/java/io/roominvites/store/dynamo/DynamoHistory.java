package io.roominvites.store.dynamo;

import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.s;

/** Invites' history on the table: each entry kept once (by its event id), read back oldest first. */
final class DynamoHistory {
    /** At most this many history entries are read for one invite (far more than its writes can make in practice). */
    static final int MAX_HISTORY = 1000;

    private final Table table;

    DynamoHistory(Table table) {
        this.table = table;
    }

    boolean recordHistory(LifecycleEvent event) {
        if (event.inviteId() == null) {
            throw new IllegalArgumentException("only an invite's events have a history");
        }
        // no TTL: an entry lives exactly as long as its invite, in whose partition it is kept and with which the
        // room's retirement deletes it (docs/lifetimes.md)
        try {
            Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(HistoryItems.historyItem(event))
                    .conditionExpression("attribute_not_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    List<HistoryEntry> history(String roomId, String inviteId) {
        List<HistoryEntry> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : items(table, roomId, inviteId, MAX_HISTORY)) {
            out.add(HistoryItems.historyEntry(item));
        }
        return out;
    }

    /** The invite's history items as stored, oldest first, read page by page (consistently) until {@code max} or the end. */
    static List<Map<String, AttributeValue>> items(Table table, String roomId, String inviteId, int max) {
        String pk = Attr.str(InviteItems.inviteKey(roomId, inviteId), TableSchema.PK);
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":e", s(HistoryItems.HISTORY_SK_PREFIX)))
                    .consistentRead(true).exclusiveStartKey(exclusiveStart).build()));
            out.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < max);
        return out;
    }
}
