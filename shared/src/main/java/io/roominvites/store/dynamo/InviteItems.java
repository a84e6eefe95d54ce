package io.roominvites.store.dynamo;

import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * An invite's item ({@code INVITE#{roomId}#{inviteId}}, {@code #INVITE}), read and written here only, with its
 * entries in the two list indexes ({@code byRoom}, {@code byStatus}, each spread over {@link TableSchema#LIST_SHARDS}
 * shards by the invite id).
 */
final class InviteItems {
    static final String INVITE_SK = "#INVITE";
    /** The attribute that marks which write put an invite's current state (see {@link DynamoInvites#replaceInvite}). */
    static final String WRITE_MARK = "wm";

    private InviteItems() {
    }

    static Map<String, AttributeValue> inviteKey(String roomId, String inviteId) {
        return Keys.key("INVITE#" + roomId + "#" + inviteId, INVITE_SK);
    }

    static int listShardOf(String inviteId) {
        return (Keys.spread(inviteId) >>> 8) % TableSchema.LIST_SHARDS;
    }

    /** The byRoom index partition of a room's invites in list shard {@code shard}. */
    static String roomListPartition(String roomId, int shard) {
        return RoomItems.roomPk(roomId) + "#" + shard;
    }

    /** The byStatus index partition of a room's invites stored with {@code status}, in list shard {@code shard}. */
    static String statusPartition(String roomId, InviteStatus stored, int shard) {
        return RoomItems.roomPk(roomId) + "#" + stored.name() + "#" + shard;
    }

    /**
     * The whole item of {@code inv}. It has no TTL of its own: an invite lives as long as its room (its retire marker,
     * {@link RoomItems#retireItem}), whose dates it does not copy, so no room change can leave it with a stale lifetime.
     */
    static Map<String, AttributeValue> inviteItem(Invite inv) {
        Map<String, AttributeValue> item = new HashMap<>(inviteKey(inv.roomId(), inv.inviteId()));
        item.put("type", s("INVITE"));
        item.put("inviteId", s(inv.inviteId()));
        item.put("roomId", s(inv.roomId()));
        if (inv.email() != null) {
            item.put("email", s(inv.email()));
            // where an erasure finds it; an erased invite has neither, and so leaves the index
            item.put(TableSchema.EMAIL_KEY, s(io.roominvites.domain.Emails.erasureKey(inv.email())));
        }
        if (inv.firstName() != null) {
            item.put("firstName", s(inv.firstName()));
        }
        if (inv.lastName() != null) {
            item.put("lastName", s(inv.lastName()));
        }
        item.put("role", s(inv.role().name()));
        item.put("st", s(inv.storedStatus().name()));
        item.put("createdAt", time(inv.createdAt()));
        item.put("createdBy", s(inv.createdBy()));
        if (inv.createdByName() != null) {
            item.put("createdByName", s(inv.createdByName()));
        }
        item.put("expiresAt", time(inv.expiresAt()));
        putTime(item, "redeemedAt", inv.redeemedAt());
        putTime(item, "revokedAt", inv.revokedAt());
        putTime(item, "promotedAt", inv.promotedAt());
        putTime(item, "releasedAt", inv.releasedAt());
        if (!inv.devices().isEmpty()) {
            java.util.List<AttributeValue> devices = new java.util.ArrayList<>(inv.devices().size());
            for (Invite.Device d : inv.devices()) {
                devices.add(AttributeValue.fromM(Map.of("id", s(d.id()), "at", time(d.boundAt()))));
            }
            item.put("devices", AttributeValue.fromL(devices));
        }
        item.put("maxDevices", Attr.n(inv.maxDevices()));
        item.put("failedEmailAttempts", Attr.n(inv.failedEmailAttempts()));
        item.put("linkVersion", Attr.n(inv.linkVersion()));
        item.put("entries", Attr.n(inv.entries()));
        item.put("rev", Attr.n(inv.rev()));
        if (inv.changedBy() != null) {
            item.put("changedBy", s(inv.changedBy()));
        }
        putTime(item, "changedAt", inv.changedAt());
        if (inv.locale() != null) {
            item.put("locale", s(inv.locale()));
        }
        Invite.EmailDelivery d = inv.emailDelivery();
        if (d != null) {
            if (d.messageId() != null) {
                item.put(TableSchema.EMAIL_MESSAGE_PK, s(d.messageId()));
            }
            item.put("emailHistory", attempts(d.history()));
            if (d.lastEvent() != null) {
                Map<String, AttributeValue> e = new HashMap<>();
                e.put("type", s(d.lastEvent().type()));
                e.put("at", time(d.lastEvent().at()));
                if (d.lastEvent().detail() != null) {
                    e.put("detail", s(d.lastEvent().detail()));
                }
                item.put("emailEvent", AttributeValue.fromM(e));
            }
        }
        int shard = listShardOf(inv.inviteId());
        item.put(TableSchema.ROOM_LIST_PK, s(roomListPartition(inv.roomId(), shard)));
        item.put(TableSchema.STATUS_LIST_PK, s(statusPartition(inv.roomId(), inv.storedStatus(), shard)));
        item.put(TableSchema.LIST_SK, s(inv.inviteId()));
        return item;
    }

    private static void putTime(Map<String, AttributeValue> item, String name, Instant t) {
        if (t != null) {
            item.put(name, time(t));
        }
    }

    static Invite invite(Map<String, AttributeValue> item) {
        Invite.EmailDelivery delivery = null;
        java.util.List<Invite.Attempt> history = attempts(item.get("emailHistory"));
        if (!history.isEmpty()) {
            Invite.DeliveryEvent event = null;
            AttributeValue e = item.get("emailEvent");
            if (e != null && e.hasM()) {
                event = new Invite.DeliveryEvent(str(e.m(), "type"), instant(e.m(), "at"), str(e.m(), "detail"));
            }
            delivery = new Invite.EmailDelivery(str(item, "emailMessageId"), history, event);
        }
        java.util.List<Invite.Device> devices = new java.util.ArrayList<>();
        AttributeValue list = item.get("devices");
        if (list != null && list.hasL()) {
            for (AttributeValue v : list.l()) {
                devices.add(new Invite.Device(str(v.m(), "id"), instant(v.m(), "at")));
            }
        }
        return new Invite(str(item, "inviteId"), str(item, "roomId"), str(item, "email"), str(item, "firstName"),
                str(item, "lastName"), Role.valueOf(str(item, "role")), InviteStatus.valueOf(str(item, "st")),
                instant(item, "createdAt"), str(item, "createdBy"), str(item, "createdByName"),
                instant(item, "expiresAt"), instant(item, "redeemedAt"), instant(item, "revokedAt"),
                instant(item, "promotedAt"), devices, (int) num(item, "maxDevices", 1),
                (int) num(item, "failedEmailAttempts", 0), (int) num(item, "linkVersion", 1),
                instant(item, "releasedAt"), (int) num(item, "entries", 0), delivery, num(item, "rev", 0),
                str(item, "changedBy"), instant(item, "changedAt"), str(item, "locale"));
    }

    static AttributeValue attempts(java.util.List<Invite.Attempt> attempts) {
        java.util.List<AttributeValue> out = new java.util.ArrayList<>(attempts.size());
        for (Invite.Attempt a : attempts) {
            Map<String, AttributeValue> m = new HashMap<>();
            m.put("status", s(a.status()));
            m.put("at", time(a.at()));
            if (a.error() != null) {
                m.put("error", s(a.error()));
            }
            out.add(AttributeValue.fromM(m));
        }
        return AttributeValue.fromL(out);
    }

    static java.util.List<Invite.Attempt> attempts(AttributeValue list) {
        if (list == null || !list.hasL()) {
            return java.util.List.of();
        }
        java.util.List<Invite.Attempt> out = new java.util.ArrayList<>(list.l().size());
        for (AttributeValue v : list.l()) {
            Map<String, AttributeValue> m = v.m();
            out.add(new Invite.Attempt(str(m, "status"), instant(m, "at"), str(m, "error")));
        }
        return out;
    }
}
