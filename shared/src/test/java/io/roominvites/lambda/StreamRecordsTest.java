package io.roominvites.lambda;

import io.roominvites.json.Json;
import io.roominvites.service.EventRelay;
import io.roominvites.store.StoredChange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StreamRecordsTest {
    private static final String INVITE = "{\"pk\":{\"S\":\"INVITE#r1#01KAWE3J5N6M7P8Q9R0S1T2V3W\"},\"sk\":{\"S\":\"#INVITE\"},"
            + "\"inviteId\":{\"S\":\"01KAWE3J5N6M7P8Q9R0S1T2V3W\"},\"roomId\":{\"S\":\"r1\"},\"email\":{\"S\":\"g@example.org\"},"
            + "\"firstName\":{\"S\":\"Gia\"},\"lastName\":{\"S\":\"Guest\"},\"role\":{\"S\":\"SPEAKER\"},\"st\":{\"S\":\"PENDING\"},"
            + "\"createdAt\":{\"N\":\"1795462800000\"},\"createdBy\":{\"S\":\"owner@example.com\"},"
            + "\"expiresAt\":{\"N\":\"1795549200000\"},\"rev\":{\"N\":\"0\"},\"ttl\":{\"N\":\"1798141200\"},"
            + "\"devices\":{\"L\":[]},\"flag\":{\"BOOL\":true},\"nothing\":{\"NULL\":true},\"tags\":{\"SS\":[\"a\",\"b\"]}}";

    @Test
    void aStreamEventBecomesTheRelaysChangesEachReadOnItsOwn() throws Exception {
        Map<String, Object> event = Json.parseObject("{\"Records\":["
                + "{\"eventID\":\"e1\",\"eventName\":\"INSERT\",\"dynamodb\":{\"ApproximateCreationDateTime\":1795462800,"
                + "\"Keys\":{\"pk\":{\"S\":\"INVITE#r1#01KAWE3J5N6M7P8Q9R0S1T2V3W\"},\"sk\":{\"S\":\"#INVITE\"}},"
                + "\"NewImage\":" + INVITE + ",\"SequenceNumber\":\"111\"}},"
                + "{\"eventID\":\"e2\",\"eventName\":\"MODIFY\",\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":\"x\"}},"
                + "\"NewImage\":{\"pk\":{\"Q\":\"?\"}},\"SequenceNumber\":\"222\"}}]}");
        List<EventRelay.Change> changes = StreamRecords.changes(event);
        assertEquals(List.of("111", "222"), changes.stream().map(EventRelay.Change::id).toList());
        assertEquals(Instant.ofEpochSecond(1795462800), changes.getFirst().recordedAt());
        StoredChange.InviteWritten w = assertInstanceOf(StoredChange.InviteWritten.class, changes.getFirst().read().get());
        assertNull(w.before());
        assertEquals("SPEAKER", w.after().role().name());
        assertThrows(IllegalArgumentException.class, () -> changes.get(1).read().get(), "a poison record fails alone");
    }

    @Test
    void thePartialBatchResponseNamesTheFailedRecords() {
        assertEquals(Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "222"))),
                StreamRecords.response(List.of("222")));
        assertEquals(Map.of("batchItemFailures", List.of()), StreamRecords.response(List.of()));
    }

    @Test
    void aRetireMarkerRemovedByDynamoDbsTtlRetiresItsRoomAndNoOtherRemovalDoes() throws Exception {
        String marker = "\"Keys\":{\"pk\":{\"S\":\"ROOM#r1\"},\"sk\":{\"S\":\"#RETIRE\"}},"
                + "\"OldImage\":{\"pk\":{\"S\":\"ROOM#r1\"},\"sk\":{\"S\":\"#RETIRE\"},\"version\":{\"N\":\"42\"}}";
        Map<String, Object> event = Json.parseObject("{\"Records\":["
                + "{\"eventID\":\"t\",\"eventName\":\"REMOVE\",\"userIdentity\":{\"type\":\"Service\","
                + "\"principalId\":\"dynamodb.amazonaws.com\"},\"dynamodb\":{" + marker + ",\"SequenceNumber\":\"1\"}},"
                + "{\"eventID\":\"u\",\"eventName\":\"REMOVE\",\"dynamodb\":{" + marker + ",\"SequenceNumber\":\"2\"}}]}");
        List<EventRelay.Change> changes = StreamRecords.changes(event);
        assertEquals(new StoredChange.RoomRetired("r1", 42), changes.get(0).read().get());
        assertInstanceOf(StoredChange.Other.class, changes.get(1).read().get(), "removed by a request, not by TTL");
    }
}
