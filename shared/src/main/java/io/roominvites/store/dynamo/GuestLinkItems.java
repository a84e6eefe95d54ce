package io.roominvites.store.dynamo;

import io.roominvites.domain.GuestLink;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;

/**
 * A guest link's items, read and written here only (docs/lifetimes.md):
 * <pre>
 * item            pk                                       sk          notes
 * guest link      GLINK#{roomId}                           LINK#{id}   one partition per room: list and slots in one query
 * slot            GLINK#{roomId}                           SLOT#{n}    held by a link until it is revoked or expires (until)
 * use counter     GLUSE#{roomId}#{id}#{shard}              #USES       n, capped per shard; a partition per shard
 * device's use    GLDEV#{roomId}#{id}#{deviceId}           #DEVICE     the device's claim; a partition per device
 * </pre>
 * Every item has a {@code ttl}: the room's retirement as it was when the link was made (TTL only cleans up).
 */
final class GuestLinkItems {
    static final String LINK_PREFIX = "LINK#";
    static final String SLOT_PREFIX = "SLOT#";
    static final String USES_SK = "#USES";
    static final String DEVICE_SK = "#DEVICE";
    static final String DEVICE_PK_PREFIX = "GLDEV#";

    private GuestLinkItems() {
    }

    static String roomPk(String roomId) {
        return "GLINK#" + roomId;
    }

    static Map<String, AttributeValue> linkKey(String roomId, String id) {
        return Keys.key(roomPk(roomId), LINK_PREFIX + id);
    }

    static Map<String, AttributeValue> slotKey(String roomId, int slot) {
        return Keys.key(roomPk(roomId), SLOT_PREFIX + slot);
    }

    static Map<String, AttributeValue> shardKey(GuestLink link, int shard) {
        return Keys.key("GLUSE#" + link.roomId() + "#" + link.guestLinkId() + "#" + shard, USES_SK);
    }

    static Map<String, AttributeValue> deviceKey(GuestLink link, String deviceId) {
        return Keys.key(DEVICE_PK_PREFIX + link.roomId() + "#" + link.guestLinkId() + "#" + deviceId, DEVICE_SK);
    }

    static Map<String, AttributeValue> item(GuestLink l, Instant keepUntil) {
        Map<String, AttributeValue> item = new HashMap<>(linkKey(l.roomId(), l.guestLinkId()));
        item.put("type", s("GUEST_LINK"));
        item.put("guestLinkId", s(l.guestLinkId()));
        item.put("roomId", s(l.roomId()));
        item.put("label", s(l.label()));
        if (l.maxUses() != null) {
            item.put("maxUses", Attr.n(l.maxUses()));
        }
        item.put("expiresAt", Attr.time(l.expiresAt()));
        item.put("createdAt", Attr.time(l.createdAt()));
        if (l.createdBy() != null) {
            item.put("createdBy", s(l.createdBy()));
        }
        if (l.revokedAt() != null) {
            item.put("revokedAt", Attr.time(l.revokedAt()));
        }
        if (l.revokedBy() != null) {
            item.put("revokedBy", s(l.revokedBy()));
        }
        item.put("slot", Attr.n(l.slot()));
        item.put("shards", Attr.n(l.shards()));
        item.put(TableSchema.TTL, Attr.n(Keys.ttlSeconds(keepUntil)));
        return item;
    }

    static GuestLink link(Map<String, AttributeValue> item) {
        long maxUses = num(item, "maxUses", -1);
        return new GuestLink(str(item, "guestLinkId"), str(item, "roomId"), str(item, "label"),
                maxUses < 0 ? null : (int) maxUses, instant(item, "expiresAt"), instant(item, "createdAt"),
                str(item, "createdBy"), instant(item, "revokedAt"), str(item, "revokedBy"), (int) num(item, "slot", 0),
                (int) num(item, "shards", 1));
    }

    static Map<String, AttributeValue> slotItem(GuestLink l, Instant keepUntil) {
        Map<String, AttributeValue> item = new HashMap<>(slotKey(l.roomId(), l.slot()));
        item.put("type", s("GUEST_SLOT"));
        item.put("guestLinkId", s(l.guestLinkId()));
        item.put("until", Attr.time(l.expiresAt()));
        item.put(TableSchema.TTL, Attr.n(Keys.ttlSeconds(keepUntil)));
        return item;
    }

    static boolean isLink(Map<String, AttributeValue> item) {
        String sk = str(item, TableSchema.SK);
        return sk != null && sk.startsWith(LINK_PREFIX);
    }
}
