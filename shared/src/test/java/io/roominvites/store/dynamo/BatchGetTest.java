package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.store.InviteStore;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's BatchGetItem reads against a stand-in DynamoDB that leaves keys unprocessed (as DynamoDB does
 * when throttled or over its size limits, which DynamoDB Local never does): the unprocessed keys are asked for
 * again, still with consistent reads, and only a bounded number of times.
 */
class BatchGetTest {
    private static final String TABLE = "invites";
    private static final Instant AT = Instant.parse("2030-01-01T10:00:00Z");

    /**
     * Answers a BatchGetItem from {@code items} (a key's item, null for none). The first {@code unprocessedCalls}
     * calls process only the first of the keys asked for (none when one is asked for) and leave the others
     * unprocessed, without echoing ConsistentRead (DynamoDB documents that it echoes it; the store does not rely on it).
     */
    private static final class StubDynamoDb implements DynamoDbClient {
        final List<BatchGetItemRequest> requests = new ArrayList<>();
        final Function<Map<String, AttributeValue>, Map<String, AttributeValue>> items;
        final int unprocessedCalls;

        StubDynamoDb(Function<Map<String, AttributeValue>, Map<String, AttributeValue>> items, int unprocessedCalls) {
            this.items = items;
            this.unprocessedCalls = unprocessedCalls;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            requests.add(request);
            List<Map<String, AttributeValue>> keys = request.requestItems().get(TABLE).keys();
            int processed = requests.size() <= unprocessedCalls ? Math.min(1, keys.size() - 1) : keys.size();
            List<Map<String, AttributeValue>> found = new ArrayList<>();
            for (Map<String, AttributeValue> key : keys.subList(0, processed)) {
                Map<String, AttributeValue> item = items.apply(key);
                if (item != null) {
                    found.add(item);
                }
            }
            List<Map<String, AttributeValue>> left = keys.subList(processed, keys.size());
            return BatchGetItemResponse.builder()
                    .responses(Map.of(TABLE, found))
                    .unprocessedKeys(left.isEmpty() ? Map.of()
                            : Map.of(TABLE, KeysAndAttributes.builder().keys(List.copyOf(left)).build()))
                    .build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static String sk(Map<String, AttributeValue> key) {
        return key.get(TableSchema.SK).s();
    }

    static Map<String, AttributeValue> roomItem(Map<String, AttributeValue> key, String roomId) {
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("roomId", AttributeValue.fromS(roomId));
        item.put("title", AttributeValue.fromS("Room " + roomId));
        item.put("owner", AttributeValue.fromS("owner@example.org"));
        item.put("startsAt", AttributeValue.fromN(Long.toString(AT.toEpochMilli())));
        item.put("endsAt", AttributeValue.fromN(Long.toString(AT.plusSeconds(3600).toEpochMilli())));
        item.put("version", AttributeValue.fromN("7"));
        return item;
    }

    private static void assertAllConsistent(List<BatchGetItemRequest> requests) {
        for (BatchGetItemRequest r : requests) {
            assertEquals(List.of(TABLE), List.copyOf(r.requestItems().keySet()));
            assertEquals(Boolean.TRUE, r.requestItems().get(TABLE).consistentRead(), "every read consistent: " + r);
        }
    }

    private static List<String> sortKeys(BatchGetItemRequest r) {
        return r.requestItems().get(TABLE).keys().stream().map(BatchGetTest::sk).toList();
    }

    // ---------------------------------------------------------------- create with an Idempotency-Key

    private static final IdempotencyRecord KEY = new IdempotencyRecord("owner|room-1", "key-1", "hash", "room-1",
            null, AT);

    private static Map<String, AttributeValue> createItems(Map<String, AttributeValue> key) {
        if (sk(key).equals("#ROOM")) {
            return roomItem(key, "room-1");
        }
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("requestHash", AttributeValue.fromS("hash"));
        item.put("roomId", AttributeValue.fromS("room-1"));
        item.put("inviteId", AttributeValue.fromS("01HZZZZZZZZZZZZZZZZZZZZZZZ"));
        item.put("createdAt", AttributeValue.fromN(Long.toString(AT.toEpochMilli())));
        return item;
    }

    @Test
    void createAsksForTheUnprocessedKeysAgainConsistently() {
        StubDynamoDb db = new StubDynamoDb(BatchGetTest::createItems, 3);
        InviteStore.CreateContext context = new DynamoInviteStore(db, TABLE).loadForCreate("room-1", KEY);

        assertEquals(4, db.requests.size(), "one call, then the unprocessed key until it is processed");
        assertEquals(List.of("#ROOM", "#IDEM"), sortKeys(db.requests.getFirst()));
        for (BatchGetItemRequest again : db.requests.subList(1, 4)) {
            assertEquals(List.of("#IDEM"), sortKeys(again), "only what was left unprocessed");
        }
        assertAllConsistent(db.requests);
        assertEquals(7, context.room().orElseThrow().version());
        assertNotNull(context.earlierUse());
        assertEquals("01HZZZZZZZZZZZZZZZZZZZZZZZ", context.earlierUse().inviteId());
    }

    @Test
    void createGivesUpAfterBoundedRetries() {
        StubDynamoDb db = new StubDynamoDb(BatchGetTest::createItems, Integer.MAX_VALUE);
        InviteException e = assertThrows(InviteException.class,
                () -> new DynamoInviteStore(db, TABLE).loadForCreate("room-1", KEY));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        assertEquals(6, db.requests.size(), "the first call and five more");
        assertAllConsistent(db.requests);
    }

    // ---------------------------------------------------------------- resend

    private static final String INVITE_ID = "01J0000000000000000000000A";

    private static Map<String, AttributeValue> resendItems(Map<String, AttributeValue> key) {
        if (sk(key).equals("#ROOM")) {
            return roomItem(key, "room-2");
        }
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("inviteId", AttributeValue.fromS(INVITE_ID));
        item.put("roomId", AttributeValue.fromS("room-2"));
        item.put("email", AttributeValue.fromS("guest@example.org"));
        item.put("role", AttributeValue.fromS("VIEWER"));
        item.put("st", AttributeValue.fromS("PENDING"));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(AT.plusSeconds(600).toEpochMilli())));
        return item;
    }

