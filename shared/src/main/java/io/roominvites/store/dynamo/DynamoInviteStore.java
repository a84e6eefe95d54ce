package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static io.roominvites.store.dynamo.Attr.n;
import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * {@link InviteStore} on one DynamoDB table (see {@link TableSchema}). Each state change is a single
 * conditional write with {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}, so a refused write tells
 * its reason without a second call.
 */
public final class DynamoInviteStore implements InviteStore {
    private static final int FAN_OUT_PARALLELISM = 8;

    private final DynamoDbClient db;
    private final String table;

    public DynamoInviteStore(DynamoDbClient db, String table) {
        this.db = db;
        this.table = table;
    }

    public String tableName() {
        return table;
    }

    // ---------------------------------------------------------------- settings

    @Override
    public Optional<SiteSettings> loadSettings() {
        Map<String, AttributeValue> item = call(() -> db.getItem(b -> b.tableName(table).key(Items.settingsKey())
                .consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.settings(item));
    }

    @Override
    public void saveSettings(SiteSettings settings) {
        call(() -> db.putItem(b -> b.tableName(table).item(Items.settingsItem(settings))));
    }

    // ---------------------------------------------------------------- rooms

    @Override
    public Optional<Room> findRoom(String roomId) {
        Map<String, AttributeValue> item = call(() -> db.getItem(b -> b.tableName(table).key(Items.roomKey(roomId))
                .consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.room(item));
    }

    @Override
    public Optional<Room> putRoom(Room room, Instant now) {
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
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":false", Attr.FALSE);
        Map<String, AttributeValue> stored;
        try {
            stored = call(() -> db.updateItem(b -> b.tableName(table).key(Items.roomKey(room.roomId()))
                    .updateExpression("SET #type = :type, roomId = :roomId, title = :title, description = :description, "
                            + "startsAt = :startsAt, endsAt = :endsAt, chatAndCollaborationEnabled = :cc, #owner = :owner, "
                            + "coOwners = :coOwners, coEditors = :coEditors, coPublishers = :coPublishers, "
                            + "updatedAt = :now, createdAt = if_not_exists(createdAt, :now), deleted = :false, "
                            + "version = if_not_exists(version, :zero) + :one")
                    .conditionExpression("attribute_not_exists(pk) OR deleted = :false")
                    .expressionAttributeNames(Map.of("#type", "type", "#owner", "owner"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException deleted) {
            return Optional.empty();
        }
        Room saved = Items.room(stored);
        Map<String, AttributeValue> copy = new HashMap<>();
        Items.putRoomCopy(copy, saved.view());
        Map<String, AttributeValue> fanValues = new HashMap<>();
        copy.forEach((k, v) -> fanValues.put(":" + k, v));
        fanValues.put(":ttl", n(Items.ttlSeconds(saved.endsAt().plus(Items.INVITE_RETENTION.multipliedBy(2)))));
        fanOut(room.roomId(), "SET roomTitle = :roomTitle, roomDescription = :roomDescription, "
                + "roomStartsAt = :roomStartsAt, roomEndsAt = :roomEndsAt, #ttl = :ttl", Map.of("#ttl", TableSchema.TTL), fanValues);
        return Optional.of(saved);
    }

    @Override
    public boolean deleteRoom(String roomId, Instant now) {
        try {
            call(() -> db.updateItem(b -> b.tableName(table).key(Items.roomKey(roomId))
                    .updateExpression("SET deleted = :true, deletedAt = if_not_exists(deletedAt, :now) ADD version :one")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":true", Attr.TRUE, ":now", time(now), ":one", n(1)))));
        } catch (ConditionalCheckFailedException missing) {
            return false;
        }
        fanOut(roomId, "SET roomDeleted = :true", null, Map.of(":true", Attr.TRUE));
        return true;
    }

    /**
     * Applies one update to every invite of a room, found by a strongly consistent query of the room's
     * partition (so an invite committed before the room changed is never missed).
     */
    private void fanOut(String roomId, String update, Map<String, String> names, Map<String, AttributeValue> values) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = call(() -> db.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(Items.roomPk(roomId)), ":prefix", s(Items.INVITE_PREFIX)))
                    .projectionExpression("pk, sk").exclusiveStartKey(exclusiveStart).build()));
            keys.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        if (keys.isEmpty()) {
            return;
        }
        List<Runnable> updates = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> key : keys) {
            updates.add(() -> {
                try {
                    db.updateItem(UpdateItemRequest.builder().tableName(table).key(key).updateExpression(update)
                            .conditionExpression("attribute_exists(pk)").expressionAttributeNames(names)
                            .expressionAttributeValues(values).build());
                } catch (ConditionalCheckFailedException gone) {
                    // removed by TTL meanwhile: nothing to keep in step
                }
            });
        }
        if (updates.size() == 1) {
            call(() -> {
                updates.getFirst().run();
                return null;
            });
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(FAN_OUT_PARALLELISM, updates.size()),
                Thread.ofVirtual().factory())) {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable r : updates) {
                futures.add(pool.submit(r));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw translate(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
                }
            }
        }
    }

    // ---------------------------------------------------------------- users

    @Override
    public void putUser(DirectoryUser user) {
        Map<String, AttributeValue> item = new HashMap<>(Items.userKey(user.email()));
        item.put("type", s("USER"));
        item.put("email", s(user.email()));
        item.put("firstName", s(user.firstName()));
        item.put("lastName", s(user.lastName()));
        Map<String, AttributeValue> old = call(() -> db.putItem(b -> b.tableName(table).item(item)
                .returnValues(ReturnValue.ALL_OLD)).attributes());
        Set<String> newTerms = searchTerms(user);
        List<TransactWriteItem> writes = new ArrayList<>();
        if (old != null && !old.isEmpty()) {
            for (String term : searchTerms(Items.user(old))) {
                if (!newTerms.contains(term)) {
                    writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                            .key(searchKey(term, user.email())).build()).build());
                }
            }
        }
        for (String term : newTerms) {
            Map<String, AttributeValue> entry = new HashMap<>(searchKey(term, user.email()));
            entry.put("type", s("USER_SEARCH"));
            entry.put("email", s(user.email()));
            entry.put("firstName", s(user.firstName()));
            entry.put("lastName", s(user.lastName()));
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry).build()).build());
        }
        call(() -> db.transactWriteItems(b -> b.transactItems(writes)));
    }

    private static Set<String> searchTerms(DirectoryUser user) {
        Set<String> terms = new LinkedHashSet<>();
        terms.add(user.email());
        for (String name : new String[]{user.firstName(), user.lastName()}) {
            if (name != null && !name.isBlank()) {
                terms.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (user.firstName() != null && !user.firstName().isBlank() && user.lastName() != null && !user.lastName().isBlank()) {
            // the whole name as a person types it ("Zoe Q"), so a query that goes on past the first name still matches
            terms.add((user.firstName().trim() + " " + user.lastName().trim()).toLowerCase(Locale.ROOT));
        }
        return terms;
    }

    private static Map<String, AttributeValue> searchKey(String term, String email) {
        return Items.key("DIR#" + term.substring(0, term.offsetByCodePoints(0, 1)), term + "#" + email);
    }

    @Override
    public List<DirectoryUser> suggestUsers(String prefix, int limit) {
        String p = prefix.trim().toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
            return List.of();
        }
        String partition = "DIR#" + p.substring(0, p.offsetByCodePoints(0, 1));
        Map<String, DirectoryUser> byEmail = new LinkedHashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = call(() -> db.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":p", s(p)))
                    .limit(limit * 3).exclusiveStartKey(exclusiveStart).build()));
            for (Map<String, AttributeValue> item : page.items()) {
                DirectoryUser u = Items.user(item);
                byEmail.putIfAbsent(u.email(), u);
                if (byEmail.size() == limit) {
                    return List.copyOf(byEmail.values());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return List.copyOf(byEmail.values());
    }

    // ---------------------------------------------------------------- invites

    @Override
    public CreateResult createInvite(Invite invite, long roomVersion, IdempotencyRecord idempotency) {
        List<TransactWriteItem> items = new ArrayList<>(3);
        items.add(TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(Items.roomKey(invite.roomId()))
                .conditionExpression("version = :v AND deleted = :false")
                .expressionAttributeValues(Map.of(":v", n(roomVersion), ":false", Attr.FALSE))).build());
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Items.inviteItem(invite))
                .conditionExpression("attribute_not_exists(pk)")).build());
        if (idempotency != null) {
            Map<String, AttributeValue> record = new HashMap<>(Items.key(idempotencyPk(idempotency), Items.IDEM_SK));
            record.put("type", s("IDEMPOTENCY"));
            record.put("requestHash", s(idempotency.requestHash()));
            record.put("roomId", s(idempotency.roomId()));
            record.put("inviteId", s(idempotency.inviteId()));
            record.put("createdAt", time(idempotency.createdAt()));
            record.put(TableSchema.TTL, n(Items.ttlSeconds(idempotency.createdAt().plus(Items.IDEMPOTENCY_RETENTION))));
            // a record past its 24 h window is a stale leftover that TTL has not removed yet: it may be replaced
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(record)
                    .conditionExpression("attribute_not_exists(pk) OR createdAt <= :staleBefore")
                    .expressionAttributeValues(Map.of(":staleBefore",
                            time(idempotency.createdAt().minus(Items.IDEMPOTENCY_RETENTION))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                call(() -> db.transactWriteItems(b -> b.transactItems(items)));
                return new CreateResult.Created(invite);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (idempotency != null && reasons.size() > 2 && "ConditionalCheckFailed".equals(reasons.get(2).code())) {
                    Map<String, AttributeValue> old = reasons.get(2).item();
                    return new CreateResult.KeyUsed(new IdempotencyRecord(idempotency.scope(), idempotency.key(),
                            Attr.str(old, "requestHash"), Attr.str(old, "roomId"), Attr.str(old, "inviteId"),
                            Attr.instant(old, "createdAt")));
                }
                if ("ConditionalCheckFailed".equals(reasons.getFirst().code())) {
                    return new CreateResult.RoomChanged();
                }
                if (attempt < 3 && hasConflict(reasons)) {
                    backoff(attempt);
                    continue;
                }
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
        }
    }

    @Override
    public CreateContext loadForCreate(String roomId, IdempotencyRecord idempotency) {
        if (idempotency == null) {
            return new CreateContext(findRoom(roomId), null);
        }
        Map<String, AttributeValue> idemKey = Items.key(idempotencyPk(idempotency), Items.IDEM_SK);
        List<Map<String, AttributeValue>> found = batchGet(List.of(Items.roomKey(roomId), idemKey));
        Room room = null;
        IdempotencyRecord earlier = null;
        for (Map<String, AttributeValue> item : found) {
            if (Items.ROOM_SK.equals(Attr.str(item, TableSchema.SK))) {
                room = Items.room(item);
            } else if (Items.IDEM_SK.equals(Attr.str(item, TableSchema.SK))) {
                Instant usedAt = Attr.instant(item, "createdAt");
                // TTL only cleans up (possibly days late): a key is remembered for exactly 24 h
                if (usedAt.plus(Items.IDEMPOTENCY_RETENTION).isAfter(idempotency.createdAt())) {
                    earlier = new IdempotencyRecord(idempotency.scope(), idempotency.key(), Attr.str(item, "requestHash"),
                            Attr.str(item, "roomId"), Attr.str(item, "inviteId"), usedAt);
                }
            }
        }
        return new CreateContext(Optional.ofNullable(room), earlier);
    }

    @Override
    public ResendContext loadForResend(String roomId, String inviteId) {
        String inviteSk = Items.INVITE_PREFIX + inviteId;
        Room room = null;
        Invite invite = null;
        for (Map<String, AttributeValue> item : batchGet(List.of(Items.roomKey(roomId), Items.inviteKey(roomId, inviteId)))) {
            String sk = Attr.str(item, TableSchema.SK);
            if (Items.ROOM_SK.equals(sk)) {
                room = Items.room(item);
            } else if (inviteSk.equals(sk)) {
                invite = Items.invite(item);
            }
        }
        return new ResendContext(Optional.ofNullable(room), Optional.ofNullable(invite));
    }

    /**
     * Reads {@code keys} (distinct, at most 100) of this table with one consistent BatchGetItem. The keys DynamoDB
     * leaves unprocessed (throttling, size limits) are asked for again, consistently, after a short backoff, at most
     * five more times; then SERVICE_UNAVAILABLE. Answers the items found, in no particular order (none for a key
     * with no item).
     */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>(keys.size());
        List<Map<String, AttributeValue>> pending = keys;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(pending).consistentRead(true).build());
            BatchGetItemResponse response = call(() -> db.batchGetItem(b -> b.requestItems(request)));
            found.addAll(response.responses().getOrDefault(table, List.of()));
            KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
            pending = left == null || !left.hasKeys() ? List.of() : left.keys();
            if (attempt >= 5 && !pending.isEmpty()) {
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
        }
        return found;
    }

    private static String idempotencyPk(IdempotencyRecord r) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((r.scope() + "\n" + r.key()).getBytes(StandardCharsets.UTF_8));
            return "IDEM#" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<Invite> findInvite(String roomId, String inviteId) {
        Map<String, AttributeValue> item = call(() -> db.getItem(b -> b.tableName(table)
                .key(Items.inviteKey(roomId, inviteId)).consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.invite(item));
    }

    @Override
    public Page listInvites(String roomId, InviteStatus status, int limit, String cursor, Instant now) {
        String listing = status == null ? "ALL" : status.name();
        Map<String, AttributeValue> start = Cursors.decode(cursor, listing, roomId);
        List<Invite> out = new ArrayList<>(limit);
        Map<String, AttributeValue> lastKey;
        int pages = 0;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).scanIndexForward(false)
                    .limit(limit - out.size()).exclusiveStartKey(start);
            Map<String, AttributeValue> values = new HashMap<>();
            if (status == null) {
                q.consistentRead(true).keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)");
                values.put(":pk", s(Items.roomPk(roomId)));
                values.put(":prefix", s(Items.INVITE_PREFIX));
            } else {
                InviteStatus stored = status == InviteStatus.EXPIRED ? InviteStatus.PENDING : status;
                q.indexName(TableSchema.GSI1).keyConditionExpression("gsi1pk = :g");
                values.put(":g", s(Items.statusPartition(roomId, stored)));
                if (status == InviteStatus.PENDING) {
                    q.filterExpression("expiresAt > :now");
                    values.put(":now", time(now));
                } else if (status == InviteStatus.EXPIRED) {
                    q.filterExpression("expiresAt <= :now");
                    values.put(":now", time(now));
                }
            }
            QueryRequest request = q.expressionAttributeValues(values).build();
            QueryResponse page = call(() -> db.query(request));
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(Items.invite(item));
            }
            lastKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            start = lastKey;
        } while (lastKey != null && out.size() < limit && ++pages < 10);
        return new Page(out, lastKey == null ? null : Cursors.encode(lastKey, listing));
    }

    @Override
    public WriteResult redeem(String roomId, String inviteId, String deviceId, List<String> provenEmails, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":redeemed", s(InviteStatus.REDEEMED.name()));
        values.put(":dev", s(deviceId));
        values.put(":now", time(now));
        values.put(":true", Attr.TRUE);
        values.put(":g", s(Items.statusPartition(roomId, InviteStatus.REDEEMED)));
        String sameDevice = "(st = :redeemed AND deviceId = :dev)";
        StringBuilder condition = new StringBuilder(
                "attribute_exists(pk) AND roomDeleted <> :true AND roomStartsAt <= :now AND roomEndsAt > :now AND ");
        if (provenEmails.isEmpty()) {
            condition.append(sameDevice);
        } else {
            values.put(":pending", s(InviteStatus.PENDING.name()));
            values.put(":max", n(Invite.MAX_EMAIL_ATTEMPTS));
            condition.append("(").append(sameDevice)
                    .append(" OR (st = :pending AND expiresAt > :now AND failedEmailAttempts < :max AND email IN (");
            for (int i = 0; i < provenEmails.size(); i++) {
                values.put(":e" + i, s(provenEmails.get(i)));
                condition.append(i == 0 ? "" : ", ").append(":e").append(i);
            }
            condition.append(")))");
        }
        return conditionalUpdate(UpdateItemRequest.builder().tableName(table).key(Items.inviteKey(roomId, inviteId))
                .updateExpression("SET st = :redeemed, deviceId = if_not_exists(deviceId, :dev), "
                        + "redeemedAt = if_not_exists(redeemedAt, :now), gsi1pk = :g")
                .conditionExpression(condition.toString())
                .expressionAttributeValues(values), ReturnValue.ALL_NEW);
    }

    @Override
    public WriteResult recordWrongEmail(String roomId, String inviteId, Instant now) {
        return conditionalUpdate(UpdateItemRequest.builder().tableName(table).key(Items.inviteKey(roomId, inviteId))
                .updateExpression("SET lastWrongEmailAt = :now ADD failedEmailAttempts :one")
                .conditionExpression("attribute_exists(pk) AND st = :pending AND failedEmailAttempts < :max")
                .expressionAttributeValues(Map.of(":now", time(now), ":one", n(1),
                        ":pending", s(InviteStatus.PENDING.name()), ":max", n(Invite.MAX_EMAIL_ATTEMPTS))), ReturnValue.ALL_NEW);
    }

    @Override
    public WriteResult revoke(String roomId, String inviteId, Instant now) {
        return conditionalUpdate(UpdateItemRequest.builder().tableName(table).key(Items.inviteKey(roomId, inviteId))
                .updateExpression("SET st = :revoked, revokedAt = if_not_exists(revokedAt, :now), gsi1pk = :g")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":revoked", s(InviteStatus.REVOKED.name()), ":now", time(now),
                        ":g", s(Items.statusPartition(roomId, InviteStatus.REVOKED)))), ReturnValue.ALL_NEW);
    }

    @Override
    public WriteResult promote(String roomId, String inviteId, Role role, Instant now) {
        WriteResult result = conditionalUpdate(UpdateItemRequest.builder().tableName(table).key(Items.inviteKey(roomId, inviteId))
                .updateExpression("SET #role = :role, roleRank = :rank, promotedAt = :now")
                .conditionExpression("attribute_exists(pk) AND roomDeleted <> :true AND roomEndsAt > :now "
                        + "AND roleRank < :rank AND (st = :redeemed OR (st = :pending AND expiresAt > :now))")
                .expressionAttributeNames(Map.of("#role", "role"))
                .expressionAttributeValues(Map.of(":role", s(role.name()), ":rank", n(role.rank()), ":now", time(now),
                        ":true", Attr.TRUE, ":redeemed", s(InviteStatus.REDEEMED.name()),
                        ":pending", s(InviteStatus.PENDING.name()))), ReturnValue.ALL_OLD);
        if (result instanceof WriteResult.Applied applied) {
            return new WriteResult.Applied(applied.before(), applied.before().withRole(role, now));
        }
        return result;
    }

    @Override
    public Optional<Invite> recordEmailAttempt(String roomId, String inviteId, Invite.Attempt attempt, String messageId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":attempt", Items.attempts(List.of(attempt)));
        values.put(":none", AttributeValue.fromL(List.of()));
        String set = "SET emailHistory = list_append(if_not_exists(emailHistory, :none), :attempt)";
        String expression;
        if (messageId != null) {
            values.put(":mid", s(messageId));
            expression = set + ", emailMessageId = :mid";
        } else {
            expression = set + " REMOVE emailMessageId";
        }
        try {
            Map<String, AttributeValue> after = call(() -> db.updateItem(b -> b.tableName(table)
                    .key(Items.inviteKey(roomId, inviteId)).updateExpression(expression)
                    .conditionExpression("attribute_exists(pk)").expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
            return Optional.of(Items.invite(after));
        } catch (ConditionalCheckFailedException gone) {
            return Optional.empty();
        }
    }

    /**
     * Runs one conditional UpdateItem. Applied carries the state before (ALL_OLD) or after (ALL_NEW);
     * Refused carries the state the condition was evaluated on, read atomically by DynamoDB.
     */
    private WriteResult conditionalUpdate(UpdateItemRequest.Builder request, ReturnValue returnValue) {
        UpdateItemRequest r = request.returnValues(returnValue)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        try {
            Invite returned = Items.invite(call(() -> db.updateItem(r).attributes()));
            return returnValue == ReturnValue.ALL_OLD
                    ? new WriteResult.Applied(returned, null) : new WriteResult.Applied(null, returned);
        } catch (ConditionalCheckFailedException e) {
            return new WriteResult.Refused(e.hasItem() && !e.item().isEmpty() ? Items.invite(e.item()) : null);
        }
    }

    // ---------------------------------------------------------------- errors

    private static boolean hasConflict(List<CancellationReason> reasons) {
        for (CancellationReason r : reasons) {
            if ("TransactionConflict".equals(r.code())) {
                return true;
            }
        }
        return false;
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(10L * attempt + java.util.concurrent.ThreadLocalRandom.current().nextInt(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a DynamoDB call, turning an outage or throttling into SERVICE_UNAVAILABLE (never a 500). */
    private static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (ConditionalCheckFailedException | TransactionCanceledException expected) {
            throw expected;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private static RuntimeException translate(Throwable e) {
        if (e instanceof InviteException ie) {
            return ie;
        }
        if (e instanceof DynamoDbException de && de.statusCode() == 400 && !de.isThrottlingException()) {
            // a request the table refused: a bug in this code, not a client's fault
            return de;
        }
        if (e instanceof SdkClientException || e instanceof SdkServiceException) {
            return new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        return e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }

    /** Opaque, listing-bound paging cursors. */
    static final class Cursors {
        private Cursors() {
        }

        static String encode(Map<String, AttributeValue> key, String listing) {
            StringBuilder sb = new StringBuilder(listing);
            for (String name : new String[]{TableSchema.PK, TableSchema.SK, TableSchema.GSI1_PK, TableSchema.GSI1_SK}) {
                AttributeValue v = key.get(name);
                sb.append('\n').append(v == null ? "" : v.s());
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        static Map<String, AttributeValue> decode(String cursor, String listing, String roomId) {
            if (cursor == null || cursor.isEmpty()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
                if (parts.length != 5 || !parts[0].equals(listing) || !parts[1].equals(Items.roomPk(roomId))
                        || !parts[2].startsWith(Items.INVITE_PREFIX)) {
                    throw new IllegalArgumentException("cursor of another listing");
                }
                // the index key parts must be this listing's own (none for ALL): DynamoDB refuses any other start key (a 500)
                String indexPk = "ALL".equals(listing) ? "" : Items.statusPartition(roomId,
                        "EXPIRED".equals(listing) ? InviteStatus.PENDING : InviteStatus.valueOf(listing));
                String indexSk = indexPk.isEmpty() ? "" : parts[2].substring(Items.INVITE_PREFIX.length());
                if (!parts[3].equals(indexPk) || !parts[4].equals(indexSk)) {
                    throw new IllegalArgumentException("cursor of another listing");
                }
                Map<String, AttributeValue> key = new HashMap<>();
                key.put(TableSchema.PK, s(parts[1]));
                key.put(TableSchema.SK, s(parts[2]));
                if (!parts[3].isEmpty()) {
                    key.put(TableSchema.GSI1_PK, s(parts[3]));
                    key.put(TableSchema.GSI1_SK, s(parts[4]));
                }
                return key;
            } catch (IllegalArgumentException e) {
                throw InviteException.invalid("cursor", "is not a cursor from this listing; start again without it");
            }
        }
    }
}
