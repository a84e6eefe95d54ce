package io.roominvites.store.dynamo;

import io.roominvites.domain.Erasure;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * An erasure's items, read and written here only: its record ({@code ERASURE#{erasureId}}, {@code #ERASURE}: status,
 * counts, the rooms it touched as a string set, the erasure key while it runs) and, while it runs, the lock that keeps
 * a second erasure of the same address from starting ({@code ERASURE#EMAIL#{ek}}, {@code #RUNNING}).
 */
final class ErasureItems {
    static final String SK = "#ERASURE";
    static final String LOCK_SK = "#RUNNING";
    /** How long a finished erasure's record is kept: the proof, for a year, that the request was carried out. */
    static final Duration KEPT_AFTER_DONE = Duration.ofDays(365);

    private ErasureItems() {
    }

    static Map<String, AttributeValue> key(String erasureId) {
        return Keys.key("ERASURE#" + erasureId, SK);
    }

    static Map<String, AttributeValue> lockKey(String emailKey) {
        return Keys.key("ERASURE#EMAIL#" + emailKey, LOCK_SK);
    }

    static Map<String, AttributeValue> item(Erasure e) {
        Map<String, AttributeValue> item = new HashMap<>(key(e.erasureId()));
        item.put("type", s("ERASURE"));
        item.put("erasureId", s(e.erasureId()));
        item.put("st", s(e.status().name()));
        item.put(TableSchema.EMAIL_KEY + "Of", s(e.emailKey())); // not the index's attribute: the record is no holder
        item.put("erased", n(e.invitesErased()));
        item.put("startedAt", time(e.startedAt()));
        return item;
    }

    static Map<String, AttributeValue> lockItem(Erasure e) {
        Map<String, AttributeValue> item = new HashMap<>(lockKey(e.emailKey()));
        item.put("type", s("ERASURE_LOCK"));
        item.put("erasureId", s(e.erasureId()));
        return item;
    }

    static Erasure erasure(Map<String, AttributeValue> item) {
        AttributeValue rooms = item.get("rooms");
        int touched = rooms != null && rooms.hasSs() ? rooms.ss().size() : 0;
        return new Erasure(str(item, "erasureId"), str(item, TableSchema.EMAIL_KEY + "Of"),
                Erasure.Status.valueOf(str(item, "st")), (int) num(item, "erased", 0), touched,
                instant(item, "startedAt"), instant(item, "finishedAt"));
    }

    static AttributeValue ttlAfterDone(Instant finishedAt) {
        return n(Keys.ttlSeconds(finishedAt.plus(KEPT_AFTER_DONE)));
    }
}
