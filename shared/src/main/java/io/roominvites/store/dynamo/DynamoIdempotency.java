package io.roominvites.store.dynamo;

import io.roominvites.store.IdempotencyStore;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.util.Map;

/** {@link IdempotencyStore} on the table: a batch's record is claimed by one conditional PutItem. */
final class DynamoIdempotency implements IdempotencyStore {
    private final Table table;

    DynamoIdempotency(Table table) {
        this.table = table;
    }

    @Override
    public BatchRecord claimBatch(BatchRecord record) {
        try {
            Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(IdempotencyItems.batchItem(record))
                    .conditionExpression("attribute_not_exists(pk) OR createdAt <= :staleBefore")
                    .expressionAttributeValues(Map.of(":staleBefore", IdempotencyItems.staleBefore(record.createdAt())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return null;
        } catch (ConditionalCheckFailedException e) {
            BatchRecord earlier = e.hasItem() ? IdempotencyItems.batchRecord(record, e.item()) : null;
            if (earlier == null) {
                // the key holds a single create's record: a different request under the same key
                return new BatchRecord(record.scope(), record.key(), "", record.roomId(), record.createdAt(), null, true);
            }
            return earlier;
        }
    }

    @Override
    public void finishBatch(BatchRecord record) {
        Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(IdempotencyItems.batchItem(record))));
    }
}
