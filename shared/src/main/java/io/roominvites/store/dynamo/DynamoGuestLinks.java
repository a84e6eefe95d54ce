package io.roominvites.store.dynamo;

import io.roominvites.domain.GuestLink;
import io.roominvites.domain.InviteException;
import io.roominvites.store.GuestLinkStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link GuestLinkStore} on the table ({@link GuestLinkItems}): conditional transactions for every counted change. */
final class DynamoGuestLinks implements GuestLinkStore {
    /** Tries of a use's transaction while it is cancelled only by a conflict (racing guests on one shard). */
    private static final int USE_ATTEMPTS = 12;
    private final Table table;

    DynamoGuestLinks(Table table) {
        this.table = table;
    }

    @Override
    public List<GuestLink> guestLinks(String roomId) {
        List<GuestLink> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = Calls.call(() -> table.db.query(q -> q.tableName(table.name).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :link)")
                    .expressionAttributeValues(Map.of(":pk", Attr.s(GuestLinkItems.roomPk(roomId)),
                            ":link", Attr.s(GuestLinkItems.LINK_PREFIX)))
                    .scanIndexForward(false).exclusiveStartKey(from)));
            for (Map<String, AttributeValue> item : r.items()) {
                out.add(GuestLinkItems.link(item));
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    @Override
    public Optional<GuestLink> findGuestLink(String roomId, String guestLinkId) {
        Map<String, AttributeValue> item = table.get(GuestLinkItems.linkKey(roomId, guestLinkId));
        return item == null ? Optional.empty() : Optional.of(GuestLinkItems.link(item));
    }

    @Override
    public boolean createGuestLink(GuestLink link, Instant now, Instant keepUntil) {
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(GuestLinkItems.slotItem(link, keepUntil))
                        .conditionExpression("attribute_not_exists(pk) OR #until <= :now")
                        .expressionAttributeNames(Map.of("#until", "until"))
                        .expressionAttributeValues(Map.of(":now", Attr.time(now)))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(GuestLinkItems.item(link, keepUntil))
                        .conditionExpression("attribute_not_exists(pk)")).build());
        return table.transact(items, 5) == null;
    }

    @Override
    public boolean revokeGuestLink(GuestLink current, GuestLink revoked) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":at", Attr.time(revoked.revokedAt()));
        StringBuilder set = new StringBuilder("SET revokedAt = :at");
        if (revoked.revokedBy() != null) {
            values.put(":by", Attr.s(revoked.revokedBy()));
            set.append(", revokedBy = :by");
        }
        TransactWriteItem revoke = TransactWriteItem.builder().update(u -> u.tableName(table.name)
                .key(GuestLinkItems.linkKey(current.roomId(), current.guestLinkId()))
                .updateExpression(set.toString())
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revokedAt)")
                .expressionAttributeValues(values)).build();
        TransactWriteItem freeSlot = TransactWriteItem.builder().delete(d -> d.tableName(table.name)
                .key(GuestLinkItems.slotKey(current.roomId(), current.slot()))
                .conditionExpression("attribute_not_exists(pk) OR guestLinkId = :id")
                .expressionAttributeValues(Map.of(":id", Attr.s(current.guestLinkId())))).build();
        List<CancellationReason> refused = table.transact(List.of(revoke, freeSlot), 5);
        if (refused == null) {
            return true;
        }
        if (Table.failed(refused.get(0))) {
            return false; // revoked already (or gone)
        }
        // the slot is another link's now (this one expired and its slot was taken): revoke the link alone
        return table.transact(List.of(revoke), 5) == null;
    }

    @Override
    public int[] shardCounts(GuestLink link) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(link.shards());
        for (int s = 0; s < link.shards(); s++) {
            keys.add(GuestLinkItems.shardKey(link, s));
        }
        int[] counts = new int[link.shards()];
        for (Map<String, AttributeValue> item : table.batchGet(keys)) {
            String pk = Attr.str(item, TableSchema.PK);
            int shard = Integer.parseInt(pk.substring(pk.lastIndexOf('#') + 1));
            counts[shard] = (int) Attr.num(item, "n", 0);
        }
        return counts;
    }

    @Override
    public Map<String, Integer> uses(List<GuestLink> links) {
        Map<String, Integer> out = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        Map<String, String> linkOfPk = new HashMap<>();
        for (GuestLink l : links) {
            out.put(l.guestLinkId(), 0);
            for (int s = 0; s < l.shards(); s++) {
                Map<String, AttributeValue> k = GuestLinkItems.shardKey(l, s);
                keys.add(k);
                linkOfPk.put(k.get(TableSchema.PK).s(), l.guestLinkId());
            }
        }
        for (int from = 0; from < keys.size(); from += 100) {
            for (Map<String, AttributeValue> item : table.batchGet(keys.subList(from, Math.min(keys.size(), from + 100)))) {
                String id = linkOfPk.get(Attr.str(item, TableSchema.PK));
                out.merge(id, (int) Attr.num(item, "n", 0), Integer::sum);
            }
        }
        return out;
    }

    @Override
    public boolean holdsUse(GuestLink link, String deviceId) {
        return table.get(GuestLinkItems.deviceKey(link, deviceId)) != null;
    }

    @Override
    public UseOutcome takeUse(GuestLink link, int shard, GuestUse use, Instant keepUntil) {
        Map<String, AttributeValue> claim = new HashMap<>(GuestLinkItems.deviceKey(link, use.deviceId()));
        claim.put("type", Attr.s("GUEST_USE"));
        claim.put("roomId", Attr.s(link.roomId()));
        claim.put("guestLinkId", Attr.s(link.guestLinkId()));
        claim.put("firstName", Attr.s(use.firstName()));
        claim.put("lastName", Attr.s(use.lastName()));
        if (use.emailMasked() != null) {
            claim.put("emailMasked", Attr.s(use.emailMasked()));
        }
        if (use.emailKey() != null) {
            claim.put(TableSchema.EMAIL_KEY, Attr.s(use.emailKey())); // an erasure of the address finds the use
        }
        claim.put("at", Attr.time(use.at()));
        claim.put("shard", Attr.n(shard));
        claim.put(TableSchema.TTL, Attr.n(Keys.ttlSeconds(keepUntil)));
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table.name).item(claim)
                .conditionExpression("attribute_not_exists(pk)")).build();
        int cap = link.shardCap(shard);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", Attr.n(1));
        values.put(":ttl", Attr.n(Keys.ttlSeconds(keepUntil)));
        if (cap >= 0) {
            values.put(":cap", Attr.n(cap));
        }
        TransactWriteItem count = TransactWriteItem.builder().update(u -> {
            u.tableName(table.name).key(GuestLinkItems.shardKey(link, shard))
                    .updateExpression("ADD n :one SET #ttl = :ttl")
                    .expressionAttributeNames(Map.of("#ttl", TableSchema.TTL))
                    .expressionAttributeValues(values);
            if (cap >= 0) {
                u.conditionExpression("attribute_not_exists(n) OR n < :cap");
            }
        }).build();
        List<CancellationReason> refused;
        try {
            refused = table.transact(List.of(put, count), USE_ATTEMPTS);
        } catch (InviteException unknownOrBusy) {
            // a time-out, or conflicts past the tries: whether it landed is told by the device's claim, read again
            if (holdsUse(link, use.deviceId())) {
                return UseOutcome.TAKEN;
            }
            throw unknownOrBusy;
        }
        if (refused == null) {
            return UseOutcome.TAKEN;
        }
        return Table.failed(refused.get(0)) ? UseOutcome.DEVICE_HOLDS : UseOutcome.SHARD_FULL;
    }
}
