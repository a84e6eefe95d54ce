package io.roominvites.local;

import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
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
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
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
                removed.add(id); // before the delete: the stream consumer may read its record at once
                try {
                    db.deleteItem(b -> b.tableName(table).key(key).conditionExpression("#ttl <= :now")
                            .expressionAttributeNames(names).expressionAttributeValues(now));
                    count++;
                } catch (ConditionalCheckFailedException rewritten) {
                    removed.remove(id); // written again meanwhile with a later TTL, or gone: not DynamoDB's to remove
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        deleted.addAndGet(count);
        return count;
    }

    /** True (once) when the item with these keys was removed by this sweeper: its stream record is a TTL removal. */
    public boolean removedByTtl(Map<String, AttributeValue> keys) {
        return removed.remove(id(keys));
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
