package io.roominvites.it.sim;

import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DynamoDB TTL on the simulation's clock: deletes every item whose {@code ttl} (epoch seconds) is at or before the
 * clock, at once (TTL's worst case is days late; its best case is what can break a lifetime rule).
 */
final class Sweeper {
    private Sweeper() {
    }

    static int sweep(Simulation sim) {
        long now = sim.now().getEpochSecond();
        List<Map<String, AttributeValue>> expired = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse r = sim.infra().raw.scan(b -> b.tableName(sim.table).exclusiveStartKey(from)
                    .filterExpression("#t <= :now").expressionAttributeNames(Map.of("#t", TableSchema.TTL))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now)))));
            expired.addAll(r.items());
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        for (Map<String, AttributeValue> item : expired) {
            sim.infra().raw.deleteItem(b -> b.tableName(sim.table).key(Map.of(TableSchema.PK, item.get(TableSchema.PK),
                    TableSchema.SK, item.get(TableSchema.SK))));
        }
        return expired.size();
    }
}
