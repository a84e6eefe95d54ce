package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one table every store of this package shares, and the calls they make the same way (on the failure rules of
 * {@link Calls}): a consistent GetItem, a consistent BatchGetItem that asks again for what DynamoDB left unprocessed,
 * and a transaction tried again while it is cancelled only by a conflict or a throttle.
 */
final class Table {
    final DynamoDbClient db;
    final String name;

    Table(DynamoDbClient db, String name) {
        this.db = db;
        this.name = name;
    }

    /** The item at {@code key}, read consistently; null when there is none. */
    Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = Calls.call(() -> db.getItem(b -> b.tableName(name).key(key)
                .consistentRead(true)).item());
        return item == null || item.isEmpty() ? null : item;
    }

    /**
     * Reads {@code keys} (distinct, at most 100) with one consistent BatchGetItem. The keys DynamoDB leaves unprocessed
     * (throttling, size limits) are asked for again, consistently, after a short backoff, at most five more times;
     * then SERVICE_UNAVAILABLE. Answers the items found, in no particular order (none for a key with no item).
     */
    List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>(keys.size());
        List<Map<String, AttributeValue>> pending = keys;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                Calls.backoff(attempt);
            }
            Map<String, KeysAndAttributes> request = Map.of(name,
                    KeysAndAttributes.builder().keys(pending).consistentRead(true).build());
            BatchGetItemResponse response = Calls.call(() -> db.batchGetItem(b -> b.requestItems(request)));
            found.addAll(response.responses().getOrDefault(name, List.of()));
            KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(name) : null;
            pending = left == null || !left.hasKeys() ? List.of() : left.keys();
            if (attempt >= 5 && !pending.isEmpty()) {
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
        }
        return found;
    }

    /**
     * One TransactWriteItems, tried up to {@code attempts} times while it is cancelled only by a conflict or a throttle
     * (nothing of a cancelled transaction is written). Answers null when it was written, else the cancellation
     * reasons of a transaction a condition refused (one reason per item, in order); SERVICE_UNAVAILABLE when the tries
     * ran out or DynamoDB refused it for another reason.
     */
    List<CancellationReason> transact(List<TransactWriteItem> items, int attempts) {
        for (int attempt = 1; ; attempt++) {
            try {
                Calls.write(() -> db.transactWriteItems(b -> b.transactItems(items)));
                return null;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (refusedByACondition(reasons)) {
                    return reasons;
                }
                if (attempt < attempts && Calls.retryable(reasons)) {
                    Calls.backoff(attempt);
                    continue;
                }
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
        }
    }

    /**
     * Puts and deletes {@code writes} (none conditional) with BatchWriteItem, 25 a call; what DynamoDB leaves unprocessed
     * is sent again after a short backoff, at most five more times, then SERVICE_UNAVAILABLE.
     */
    void batchWrite(List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> writes) {
        for (int from = 0; from < writes.size(); from += 25) {
            List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> pending =
                    writes.subList(from, Math.min(writes.size(), from + 25));
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 5) {
                    throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
                }
                if (attempt > 0) {
                    Calls.backoff(attempt);
                }
                Map<String, List<software.amazon.awssdk.services.dynamodb.model.WriteRequest>> request = Map.of(name, pending);
                var response = Calls.write(() -> db.batchWriteItem(b -> b.requestItems(request)));
                var left = response.hasUnprocessedItems() ? response.unprocessedItems().get(name) : null;
                pending = left == null ? List.of() : left;
            }
        }
    }

    static boolean refusedByACondition(List<CancellationReason> reasons) {
        for (CancellationReason r : reasons) {
            if (failed(r)) {
                return true;
            }
        }
        return false;
    }

    static boolean failed(CancellationReason reason) {
        return reason != null && "ConditionalCheckFailed".equals(reason.code());
    }
}
