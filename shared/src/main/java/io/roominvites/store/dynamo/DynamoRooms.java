package io.roominvites.store.dynamo;

import io.roominvites.domain.Lifetimes;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import io.roominvites.store.RoomStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link RoomStore} on the table: a room change writes the room, its 32 gates and its retire marker in one
 * transaction: O(1) whatever the number of invites, atomic, and in force for every invite's next write (which checks
 * its gate). Overlapping changes are serialised by DynamoDB: the gates and the marker always agree with the room.
 */
final class DynamoRooms implements RoomStore {
    private final Table table;

    DynamoRooms(Table table) {
        this.table = table;
    }

    @Override
    public Optional<Room> findRoom(String roomId) {
        return Optional.ofNullable(table.get(RoomItems.roomKey(roomId))).map(RoomItems::room);
    }

    @Override
    public Optional<Room> putRoom(RoomDetails room, long version, Instant now) {
        TransactWriteItem main = RoomItems.put(table.name, room, version, now);
        if (!writeRoom(room.roomId(), main, version, Lifetimes.roomRetiresAt(room.endsAt(), now))) {
            return Optional.empty();
        }
        return Optional.of(room.stored(version, now));
    }

    @Override
    public boolean deleteRoom(String roomId, long version, Instant now) {
        return writeRoom(roomId, RoomItems.delete(table.name, roomId, version, now), version,
                Lifetimes.deletedRoomRetiresAt(now));
    }

    /** The room's item, all its gates and its retire marker at {@code version}; false when the room's condition failed. */
    private boolean writeRoom(String roomId, TransactWriteItem main, long version, Instant retireAt) {
        List<TransactWriteItem> items = new ArrayList<>(2 + TableSchema.ROOM_GATES);
        items.add(main);
        Map<String, AttributeValue> marker = RoomItems.retireItem(roomId, version, retireAt);
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table.name).item(marker)).build());
        for (int g = 0; g < TableSchema.ROOM_GATES; g++) {
            Map<String, AttributeValue> gate = RoomItems.gateItem(roomId, g, version);
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table.name).item(gate)).build());
        }
        List<CancellationReason> refused = table.transact(items, 5);
        return refused == null; // only the room's own write has a condition
    }
}
