package io.roominvites.it.local;

import io.roominvites.local.DevClock;
import io.roominvites.local.DynamoDbLocalServer;
import io.roominvites.local.TtlSweeper;
import io.roominvites.store.dynamo.TableSetup;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local emulation of DynamoDB's TTL: what it removes, and that it tells each removal's stream record once. */
class TtlSweeperTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void aKeyRemovedTwiceBeforeTheStreamIsReadIsTwoTtlRemovals() {
        try (DynamoDbClient db = DynamoDbClient.builder().endpointOverride(DynamoDbLocalServer.shared().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(Backend.TEST_CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            String table = Backends.uniqueName("ttl-sweeper");
            TableSetup.create(db, table, false);
            DevClock clock = new DevClock(Clock.fixed(T0, ZoneOffset.UTC));
            TtlSweeper sweeper = new TtlSweeper(db, table, clock);
            Map<String, AttributeValue> keys = Map.of("pk", AttributeValue.fromS("ROOM#r"), "sk", AttributeValue.fromS("#RETIRE"));
            Map<String, AttributeValue> kept = Map.of("pk", AttributeValue.fromS("ROOM#r"), "sk", AttributeValue.fromS("#ROOM"));
            // a retire marker removed, written again (the room re-created), removed again: two stream records
            for (int round = 0; round < 2; round++) {
                Instant expires = clock.instant().plus(Duration.ofDays(1));
                put(db, table, keys, expires);
                put(db, table, kept, expires.plus(Duration.ofDays(365)));
                assertEquals(0, sweeper.sweep(), "nothing expired yet");
                clock.advance(Duration.ofDays(1).plusSeconds(1));
                assertEquals(1, sweeper.sweep(), "the marker, not the room");
            }
            assertTrue(sweeper.removedByTtl(keys));
            assertTrue(sweeper.removedByTtl(keys), "the second removal is TTL's too");
            assertFalse(sweeper.removedByTtl(keys), "and there were two");
            assertFalse(sweeper.removedByTtl(kept));
            db.deleteTable(b -> b.tableName(table));
        }
    }

    private static void put(DynamoDbClient db, String table, Map<String, AttributeValue> keys, Instant ttl) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(keys);
        item.put("ttl", AttributeValue.fromN(Long.toString(ttl.getEpochSecond())));
        db.putItem(b -> b.tableName(table).item(item));
    }
}
