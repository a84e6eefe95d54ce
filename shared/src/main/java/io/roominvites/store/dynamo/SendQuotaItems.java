package io.roominvites.store.dynamo;

import io.roominvites.domain.SendLedger;
import io.roominvites.store.SendQuotaStore.Stored;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A send ledger's item ({@code QUOTA#<key>}, {@code #QUOTA}), read and written here only: its version {@code v}, its
 * sends per epoch minute ({@code sends}, a map) and a {@code ttl} a day and an hour past its last write (a ledger
 * whose entries all left the window counts nothing, whether or not TTL removed it yet).
 */
final class SendQuotaItems {
    static final Duration KEPT = Duration.ofHours(25);

    private SendQuotaItems() {
    }

    static Map<String, AttributeValue> key(String ledgerKey) {
        return Keys.key("QUOTA#" + ledgerKey, "#QUOTA");
    }

    static Map<String, AttributeValue> item(String ledgerKey, SendLedger ledger, long version, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(ledgerKey));
        item.put("type", Attr.s("QUOTA"));
        item.put("v", Attr.n(version));
        Map<String, AttributeValue> sends = new HashMap<>();
        ledger.perMinute().forEach((minute, n) -> sends.put(Long.toString(minute), Attr.n(n)));
        item.put("sends", AttributeValue.fromM(sends));
        item.put(TableSchema.TTL, Attr.n(now.plus(KEPT).getEpochSecond()));
        return item;
    }

    static Stored stored(String ledgerKey, Map<String, AttributeValue> item) {
        if (item == null) {
            return new Stored(ledgerKey, SendLedger.empty(), 0);
        }
        Map<Long, Integer> perMinute = new HashMap<>();
        AttributeValue sends = item.get("sends");
        if (sends != null && sends.hasM()) {
            sends.m().forEach((minute, n) -> perMinute.put(Long.parseLong(minute), Integer.parseInt(n.n())));
        }
        return new Stored(ledgerKey, SendLedger.of(perMinute), Attr.num(item, "v", 0));
    }
}
