package io.roominvites.store.dynamo;

import io.roominvites.store.IdempotencyStore.BatchRecord;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * An Idempotency-Key's record ({@code IDEM#{sha256(scope, key)}}, {@code #IDEM}), read and written here only: a single
 * create's (the request's hash and the invite id) or a bulk create's (the request's hash and the batch's plan). A key
 * is remembered for exactly 24 hours: TTL only cleans up, possibly days late, so every read checks the time itself.
 */
final class IdempotencyItems {
    static final String IDEM_SK = "#IDEM";
    static final Duration RETENTION = Duration.ofHours(24);

    private IdempotencyItems() {
    }

    static Map<String, AttributeValue> key(String scope, String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((scope + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return Keys.key("IDEM#" + HexFormat.of().formatHex(digest), IDEM_SK);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The oldest {@code createdAt} of a record still in force at {@code now}: an older one may be replaced. */
    static AttributeValue staleBefore(Instant now) {
        return time(now.minus(RETENTION));
    }

    // ---- a single create's record

    static Map<String, AttributeValue> createItem(IdempotencyRecord r) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.scope(), r.key()));
        item.put("type", s("IDEMPOTENCY"));
        item.put("requestHash", s(r.requestHash()));
        item.put("roomId", s(r.roomId()));
        item.put("inviteId", s(r.inviteId()));
        item.put("createdAt", time(r.createdAt()));
        item.put(TableSchema.TTL, n(Keys.ttlSeconds(r.createdAt().plus(RETENTION))));
        return item;
    }

    /** The earlier use of {@code key} that {@code item} records, when it is one within 24 h of {@code key}'s time. */
    static IdempotencyRecord earlierUse(IdempotencyRecord key, Map<String, AttributeValue> item) {
        Instant usedAt = Attr.instant(item, "createdAt");
        if (!usedAt.plus(RETENTION).isAfter(key.createdAt())) {
            return null;
        }
        return new IdempotencyRecord(key.scope(), key.key(), Attr.str(item, "requestHash"), Attr.str(item, "roomId"),
                Attr.str(item, "inviteId"), usedAt);
    }

    /** The record a create's refused write found ({@code ALL_OLD}), whatever its time. */
    static IdempotencyRecord found(IdempotencyRecord key, Map<String, AttributeValue> old) {
        return new IdempotencyRecord(key.scope(), key.key(), Attr.str(old, "requestHash"), Attr.str(old, "roomId"),
                Attr.str(old, "inviteId"), Attr.instant(old, "createdAt"));
    }

    // ---- a bulk create's record

    static Map<String, AttributeValue> batchItem(BatchRecord r) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.scope(), r.key()));
        item.put("type", s("IDEMPOTENCY_BATCH"));
        item.put("requestHash", s(r.requestHash()));
        item.put("roomId", s(r.roomId()));
        item.put("createdAt", time(r.createdAt()));
        item.put("plan", s(r.plan()));
        item.put("done", AttributeValue.fromBool(r.done()));
        item.put(TableSchema.TTL, n(Keys.ttlSeconds(r.createdAt().plus(RETENTION))));
        return item;
    }

    /** The batch record in {@code item} if it is one used within 24 h of {@code key}'s time; null otherwise. */
    static BatchRecord batchRecord(BatchRecord key, Map<String, AttributeValue> item) {
        Instant usedAt = Attr.instant(item, "createdAt");
        if (usedAt == null || !usedAt.plus(RETENTION).isAfter(key.createdAt())) {
            return null;
        }
        if (Attr.str(item, "plan") == null) {
            // a single create used this key: never the same request as a batch
            return new BatchRecord(key.scope(), key.key(), "", Attr.str(item, "roomId"), usedAt, null, true);
        }
        return new BatchRecord(key.scope(), key.key(), Attr.str(item, "requestHash"), Attr.str(item, "roomId"), usedAt,
                Attr.str(item, "plan"), Attr.bool(item, "done"));
    }
}
