package io.roominvites.store.dynamo;

import io.roominvites.domain.SendLedger;
import io.roominvites.store.SendQuotaStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The send ledgers on the table: one consistent BatchGetItem to read, one transaction of conditional Puts to book. */
final class DynamoSendQuota implements SendQuotaStore {
    private final Table table;

    DynamoSendQuota(Table table) {
        this.table = table;
    }

    @Override
    public List<Stored> loadLedgers(List<String> keys) {
        List<Map<String, AttributeValue>> wanted = new ArrayList<>(keys.size());
        for (String k : keys) {
            wanted.add(SendQuotaItems.key(k));
        }
        Map<String, Map<String, AttributeValue>> byPk = new HashMap<>();
        for (Map<String, AttributeValue> item : table.batchGet(wanted)) {
            byPk.put(item.get(TableSchema.PK).s(), item);
        }
        List<Stored> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(SendQuotaItems.stored(k, byPk.get(SendQuotaItems.key(k).get(TableSchema.PK).s())));
        }
        return out;
    }

    @Override
    public boolean saveLedgers(List<Stored> read, List<SendLedger> next, Instant now) {
        return table.transact(puts(table, read, next, now), 3) == null;
    }

    /** The conditional Puts that write {@code next} in place of {@code read}, each only if unchanged since. */
    static List<TransactWriteItem> puts(Table table, List<Stored> read, List<SendLedger> next, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            Stored was = read.get(i);
            Map<String, AttributeValue> item = SendQuotaItems.item(was.key(), next.get(i), was.version() + 1, now);
            items.add(TransactWriteItem.builder().put(p -> {
                p.tableName(table.name).item(item);
                if (was.version() == 0) {
                    p.conditionExpression("attribute_not_exists(pk)");
                } else {
                    p.conditionExpression("v = :v").expressionAttributeValues(Map.of(":v", Attr.n(was.version())));
                }
            }).build());
        }
        return items;
    }
}