    @Test
    void loadReadsTheRoomAndTheInviteInOneConsistentCall() {
        StubDynamoDb db = new StubDynamoDb(BatchGetTest::resendItems, 0);
        InviteStore.Loaded context = new DynamoInviteStore(db, TABLE).load("room-2", INVITE_ID);

        assertEquals(1, db.requests.size());
        assertEquals(List.of("#ROOM", "#INVITE"), sortKeys(db.requests.getFirst()));
        assertAllConsistent(db.requests);
        assertEquals("room-2", context.room().orElseThrow().roomId());
        assertEquals(INVITE_ID, context.invite().orElseThrow().inviteId());
        assertEquals("guest@example.org", context.invite().orElseThrow().email());
    }

    @Test
    void loadAsksForTheUnprocessedKeysAgainConsistently() {
        StubDynamoDb db = new StubDynamoDb(BatchGetTest::resendItems, 2);
        InviteStore.Loaded context = new DynamoInviteStore(db, TABLE).load("room-2", INVITE_ID);

        assertEquals(3, db.requests.size());
        assertEquals(List.of("#INVITE"), sortKeys(db.requests.get(1)));
        assertEquals(List.of("#INVITE"), sortKeys(db.requests.get(2)));
        assertAllConsistent(db.requests);
        assertTrue(context.room().isPresent());
        assertEquals(INVITE_ID, context.invite().orElseThrow().inviteId());
    }

    @Test
    void loadOfNothingStoredAnswersTwoEmpties() {
        StubDynamoDb db = new StubDynamoDb(key -> null, 0);
        InviteStore.Loaded context = new DynamoInviteStore(db, TABLE).load("room-3", INVITE_ID);
        assertEquals(1, db.requests.size());
        assertTrue(context.room().isEmpty());
        assertTrue(context.invite().isEmpty());
    }

    @Test
    void loadGivesUpAfterBoundedRetries() {
        StubDynamoDb db = new StubDynamoDb(BatchGetTest::resendItems, Integer.MAX_VALUE);
        InviteException e = assertThrows(InviteException.class,
                () -> new DynamoInviteStore(db, TABLE).load("room-2", INVITE_ID));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        assertEquals(6, db.requests.size());
    }
}
