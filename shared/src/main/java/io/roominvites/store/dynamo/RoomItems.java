package io.roominvites.store.dynamo;

import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.bool;
import static io.roominvites.store.dynamo.Attr.instant;
import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.num;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.str;
import static io.roominvites.store.dynamo.Attr.strings;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * A room's items, read and written here only: the room ({@code ROOM#{roomId}}, {@code #ROOM}), its 32 gates (the
 * room's version, which every invite write that depends on the room checks) and its retire marker (the TTL of the
 * room and all in it).
 */
final class RoomItems {
    static final String ROOM_SK = "#ROOM";
    static final String GATE_SK = "#GATE";
    static final String RETIRE_SK = "#RETIRE";

    private RoomItems() {
    }

    static String roomPk(String roomId) {
        return "ROOM#" + roomId;
    }

    static Map<String, AttributeValue> roomKey(String roomId) {
        return Keys.key(roomPk(roomId), ROOM_SK);
    }

    static Room room(Map<String, AttributeValue> item) {
        return new Room(str(item, "roomId"), str(item, "title"), str(item, "description"), instant(item, "startsAt"),
                instant(item, "endsAt"), bool(item, "chatAndCollaborationEnabled"), str(item, "owner"),
                strings(item, "coOwners"), strings(item, "coEditors"), strings(item, "coPublishers"),
                bool(item, "deleted"), num(item, "version", 0), instant(item, "updatedAt"),
                Attr.numbers(item, "reminderMinutesBefore"), str(item, "timeZone"));
    }

    /**
     * The write of {@code room} at {@code version}: every field the administrator sets, the version and times; refused
     * when the room is a tombstone (a deleted room stays deleted). What it writes is {@code room.stored(version, now)}.
     */
    static TransactWriteItem put(String table, RoomDetails room, long version, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":type", s("ROOM"));
        values.put(":roomId", s(room.roomId()));
        values.put(":title", s(room.title()));
        values.put(":description", s(room.description()));
        values.put(":startsAt", time(room.startsAt()));
        values.put(":endsAt", time(room.endsAt()));
        values.put(":cc", AttributeValue.fromBool(room.chatAndCollaborationEnabled()));
        values.put(":owner", s(room.owner()));
        values.put(":coOwners", Attr.list(room.coOwners()));
        values.put(":coEditors", Attr.list(room.coEditors()));
        values.put(":coPublishers", Attr.list(room.coPublishers()));
        values.put(":now", time(now));
        values.put(":v", n(version));
        values.put(":false", Attr.FALSE);
        values.put(":tz", s(room.timeZone()));
        String reminders;
        if (room.reminderMinutesBefore() != null) {
            values.put(":reminders", Attr.numbers(room.reminderMinutesBefore()));
            reminders = ", reminderMinutesBefore = :reminders";
        } else {
            reminders = " REMOVE reminderMinutesBefore";
        }
        String update = "SET #type = :type, roomId = :roomId, title = :title, description = :description, "
                + "startsAt = :startsAt, endsAt = :endsAt, chatAndCollaborationEnabled = :cc, #owner = :owner, "
                + "coOwners = :coOwners, coEditors = :coEditors, coPublishers = :coPublishers, "
                + "updatedAt = :now, createdAt = if_not_exists(createdAt, :now), deleted = :false, version = :v, #tz = :tz" + reminders;
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(roomKey(room.roomId()))
                .updateExpression(update)
                .conditionExpression("attribute_not_exists(pk) OR deleted = :false")
                .expressionAttributeNames(Map.of("#type", "type", "#owner", "owner", "#tz", "timeZone"))
                .expressionAttributeValues(values)).build();
    }

    /** The write that makes the room a tombstone at {@code version}; refused when there is no room. */
    static TransactWriteItem delete(String table, String roomId, long version, Instant now) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(roomKey(roomId))
                .updateExpression("SET deleted = :true, deletedAt = if_not_exists(deletedAt, :now), version = :v")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":true", Attr.TRUE, ":now", time(now), ":v", n(version)))).build();
    }

    // ---- gates

    /** The room gate an invite's writes check (one of {@link TableSchema#ROOM_GATES}, by the invite id). */
    static Map<String, AttributeValue> gateKey(String roomId, int gate) {
        return Keys.key(roomPk(roomId) + "#GATE#" + gate, GATE_SK);
    }

    static int gateOf(String inviteId) {
        return Keys.spread(inviteId) % TableSchema.ROOM_GATES;
    }

    static Map<String, AttributeValue> gateItem(String roomId, int gate, long version) {
        Map<String, AttributeValue> item = new HashMap<>(gateKey(roomId, gate));
        item.put("type", s("ROOM_GATE"));
        item.put("version", n(version));
        return item;
    }

    /**
     * A ConditionCheck that the room is still at {@code version}, on the gate of {@code inviteId}. A room last written
     * before gates existed has none; its version then can't have changed since (every room write now writes the gates
     * too), so a missing gate passes.
     */
    static TransactWriteItem gateCheck(String table, String roomId, String inviteId, long version) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(gateKey(roomId, gateOf(inviteId)))
                .conditionExpression("attribute_not_exists(version) OR version = :v")
                .expressionAttributeValues(Map.of(":v", n(version)))).build();
    }

    // ---- the retire marker

    /**
     * The room's retire marker: written with the room (same transaction, same version), carrying the TTL of the room
     * and of everything that belongs to it (docs/lifetimes.md). Its removal by DynamoDB's TTL starts the room's
     * retirement ({@link DynamoRoomRetirement}); it is the only item of a room or its invites that has a TTL.
     */
    static Map<String, AttributeValue> retireKey(String roomId) {
        return Keys.key(roomPk(roomId), RETIRE_SK);
    }

    static Map<String, AttributeValue> retireItem(String roomId, long version, Instant retireAt) {
        Map<String, AttributeValue> item = new HashMap<>(retireKey(roomId));
        item.put("type", s("ROOM_RETIRE"));
        item.put("roomId", s(roomId));
        item.put("version", n(version));
        item.put("retireAt", time(retireAt));
        item.put(TableSchema.TTL, n(Keys.ttlSeconds(retireAt)));
        return item;
    }
}
