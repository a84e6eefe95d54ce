package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.bool;
import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.strings;
import static io.roominvites.store.dynamo.Attr.time;

/** Keys and the mapping between items and domain records. */
final class Items {
    static final String SETTINGS_PK = "SITE";
    static final String SETTINGS_SK = "#SETTINGS";
    static final String ROOM_SK = "#ROOM";
    static final String GATE_SK = "#GATE";
    static final String INVITE_SK = "#INVITE";
    static final String USER_SK = "#USER";
    static final String IDEM_SK = "#IDEM";
    static final String RETIRE_SK = "#RETIRE";
    static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

    private Items() {
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(TableSchema.PK, s(pk), TableSchema.SK, s(sk));
    }

    static String roomPk(String roomId) {
        return "ROOM#" + roomId;
    }

    static Map<String, AttributeValue> roomKey(String roomId) {
        return key(roomPk(roomId), ROOM_SK);
    }

    /**
     * The room's retire marker: written with the room (same transaction, same version), carrying the TTL of the room
     * and of everything that belongs to it (docs/lifetimes.md). Its removal by DynamoDB's TTL starts the room's
     * retirement ({@link DynamoRoomRetirement}); it is the only item of a room or its invites that has a TTL.
     */
    static Map<String, AttributeValue> retireKey(String roomId) {
        return key(roomPk(roomId), RETIRE_SK);
    }

    static Map<String, AttributeValue> retireItem(String roomId, long version, Instant retireAt) {
        Map<String, AttributeValue> item = new HashMap<>(retireKey(roomId));
        item.put("type", s("ROOM_RETIRE"));
        item.put("roomId", s(roomId));
        item.put("version", Attr.n(version));
        item.put("retireAt", time(retireAt));
        item.put(TableSchema.TTL, Attr.n(ttlSeconds(retireAt)));
        return item;
    }

    /** The room gate an invite's writes check (one of {@link TableSchema#ROOM_GATES}, by the invite id). */
    static Map<String, AttributeValue> gateKey(String roomId, int gate) {
        return key(roomPk(roomId) + "#GATE#" + gate, GATE_SK);
    }

    static int gateOf(String inviteId) {
        return spread(inviteId) % TableSchema.ROOM_GATES;
    }

    static Map<String, AttributeValue> inviteKey(String roomId, String inviteId) {
        return key("INVITE#" + roomId + "#" + inviteId, INVITE_SK);
    }

    /** A well-mixed small number from an invite id's random tail, the same for the same id. */
    static int spread(String inviteId) {
        int h = inviteId.hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return h & 0x7fffffff;
    }

    static int listShardOf(String inviteId) {
        return (spread(inviteId) >>> 8) % TableSchema.LIST_SHARDS;
    }

    /** The byRoom index partition of a room's invites in list shard {@code shard}. */
    static String roomListPartition(String roomId, int shard) {
        return roomPk(roomId) + "#" + shard;
    }

    /** The byStatus index partition of a room's invites stored with {@code status}, in list shard {@code shard}. */
    static String statusPartition(String roomId, InviteStatus stored, int shard) {
        return roomPk(roomId) + "#" + stored.name() + "#" + shard;
    }

    static Map<String, AttributeValue> settingsKey() {
        return key(SETTINGS_PK, SETTINGS_SK);
    }

    static Map<String, AttributeValue> userKey(String email) {
        return key("USER#" + email, USER_SK);
    }

    static long ttlSeconds(Instant at) {
        return at.getEpochSecond();
    }

    // ---- settings

    static Map<String, AttributeValue> settingsItem(SiteSettings s) {
        Map<String, AttributeValue> item = new HashMap<>(settingsKey());
        item.put("type", s("SETTINGS"));
        item.put("inviteToMediaEnabled", AttributeValue.fromBool(s.inviteToMediaEnabled()));
        if (s.emailTemplateName() != null) {
            item.put("emailTemplateName", s(s.emailTemplateName()));
        }
        item.put("blockedDomains", Attr.list(s.blockedDomains()));
        item.put("linkTtlMinutes", Attr.n(s.linkTtlMinutes()));
        if (s.linkBaseUrl() != null) {
            item.put("linkBaseUrl", s(s.linkBaseUrl()));
        }
        item.put("linkMaxDevices", Attr.n(s.linkMaxDevices()));
        return item;
    }

    static SiteSettings settings(Map<String, AttributeValue> item) {
        return new SiteSettings(bool(item, "inviteToMediaEnabled"), str(item, "emailTemplateName"),
                strings(item, "blockedDomains"),
                (int) num(item, "linkTtlMinutes", SiteSettings.DEFAULT_LINK_TTL_MINUTES), str(item, "linkBaseUrl"),
                (int) num(item, "linkMaxDevices", SiteSettings.DEFAULT_LINK_MAX_DEVICES));
    }

    // ---- rooms

    static Room room(Map<String, AttributeValue> item) {
        return new Room(str(item, "roomId"), str(item, "title"), str(item, "description"), instant(item, "startsAt"),
                instant(item, "endsAt"), bool(item, "chatAndCollaborationEnabled"), str(item, "owner"),
                strings(item, "coOwners"), strings(item, "coEditors"), strings(item, "coPublishers"),
                bool(item, "deleted"), num(item, "version", 0), instant(item, "updatedAt"));
    }

    // ---- invites

    /**
     * The whole item of {@code inv}. It has no TTL of its own: an invite lives as long as its room (its retire marker,
     * {@link #retireItem}), whose dates it does not copy, so no room change can leave it with a stale lifetime.
     */
    static Map<String, AttributeValue> inviteItem(Invite inv) {
        Map<String, AttributeValue> item = new HashMap<>(inviteKey(inv.roomId(), inv.inviteId()));
        item.put("type", s("INVITE"));
        item.put("inviteId", s(inv.inviteId()));
        item.put("roomId", s(inv.roomId()));
        item.put("email", s(inv.email()));
        item.put("firstName", s(inv.firstName()));
        item.put("lastName", s(inv.lastName()));
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
                str(item, "changedBy"), instant(item, "changedAt"));
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

    // ---- history: the invite's lifecycle events, in its own partition, ordered by the invite's revision

    static final String HISTORY_SK_PREFIX = "EVENT#";

    static Map<String, AttributeValue> historyKey(io.roominvites.events.LifecycleEvent e) {
        // ordered by revision; the rest of the event's id (which transition, what type) keeps two events apart
        String sk = HISTORY_SK_PREFIX + String.format(java.util.Locale.ROOT, "%020d", e.revision()) + "#"
                + e.eventId().substring(e.eventId().indexOf(':') + 1);
        return key(Attr.str(inviteKey(e.roomId(), e.inviteId()), TableSchema.PK), sk);
    }

    static io.roominvites.events.HistoryEntry historyEntry(Map<String, AttributeValue> item) {
        Map<String, Object> details;
        try {
            details = io.roominvites.json.Json.parseObject(str(item, "details"));
        } catch (java.text.ParseException | RuntimeException e) {
            details = Map.of();
        }
        return new io.roominvites.events.HistoryEntry(io.roominvites.events.EventType.ofDetailType(str(item, "eventType")),
                instant(item, "at"), str(item, "actor"), details);
    }

    // ---- users

    static DirectoryUser user(Map<String, AttributeValue> item) {
        return new DirectoryUser(str(item, "email"), str(item, "firstName"), str(item, "lastName"));
    }
}
