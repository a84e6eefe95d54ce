package io.roominvites.store.dynamo;

import io.roominvites.domain.JoinRequest;
import io.roominvites.store.JoinRequestStore;
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

/** {@link JoinRequestStore} on the table ({@link JoinRequestItems}). */
final class DynamoJoinRequests implements JoinRequestStore {
    private final Table table;

    DynamoJoinRequests(Table table) {
        this.table = table;
    }

    @Override
    public String addJoinRequest(JoinRequest request, Instant keepUntil) {
        Map<String, AttributeValue> marker = new HashMap<>(JoinRequestItems.pendingKey(request.roomId(), request.email()));
        marker.put("type", Attr.s("JOIN_PENDING"));
        marker.put("joinRequestId", Attr.s(request.joinRequestId()));
        marker.put(TableSchema.TTL, Attr.n(Keys.ttlSeconds(keepUntil)));
        for (int attempt = 0; attempt < 5; attempt++) {
            List<CancellationReason> refused = table.transact(List.of(
                    TransactWriteItem.builder().put(p -> p.tableName(table.name).item(marker)
                            .conditionExpression("attribute_not_exists(pk)")).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table.name)
                            .item(JoinRequestItems.item(request, keepUntil))
                            .conditionExpression("attribute_not_exists(pk)")).build()), 5);
            if (refused == null) {
                return request.joinRequestId();
            }
            // a request of this email is pending in the room: that one is the answer (unless answered meanwhile)
            Map<String, AttributeValue> held = table.get(JoinRequestItems.pendingKey(request.roomId(), request.email()));
            if (held != null) {
                return Attr.str(held, "joinRequestId");
            }
        }
        throw new io.roominvites.domain.InviteException(io.roominvites.domain.ErrorCode.SERVICE_UNAVAILABLE);
    }

    @Override
    public Optional<JoinRequest> findJoinRequest(String roomId, String joinRequestId) {
        Map<String, AttributeValue> item = table.get(JoinRequestItems.key(roomId, joinRequestId));
        return item == null ? Optional.empty() : Optional.of(JoinRequestItems.request(item));
    }

    @Override
    public JoinPage joinRequests(String roomId, JoinRequest.Status status, int limit, String afterId) {
        List<JoinRequest> out = new ArrayList<>();
        Map<String, AttributeValue> start = afterId == null ? null : JoinRequestItems.key(roomId, afterId);
        String last = null;
        while (out.size() < limit) {
            Map<String, AttributeValue> from = start;
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":pk", Attr.s(JoinRequestItems.roomPk(roomId)));
            values.put(":req", Attr.s(JoinRequestItems.REQ_PREFIX));
            if (status != null) {
                values.put(":status", Attr.s(status.name()));
            }
            int want = limit - out.size();
            QueryResponse r = Calls.call(() -> table.db.query(q -> {
                q.tableName(table.name).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :req)")
                        .expressionAttributeValues(values).scanIndexForward(false).limit(want).exclusiveStartKey(from);
                if (status != null) {
                    q.filterExpression("#status = :status").expressionAttributeNames(Map.of("#status", "status"));
                }
            }));
            for (Map<String, AttributeValue> item : r.items()) {
                JoinRequest jr = JoinRequestItems.request(item);
                out.add(jr);
                last = jr.joinRequestId();
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
            if (start == null) {
                return new JoinPage(out, null);
            }
            last = Attr.str(start, TableSchema.SK).substring(JoinRequestItems.REQ_PREFIX.length());
        }
        return new JoinPage(out, last);
    }

    @Override
    public boolean answerJoinRequest(JoinRequest current, JoinRequest answered) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pending", Attr.s(JoinRequest.Status.PENDING.name()));
        values.put(":to", Attr.s(answered.status().name()));
        values.put(":at", Attr.time(answered.answeredAt()));
        StringBuilder set = new StringBuilder("SET #status = :to, answeredAt = :at");
        if (answered.answeredBy() != null) {
            values.put(":by", Attr.s(answered.answeredBy()));
            set.append(", answeredBy = :by");
        }
        if (answered.admittedInviteId() != null) {
            values.put(":inv", Attr.s(answered.admittedInviteId()));
            set.append(", admittedInviteId = :inv");
        }
        TransactWriteItem answer = TransactWriteItem.builder().update(u -> u.tableName(table.name)
                .key(JoinRequestItems.key(current.roomId(), current.joinRequestId()))
                .updateExpression(set.toString())
                .conditionExpression("#status = :pending")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values)).build();
        TransactWriteItem free = TransactWriteItem.builder().delete(d -> d.tableName(table.name)
                .key(JoinRequestItems.pendingKey(current.roomId(), current.email()))
                .conditionExpression("attribute_not_exists(pk) OR joinRequestId = :id")
                .expressionAttributeValues(Map.of(":id", Attr.s(current.joinRequestId())))).build();
        return table.transact(List.of(answer, free), 5) == null;
    }
}
