package io.roominvites.store.dynamo;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.s;

/** What every item's shape shares: the key attributes, TTL in epoch seconds, an id's spread over partitions. */
final class Keys {
    private Keys() {
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(sk));
    }

    static long ttlSeconds(Instant at) {
        return at.getEpochSecond();
    }

    /** A well-mixed small number from an invite id's random tail, the same for the same id. */
    static int spread(String inviteId) {
        int h = inviteId.hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & 0x7fffffff;
    }
}
