package io.roominvites.local;

import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DynamoDB's TTL on the service's (dev) clock, which DynamoDB Local does not have: deletes every item whose
 * {@code ttl} (epoch seconds) has passed, each with a condition that it still has (DynamoDB deletes an item only if it
 * is still expired when it gets to it), at the worst moment DynamoDB allows: at once. DynamoDB writes the stream
 * record of such a removal with {@code userIdentity} {@code {type: Service, principalId: dynamodb.amazonaws.com}};
 * DynamoDB Local's records carry none, so the sweeper remembers what it removed and the local stream consumer
 * {@linkplain #removedByTtl asks}.
 */
public final class TtlSweeper {
    private final DynamoDbClient db;
    private final String table;
    private final Clock clock;
    /**
     * How many removals of each key (pk, sk) are still to be asked about: a count, not a set, since one key may be
     * removed, written again and removed again before the stream is read (a room's retire marker: the simulation's
     * seed 112 found a room that never retired when this was a set).
     */
    private final Map<String, Integer> removed = new ConcurrentHashMap<>();
    private final AtomicLong deleted = new AtomicLong();

    public TtlSweeper(DynamoDbClient db, String table, Clock clock) {
        this.db = db;
        this.table = table;
        this.clock = clock;
    }

    /** Deletes every item whose TTL has passed on the clock; answers how many it deleted. */
    public synchronized int sweep() {
        Map<String, AttributeValue> now = Map.of(":now", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond())));
        Map<String, String> names = Map.of("#ttl", TableSchema.TTL);
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = db.scan(ScanRequest.builder().tableName(table).filterExpression("#ttl <= :now")
                    .projectionExpression("pk, sk").expressionAttributeNames(names).expressionAttributeValues(now)
                    .consistentRead(true).exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> key : page.items()) {
                String id = id(key);
                removed.merge(id, 1, Integer::sum); // before the delete: the stream consumer may read its record at once
                try {
                    db.deleteItem(b -> b.tableName(table).key(key).conditionExpression("#ttl <= :now")
                            .expressionAttributeNames(names).expressionAttributeValues(now));
                    count++;
                } catch (ConditionalCheckFailedException rewritten) {
                    forget(id); // written again meanwhile with a later TTL, or gone: not DynamoDB's to remove
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        deleted.addAndGet(count);
        return count;
    }

    /** True (once) when the item with these keys was removed by this sweeper: its stream record is a TTL removal. */
    public boolean removedByTtl(Map<String, AttributeValue> keys) {
        return forget(id(keys));
    }

    /** One removal of {@code id} less to ask about; false when there was none. */
    private boolean forget(String id) {
        boolean[] had = {false};
        removed.computeIfPresent(id, (k, n) -> {
            had[0] = true;
            return n == 1 ? null : n - 1;
        });
        return had[0];
    }

    /** Items deleted so far. */
    public long deleted() {
        return deleted.get();
    }

    private static String id(Map<String, AttributeValue> keys) {
        AttributeValue pk = keys.get(TableSchema.PK);
        AttributeValue sk = keys.get(TableSchema.SK);
        return (pk == null ? "" : pk.s()) + "\u0000" + (sk == null ? "" : sk.s());
    }
}
