package io.roominvites.store.dynamo;

import io.roominvites.domain.Erasure;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.JoinRequest;
import io.roominvites.store.ErasureStore;
import io.roominvites.store.InviteRecords.Replaced;
import io.roominvites.store.InviteRecords.RoomCheck;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;

/**
 * {@link ErasureStore} on the table: the holders of an address through the {@link TableSchema#EMAIL_KEY_INDEX} index
 * (one Query a page, no scan), each invite erased and counted in one transaction, a request to join deleted with its
 * pending marker in one transaction, a guest's use stripped of what the guest typed, an erasure started and finished
 * with its lock in one transaction.
 */
final class DynamoErasures implements ErasureStore {
    private final Table table;

    DynamoErasures(Table table) {
        this.table = table;
    }

    @Override
    public Erasure startErasure(Erasure fresh) {
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(ErasureItems.item(fresh))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(ErasureItems.lockItem(fresh))
                        .conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        List<CancellationReason> reasons = table.transact(items, 3);
        if (reasons == null) {
            return fresh;
        }
        CancellationReason lock = reasons.size() > 1 ? reasons.get(1) : null;
        String running = Table.failed(lock) && lock.item() != null ? Attr.str(lock.item(), "erasureId") : null;
        if (running == null) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE); // an id taken by another erasure: 80 random bits
        }
        // this very start, landed on an earlier try of the SDK, or another erasure of the same address: that one
        return findErasure(running).orElseThrow(() -> new InviteException(ErrorCode.SERVICE_UNAVAILABLE));
    }

    @Override
    public Optional<Erasure> findErasure(String erasureId) {
        return Optional.ofNullable(table.get(ErasureItems.key(erasureId))).map(ErasureItems::erasure);
    }

    @Override
    public HolderPage holders(String emailKey, int limit, String after) {
        Map<String, AttributeValue> start = null;
        if (after != null) {
            int cut = after.indexOf('\n');
            start = Map.of(TableSchema.EMAIL_KEY, s(emailKey), TableSchema.PK, s(after.substring(0, cut)),
                    TableSchema.SK, s(after.substring(cut + 1)));
        }
        Map<String, AttributeValue> exclusiveStart = start;
        QueryResponse r = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name)
                .indexName(TableSchema.EMAIL_KEY_INDEX)
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", TableSchema.EMAIL_KEY))
                .expressionAttributeValues(Map.of(":k", s(emailKey)))
                .limit(limit).exclusiveStartKey(exclusiveStart).build()));
        List<Holder> out = new ArrayList<>(r.count());
        for (Map<String, AttributeValue> k : r.items()) {
            String pk = Attr.str(k, TableSchema.PK);
            if (pk.startsWith("INVITE#")) {
                String[] parts = pk.split("#");
                out.add(new InviteHolder(parts[1], parts[2]));
            } else if (pk.startsWith("IDEM#")) {
                out.add(new KeyRecordHolder(pk));
            } else if (pk.startsWith(JoinRequestItems.roomPk(""))) {
                out.add(new JoinRequestHolder(pk.substring(JoinRequestItems.roomPk("").length()),
                        Attr.str(k, TableSchema.SK).substring(JoinRequestItems.REQ_PREFIX.length())));
            } else if (pk.startsWith(GuestLinkItems.DEVICE_PK_PREFIX)) {
                out.add(new GuestUseHolder(pk));
            }
        }
        Map<String, AttributeValue> last = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        String next = last == null ? null : Attr.str(last, TableSchema.PK) + "\n" + Attr.str(last, TableSchema.SK);
        return new HolderPage(out, next);
    }

    /** The invites of {@code email} in {@code roomId}: one Query of the index, its sort key (the item's pk) by prefix. */
    java.util.List<String> inviteIdsOf(String roomId, String email) {
        String prefix = Attr.str(InviteItems.inviteKey(roomId, ""), TableSchema.PK);
        QueryResponse r = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name)
                .indexName(TableSchema.EMAIL_KEY_INDEX)
                .keyConditionExpression("#k = :k AND begins_with(#pk, :room)")
                .expressionAttributeNames(Map.of("#k", TableSchema.EMAIL_KEY, "#pk", TableSchema.PK))
                .expressionAttributeValues(Map.of(":k", s(io.roominvites.domain.Emails.erasureKey(email)), ":room", s(prefix)))
                .limit(100).build()));
        List<String> out = new ArrayList<>(r.count());
        for (Map<String, AttributeValue> k : r.items()) {
            out.add(Attr.str(k, TableSchema.PK).substring(prefix.length()));
        }
        return out;
    }

    @Override
    public Replaced eraseInvite(Invite current, Invite erased, String erasureId) {
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().put(p -> p.tableName(table.name).item(InviteItems.inviteItem(erased))
                        .conditionExpression("rev = :rev")
                        .expressionAttributeValues(Map.of(":rev", n(current.rev())))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table.name).key(ErasureItems.key(erasureId))
                        .updateExpression("ADD erased :one, rooms :room")
                        .conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(Map.of(":one", n(1), ":room", AttributeValue.fromSs(List.of(current.roomId())))))
                        .build());
        List<CancellationReason> reasons = table.transact(items, 5);
        if (reasons == null) {
            return new Replaced.Applied(erased);
        }
        CancellationReason invite = reasons.getFirst();
        if (!Table.failed(invite)) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE); // the erasure's record is gone: nothing to count on
        }
        if (invite.item() == null || invite.item().isEmpty()) {
            return new Replaced.Gone();
        }
        return new Replaced.Changed(InviteItems.invite(invite.item()), RoomCheck.UNKNOWN);
    }

    @Override
    public int scrubHistory(String roomId, String inviteId) {
        return scrub(roomId, inviteId, item -> true);
    }

    @Override
    public int scrubJoinRequestHistory(String roomId, String inviteId, String joinRequestId) {
        return scrub(roomId, inviteId,
                item -> joinRequestId.equals(HistoryItems.historyEntry(item).details().get("joinRequestId")));
    }

    /** Rewrites the invite's history entries that {@code which} picks without personal data; answers how many changed. */
    private int scrub(String roomId, String inviteId, java.util.function.Predicate<Map<String, AttributeValue>> which) {
        List<WriteRequest> rewrites = new ArrayList<>();
        for (Map<String, AttributeValue> item : DynamoHistory.items(table, roomId, inviteId, Integer.MAX_VALUE)) {
            Map<String, AttributeValue> kept = which.test(item) ? HistoryItems.withoutPersonalData(item) : null;
            if (kept != null) {
                rewrites.add(WriteRequest.builder().putRequest(p -> p.item(kept)).build());
            }
        }
        table.batchWrite(rewrites);
        return rewrites.size();
    }

    @Override
    public void deleteKeyRecord(KeyRecordHolder record) {
        Calls.write(() -> table.db.deleteItem(b -> b.tableName(table.name)
                .key(Keys.key(record.ref(), IdempotencyItems.IDEM_SK))));
    }

    @Override
    public boolean deleteJoinRequest(JoinRequestHolder holder) {
        Map<String, AttributeValue> key = JoinRequestItems.key(holder.roomId(), holder.joinRequestId());
        for (int attempt = 0; attempt < 5; attempt++) {
            Map<String, AttributeValue> item = table.get(key);
            if (item == null) {
                return false;
            }
            JoinRequest request = JoinRequestItems.request(item);
            List<TransactWriteItem> items = new ArrayList<>(2);
            // as read: an answer landing meanwhile (it frees the marker) makes this try again on what it wrote
            items.add(TransactWriteItem.builder().delete(d -> d.tableName(table.name).key(key)
                    .conditionExpression("#status = :status")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":status", s(request.status().name())))).build());
            if (request.status() == JoinRequest.Status.PENDING) {
                items.add(TransactWriteItem.builder().delete(d -> d.tableName(table.name)
                        .key(JoinRequestItems.pendingKey(request.roomId(), request.email()))
                        .conditionExpression("attribute_not_exists(pk) OR joinRequestId = :id")
                        .expressionAttributeValues(Map.of(":id", s(request.joinRequestId())))).build());
            }
            if (table.transact(items, 5) == null) {
                return true;
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE); // answered and re-read five times over: the job retries
    }

    @Override
    public boolean scrubGuestUse(GuestUseHolder use) {
        try {
            Calls.write(() -> table.db.updateItem(u -> u.tableName(table.name)
                    .key(Keys.key(use.ref(), GuestLinkItems.DEVICE_SK))
                    .updateExpression("REMOVE firstName, lastName, emailMasked, #ek")
                    .conditionExpression("attribute_exists(#ek)")
                    .expressionAttributeNames(Map.of("#ek", TableSchema.EMAIL_KEY))));
            return true;
        } catch (ConditionalCheckFailedException scrubbedOrGone) {
            return false;
        }
    }

    @Override
    public void finishErasure(Erasure erasure, Instant finishedAt) {
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().update(u -> u.tableName(table.name).key(ErasureItems.key(erasure.erasureId()))
                        .updateExpression("SET st = :done, finishedAt = :at, #ttl = :ttl REMOVE ekOf")
                        .conditionExpression("st = :running")
                        .expressionAttributeNames(Map.of("#ttl", TableSchema.TTL))
                        .expressionAttributeValues(Map.of(":done", s(Erasure.Status.DONE.name()),
                                ":running", s(Erasure.Status.RUNNING.name()), ":at", Attr.time(finishedAt),
                                ":ttl", ErasureItems.ttlAfterDone(finishedAt)))).build(),
                TransactWriteItem.builder().delete(d -> d.tableName(table.name).key(ErasureItems.lockKey(erasure.emailKey()))
                        .conditionExpression("erasureId = :id")
                        .expressionAttributeValues(Map.of(":id", s(erasure.erasureId())))).build());
        // refused: finished already (by another run of the same job, or an earlier try of this one): nothing to do
        table.transact(items, 3);
    }
}
