package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Room;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import io.roominvites.store.InviteRecords.BulkWrite;
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.InviteRecords.InviteKey;
import io.roominvites.store.InviteRecords.Replaced;
import io.roominvites.store.InviteRecords.RoomCheck;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;

/**
 * Invites on the table: each state change is a single conditional write with
 * {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}, so a refused write tells its reason without a second call; a
 * write that depends on the room checks the room's version on one of its gates in the same transaction.
 */
final class DynamoInvites {
    /** How many invites one {@link #putInvites} transaction writes (with the room's ConditionCheck: 100 items). */
    static final int BULK_CHUNK = io.roominvites.store.InviteRecords.BULK_CHUNK;

    private final Table table;

    DynamoInvites(Table table) {
        this.table = table;
    }

    CreateResult createInvite(Invite invite, Room room, IdempotencyRecord idempotency,
                              io.roominvites.store.SendQuotaStore.Booking booking) {
        List<TransactWriteItem> items = new ArrayList<>(5);
        // the room unchanged since it was read: checked on the invite's gate, so that a burst of creates in one room
        // spreads over the room's gates instead of all writing to the room's own partition
        items.add(RoomItems.gateCheck(table.name, invite.roomId(), invite.inviteId(), room.version()));
        Invite stored = invite;
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table.name).item(InviteItems.inviteItem(stored))
                .conditionExpression("attribute_not_exists(pk)")).build());
        if (idempotency != null) {
            // a record past its 24 h window is a stale leftover that TTL has not removed yet: it may be replaced
            // the record names the invite, so it is found (and deleted) with the invitee's other items by an erasure
            Map<String, AttributeValue> record = new HashMap<>(IdempotencyItems.createItem(idempotency));
            if (invite.email() != null) {
                record.put(TableSchema.EMAIL_KEY, s(io.roominvites.domain.Emails.erasureKey(invite.email())));
            }
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table.name)
                    .item(record)
                    .conditionExpression("attribute_not_exists(pk) OR createdAt <= :staleBefore")
                    .expressionAttributeValues(Map.of(":staleBefore", IdempotencyItems.staleBefore(idempotency.createdAt())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        }
        int ledgersFrom = items.size();
        if (booking != null) {
            // the send ledgers booked in the same transaction: the invite is written iff its send is counted
            items.addAll(DynamoSendQuota.puts(table, booking.read(), booking.next(), invite.createdAt()));
        }
        List<CancellationReason> reasons = table.transact(items, 3);
        if (reasons == null) {
            return new CreateResult.Created(stored);
        }
        if (idempotency != null && reasons.size() > 2 && Table.failed(reasons.get(2))) {
            return new CreateResult.KeyUsed(IdempotencyItems.found(idempotency, reasons.get(2).item()));
        }
        if (reasons.size() > 1 && Table.failed(reasons.get(1))) {
            // the invite's id (80 random bits) is taken: by this very write, landed on an earlier attempt whose answer
            // was lost (the SDK sent it again)
            return new CreateResult.Created(stored);
        }
        for (int i = ledgersFrom; i < reasons.size(); i++) {
            if (Table.failed(reasons.get(i))) {
                return new CreateResult.LedgersChanged();
            }
        }
        return new CreateResult.RoomChanged(); // the gate's check failed: the room changed since it was read
    }

    Optional<Invite> findInvite(String roomId, String inviteId) {
        return Optional.ofNullable(table.get(InviteItems.inviteKey(roomId, inviteId))).map(InviteItems::invite);
    }

    Replaced replaceInvite(Invite current, Invite next, Room room, boolean roomGate) {
        Map<String, AttributeValue> item = new HashMap<>(InviteItems.inviteItem(next));
        // this write's own mark: an SDK retry resends the same item, so a refusal that finds this mark stored is this
        // very write, landed on an earlier attempt; another writer's equal-looking write has another mark
        String mark = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        item.put(InviteItems.WRITE_MARK, s(mark));
        Map<String, AttributeValue> expected = Map.of(":rev", n(current.rev()));
        if (!roomGate) {
            try {
                Calls.write(() -> table.db.putItem(b -> b.tableName(table.name).item(item).conditionExpression("rev = :rev")
                        .expressionAttributeValues(expected)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
                return new Replaced.Applied(next);
            } catch (ConditionalCheckFailedException e) {
                if (!e.hasItem() || e.item().isEmpty()) {
                    return new Replaced.Gone();
                }
                return appliedOrChanged(e.item(), mark, next, RoomCheck.UNKNOWN);
            }
        }
        List<TransactWriteItem> items = List.of(
                RoomItems.gateCheck(table.name, current.roomId(), current.inviteId(), room.version()),
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(item).conditionExpression("rev = :rev")
                        .expressionAttributeValues(expected)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        try {
            Calls.write(() -> table.db.transactWriteItems(b -> b.transactItems(items)));
            return new Replaced.Applied(next);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            RoomCheck gate = roomCheck(reasons.isEmpty() ? null : reasons.get(0));
            CancellationReason invite = reasons.size() > 1 ? reasons.get(1) : null;
            if (invite != null && "ConditionalCheckFailed".equals(invite.code())) {
                if (invite.item() == null || invite.item().isEmpty()) {
                    return new Replaced.Gone();
                }
                return appliedOrChanged(invite.item(), mark, next, gate);
            }
            if (gate != RoomCheck.CHANGED) {
                if (!Calls.retryable(reasons)) {
                    // a request the table refused as invalid: nothing was written, and trying again can't help
                    throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
                }
                // another transaction held the gate or the invite, or an item was throttled: nothing was written;
                // the caller reads both again and decides again
                Calls.backoff(1);
            }
            return new Replaced.Changed(null, gate);
        }
    }

    /**
     * What a gate's cancellation reason says of the room: {@code None} (or no reason) is a check that passed,
     * {@code ConditionalCheckFailed} a room that changed; anything else (TransactionConflict, ThrottlingError,
     * ProvisionedThroughputExceeded, ValidationError) is no verdict at all.
     */
    static RoomCheck roomCheck(CancellationReason gate) {
        String code = gate == null ? null : gate.code();
        if (code == null || "None".equals(code)) {
            return RoomCheck.UNCHANGED;
        }
        return "ConditionalCheckFailed".equals(code) ? RoomCheck.CHANGED : RoomCheck.UNKNOWN;
    }

    /**
     * The refused write's outcome: when the stored invite carries this write's own mark, this very write landed on an
     * earlier attempt (the SDK retried it after a time-out or a lost answer) and the retry met its own result: applied,
     * not a conflict, so that a retried write is never counted or decided twice. Two writers that decided the same
     * change have different marks: the later one is refused and decides again.
     */
    private static Replaced appliedOrChanged(Map<String, AttributeValue> stored, String mark, Invite next,
                                             RoomCheck room) {
        return mark.equals(Attr.str(stored, InviteItems.WRITE_MARK)) ? new Replaced.Applied(next)
                : new Replaced.Changed(InviteItems.invite(stored), room);
    }

    Optional<InviteKey> findByEmailMessage(String messageId) {
        QueryResponse r = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name)
                .indexName(TableSchema.EMAIL_MESSAGE_INDEX)
                .keyConditionExpression("#m = :m")
                .expressionAttributeNames(Map.of("#m", TableSchema.EMAIL_MESSAGE_PK))
                .expressionAttributeValues(Map.of(":m", s(messageId))).limit(1).build()));
        for (Map<String, AttributeValue> k : r.items()) {
            String pk = Attr.str(k, TableSchema.PK);
            String[] parts = pk == null ? new String[0] : pk.split("#");
            if (parts.length == 3 && "INVITE".equals(parts[0])) {
                return Optional.of(new InviteKey(parts[1], parts[2]));
            }
        }
        return Optional.empty();
    }

    BulkWrite putInvites(Room room, List<Invite> invites) {
        int written = 0;
        while (written < invites.size()) {
            List<Invite> chunk = invites.subList(written, Math.min(invites.size(), written + BULK_CHUNK));
            if (!putChunk(room, chunk)) {
                return new BulkWrite(written, true);
            }
            written += chunk.size();
        }
        return new BulkWrite(written, false);
    }

    /** One chunk in one transaction; false when the room changed. Invites stored already are left out and it is retried. */
    private boolean putChunk(Room room, List<Invite> chunk) {
        List<Invite> pending = new ArrayList<>(chunk);
        for (int attempt = 1; ; attempt++) {
            if (pending.isEmpty()) {
                return true;
            }
            List<TransactWriteItem> items = new ArrayList<>(pending.size() + 1);
            items.add(TransactWriteItem.builder().conditionCheck(c -> c.tableName(table.name).key(RoomItems.roomKey(room.roomId()))
                    .conditionExpression("version = :v AND deleted = :false")
                    .expressionAttributeValues(Map.of(":v", n(room.version()), ":false", Attr.FALSE))).build());
            for (Invite invite : pending) {
                items.add(TransactWriteItem.builder().put(p -> p.tableName(table.name).item(InviteItems.inviteItem(invite))
                        .conditionExpression("attribute_not_exists(pk)")).build());
            }
            try {
                Calls.write(() -> table.db.transactWriteItems(b -> b.transactItems(items)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
                return true;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if ("ConditionalCheckFailed".equals(reasons.getFirst().code())) {
                    return false;
                }
                List<Invite> left = new ArrayList<>(pending.size());
                for (int i = 0; i < pending.size(); i++) {
                    if (!"ConditionalCheckFailed".equals(reasons.get(i + 1).code())) {
                        left.add(pending.get(i)); // an invite already stored was written by an earlier run of this batch
                    }
                }
                boolean progressed = left.size() < pending.size();
                pending = left;
                if (progressed) {
                    continue;
                }
                if (attempt < 5 && Calls.retryable(reasons)) {
                    Calls.backoff(attempt);
                    continue;
                }
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
        }
    }

    List<Invite> findInvites(String roomId, List<String> inviteIds) {
        List<Invite> out = new ArrayList<>(inviteIds.size());
        for (int from = 0; from < inviteIds.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : new LinkedHashSet<>(inviteIds.subList(from, Math.min(inviteIds.size(), from + 100)))) {
                keys.add(InviteItems.inviteKey(roomId, id));
            }
            for (Map<String, AttributeValue> item : table.batchGet(keys)) {
                out.add(InviteItems.invite(item));
            }
        }
        return out;
    }
}
