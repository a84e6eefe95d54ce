package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomView;
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
    static final String INVITE_PREFIX = "INVITE#";
    static final String USER_SK = "#USER";
    static final String IDEM_SK = "#IDEM";
    /** How long DynamoDB TTL keeps an invite after both its link and its session are over. */
    static final Duration INVITE_RETENTION = Duration.ofDays(30);
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

    static Map<String, AttributeValue> inviteKey(String roomId, String inviteId) {
        return key(roomPk(roomId), INVITE_PREFIX + inviteId);
    }

    static Map<String, AttributeValue> settingsKey() {
        return key(SETTINGS_PK, SETTINGS_SK);
    }

    static Map<String, AttributeValue> userKey(String email) {
        return key("USER#" + email, USER_SK);
    }

    static String statusPartition(String roomId, InviteStatus stored) {
        return roomPk(roomId) + "#" + stored.name();
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
        return item;
    }

    static SiteSettings settings(Map<String, AttributeValue> item) {
        return new SiteSettings(bool(item, "inviteToMediaEnabled"), str(item, "emailTemplateName"),
                strings(item, "blockedDomains"),
                (int) num(item, "linkTtlMinutes", SiteSettings.DEFAULT_LINK_TTL_MINUTES), str(item, "linkBaseUrl"));
    }

    // ---- rooms

    static Room room(Map<String, AttributeValue> item) {
        return new Room(str(item, "roomId"), str(item, "title"), str(item, "description"), instant(item, "startsAt"),
                instant(item, "endsAt"), bool(item, "chatAndCollaborationEnabled"), str(item, "owner"),
                strings(item, "coOwners"), strings(item, "coEditors"), strings(item, "coPublishers"),
                bool(item, "deleted"), num(item, "version", 0), instant(item, "updatedAt"));
    }

    // ---- invites

    static Map<String, AttributeValue> inviteItem(Invite inv) {
        Map<String, AttributeValue> item = new HashMap<>(inviteKey(inv.roomId(), inv.inviteId()));
        item.put("type", s("INVITE"));
        item.put("inviteId", s(inv.inviteId()));
        item.put("roomId", s(inv.roomId()));
        item.put("email", s(inv.email()));
        item.put("firstName", s(inv.firstName()));
        item.put("lastName", s(inv.lastName()));
        item.put("role", s(inv.role().name()));
        item.put("roleRank", Attr.n(inv.role().rank()));
        item.put("st", s(inv.storedStatus().name()));
        item.put("createdAt", time(inv.createdAt()));
        item.put("createdBy", s(inv.createdBy()));
        if (inv.createdByName() != null) {
            item.put("createdByName", s(inv.createdByName()));
        }
        item.put("expiresAt", time(inv.expiresAt()));
        item.put("failedEmailAttempts", Attr.n(inv.failedEmailAttempts()));
        putRoomCopy(item, inv.room());
        Invite.EmailDelivery d = inv.emailDelivery();
        if (d != null) {
            if (d.messageId() != null) {
                item.put("emailMessageId", s(d.messageId()));
            }
            item.put("emailHistory", attempts(d.history()));
        }
        item.put("roomDeleted", AttributeValue.fromBool(inv.roomDeleted()));
        item.put(TableSchema.GSI1_PK, s(statusPartition(inv.roomId(), inv.storedStatus())));
        item.put(TableSchema.GSI1_SK, s(inv.inviteId()));
        Instant keepUntil = inv.expiresAt().isAfter(inv.room().endsAt()) ? inv.expiresAt() : inv.room().endsAt();
        item.put(TableSchema.TTL, Attr.n(ttlSeconds(keepUntil.plus(INVITE_RETENTION))));
        return item;
    }

    static void putRoomCopy(Map<String, AttributeValue> item, RoomView room) {
        item.put("roomTitle", s(room.title()));
        item.put("roomDescription", s(room.description()));
        item.put("roomStartsAt", time(room.startsAt()));
        item.put("roomEndsAt", time(room.endsAt()));
    }

    static Invite invite(Map<String, AttributeValue> item) {
        Invite.EmailDelivery delivery = null;
        java.util.List<Invite.Attempt> history = attempts(item.get("emailHistory"));
        if (!history.isEmpty()) {
            delivery = new Invite.EmailDelivery(str(item, "emailMessageId"), history);
        }
        String roomId = str(item, "roomId");
        return new Invite(str(item, "inviteId"), roomId, str(item, "email"), str(item, "firstName"),
                str(item, "lastName"), Role.valueOf(str(item, "role")), InviteStatus.valueOf(str(item, "st")),
                instant(item, "createdAt"), str(item, "createdBy"), str(item, "createdByName"),
                instant(item, "expiresAt"), instant(item, "redeemedAt"), instant(item, "revokedAt"),
                instant(item, "promotedAt"), str(item, "deviceId"), (int) num(item, "failedEmailAttempts", 0),
                new RoomView(roomId, str(item, "roomTitle"), str(item, "roomDescription"),
                        instant(item, "roomStartsAt"), instant(item, "roomEndsAt")),
                bool(item, "roomDeleted"), delivery);
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

    // ---- users

    static DirectoryUser user(Map<String, AttributeValue> item) {
        return new DirectoryUser(str(item, "email"), str(item, "firstName"), str(item, "lastName"));
    }
}
