package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.store.RoomRetirement;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;

/**
 * {@link RoomRetirement} on the table: walks the room's list index ({@code byRoom}, its shards, a page at a time),
 * reads each listed invite's partition (the invite and its history), and deletes them in transactions of at most 100
 * items that also check one of the room's gates is still at the retired version, so that a room changed meanwhile
 * (rescheduled after its retention ran out) stops the retirement at once. Then the gates and the room's item, in one
 * transaction conditioned on that version. Deleting what is already gone is no error: a run that crashed part-way is
 * resumed by running it again (the stream delivers the change again), and finds less to do.
 */
public final class DynamoRoomRetirement implements RoomRetirement {
    /** Items one transaction deletes, beside its gate check (DynamoDB takes 100 in all). */
    static final int DELETES_PER_TRANSACTION = 99;
    /** Invite partitions read at once. */
    private static final int PAGE = 100;
    /** Passes over the index: a second one finds what the index had not yet shown (it is eventually consistent). */
    private static final int PASSES = 3;

    private final DynamoDbClient db;
    private final String table;

    public DynamoRoomRetirement(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    @Override
    public Outcome retire(String roomId, long version) {
        Map<String, AttributeValue> room = Calls.call(() -> db.getItem(b -> b.tableName(table)
                .key(RoomItems.roomKey(roomId)).consistentRead(true)).item());
        if (room == null || room.isEmpty()) {
            return new Outcome(true, 0, 0, false);
        }
        if (Attr.num(room, "version", 0) != version) {
            return new Outcome(false, 0, 0, true);
        }
        int invites = 0;
        int items = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            int found = 0;
            for (int shard = 0; shard < TableSchema.LIST_SHARDS; shard++) {
                Map<String, AttributeValue> start = null;
                do {
                    QueryResponse page = listed(roomId, shard, start);
                    List<String> partitions = new ArrayList<>(page.count());
                    for (Map<String, AttributeValue> key : page.items()) {
                        partitions.add(Attr.str(key, TableSchema.PK));
                    }
                    List<Map<String, AttributeValue>> keys = itemsOf(partitions);
                    if (!deleteAll(roomId, version, keys)) {
                        return new Outcome(false, invites, items, true);
                    }
                    for (Map<String, AttributeValue> k : keys) {
                        if (InviteItems.INVITE_SK.equals(Attr.str(k, TableSchema.SK))) {
                            invites++;
                        }
                    }
                    items += keys.size();
                    found += keys.size();
                    start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
                } while (start != null);
            }
            if (found == 0) {
                break; // the index lists nothing that still exists
            }
        }
        if (!deleteRoomItems(roomId, version)) {
            return new Outcome(false, invites, items, true);
        }
        return new Outcome(true, invites, items + 1 + TableSchema.ROOM_GATES, false);
    }

    private QueryResponse listed(String roomId, int shard, Map<String, AttributeValue> start) {
        return Calls.call(() -> db.query(QueryRequest.builder().tableName(table).indexName(TableSchema.ROOM_LIST_INDEX)
                .keyConditionExpression(TableSchema.ROOM_LIST_PK + " = :p")
                .expressionAttributeValues(Map.of(":p", s(InviteItems.roomListPartition(roomId, shard))))
                .limit(PAGE).exclusiveStartKey(start).build()));
    }

    /** The keys of every item in these invite partitions (the invite and its history), read at once. */
    private List<Map<String, AttributeValue>> itemsOf(List<String> partitions) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Map<String, AttributeValue>>>> futures = new ArrayList<>(partitions.size());
            for (String pk : partitions) {
                futures.add(pool.submit(() -> partition(pk)));
            }
            for (Future<List<Map<String, AttributeValue>>> f : futures) {
                keys.addAll(f.get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        return keys;
    }

    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = Calls.call(() -> db.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk)))
                    .projectionExpression("pk, sk").consistentRead(true).exclusiveStartKey(from).build()));
            keys.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    /** Deletes {@code keys} in transactions that each check the room is still at {@code version}; false when not. */
    private boolean deleteAll(String roomId, long version, List<Map<String, AttributeValue>> keys) {
        for (int from = 0; from < keys.size(); from += DELETES_PER_TRANSACTION) {
            List<TransactWriteItem> items = new ArrayList<>(DELETES_PER_TRANSACTION + 1);
            items.add(TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(RoomItems.gateKey(roomId, 0))
                    .conditionExpression("attribute_not_exists(version) OR version = :v")
                    .expressionAttributeValues(Map.of(":v", n(version)))).build());
            for (Map<String, AttributeValue> key : keys.subList(from, Math.min(keys.size(), from + DELETES_PER_TRANSACTION))) {
                items.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(key)).build());
            }
            if (!transact(items)) {
                return false;
            }
        }
        return true;
    }

    /** The gates and, last of all, the room's own item, if the room is still at {@code version}. */
    private boolean deleteRoomItems(String roomId, long version) {
        List<TransactWriteItem> items = new ArrayList<>(1 + TableSchema.ROOM_GATES);
        items.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(RoomItems.roomKey(roomId))
                .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(version)))).build());
        for (int g = 0; g < TableSchema.ROOM_GATES; g++) {
            Map<String, AttributeValue> gate = RoomItems.gateKey(roomId, g);
            items.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(gate)
                    .conditionExpression("attribute_not_exists(version) OR version = :v")
                    .expressionAttributeValues(Map.of(":v", n(version)))).build());
        }
        return transact(items);
    }

    /**
     * One transaction; false when a condition failed (the room changed). A transaction cancelled by a conflict or a
     * throttle wrote nothing and is tried again; a write whose outcome is unknown fails the run (to be run again).
     */
    private boolean transact(List<TransactWriteItem> items) {
        return new Table(db, table).transact(items, 5) == null;
    }
}
