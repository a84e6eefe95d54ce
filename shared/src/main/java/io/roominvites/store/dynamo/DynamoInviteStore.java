package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Lifetimes;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.json.Json;
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
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        Map<String, AttributeValue> item = Calls.call(() -> db.getItem(b -> b.tableName(table).key(Items.settingsKey())
                .consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.settings(item));
    }

    @Override
    public void saveSettings(SiteSettings settings) {
        Calls.write(() -> db.putItem(b -> b.tableName(table).item(Items.settingsItem(settings))));
    }

    // ---------------------------------------------------------------- rooms

    @Override
    public Optional<Room> findRoom(String roomId) {
        Map<String, AttributeValue> item = Calls.call(() -> db.getItem(b -> b.tableName(table).key(Items.roomKey(roomId))
                .consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.room(item));
    }

    @Override
    public Optional<Room> putRoom(Room room, long version, Instant now) {
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
        TransactWriteItem main = TransactWriteItem.builder().update(u -> u.tableName(table).key(Items.roomKey(room.roomId()))
                .updateExpression("SET #type = :type, roomId = :roomId, title = :title, description = :description, "
                        + "startsAt = :startsAt, endsAt = :endsAt, chatAndCollaborationEnabled = :cc, #owner = :owner, "
                        + "coOwners = :coOwners, coEditors = :coEditors, coPublishers = :coPublishers, "
                        + "updatedAt = :now, createdAt = if_not_exists(createdAt, :now), deleted = :false, version = :v")
                .conditionExpression("attribute_not_exists(pk) OR deleted = :false")
                .expressionAttributeNames(Map.of("#type", "type", "#owner", "owner"))
                .expressionAttributeValues(values)).build();
        if (!writeRoom(room.roomId(), main, version, Lifetimes.roomRetiresAt(room.endsAt(), now))) {
            return Optional.empty();
        }
        return Optional.of(new Room(room.roomId(), room.title(), room.description(), room.startsAt(), room.endsAt(),
                room.chatAndCollaborationEnabled(), room.owner(), room.coOwners(), room.coEditors(), room.coPublishers(),
                false, version, now));
    }

    @Override
    public boolean deleteRoom(String roomId, long version, Instant now) {
        TransactWriteItem main = TransactWriteItem.builder().update(u -> u.tableName(table).key(Items.roomKey(roomId))
                .updateExpression("SET deleted = :true, deletedAt = if_not_exists(deletedAt, :now), version = :v")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":true", Attr.TRUE, ":now", time(now), ":v", n(version)))).build();
        return writeRoom(roomId, main, version, Lifetimes.deletedRoomRetiresAt(now));
    }

    /**
     * Writes the room's item, all its gates and its retire marker ({@code retireAt}: the TTL of the room and all that
     * belongs to it) with {@code version} in one transaction: O(1) whatever the number of invites, atomic, and in
     * force for every invite's next write (which checks its gate). Overlapping changes are serialised by DynamoDB:
     * the gates and the marker always agree with the room. False when the room's own condition failed.
     */
    private boolean writeRoom(String roomId, TransactWriteItem main, long version, Instant retireAt) {
        List<TransactWriteItem> items = new ArrayList<>(2 + TableSchema.ROOM_GATES);
        items.add(main);
        Map<String, AttributeValue> marker = Items.retireItem(roomId, version, retireAt);
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(marker)).build());
        for (int g = 0; g < TableSchema.ROOM_GATES; g++) {
            Map<String, AttributeValue> gate = new HashMap<>(Items.gateKey(roomId, g));
            gate.put("type", s("ROOM_GATE"));
            gate.put("version", n(version));
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(gate)).build());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Calls.write(() -> db.transactWriteItems(b -> b.transactItems(items)));
                return true;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.getFirst().code())) {
                    return false;
                }
                if (attempt < 5 && Calls.retryable(reasons)) {
                    Calls.backoff(attempt);
                    continue;
                }
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
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
        Map<String, AttributeValue> old = Calls.write(() -> db.putItem(b -> b.tableName(table).item(item)
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
        Calls.write(() -> db.transactWriteItems(b -> b.transactItems(writes)));
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
            QueryResponse page = Calls.call(() -> db.query(QueryRequest.builder().tableName(table)
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
    public CreateResult createInvite(Invite invite, Room room, IdempotencyRecord idempotency) {
        List<TransactWriteItem> items = new ArrayList<>(3);
        // the room unchanged since it was read: checked on the invite's gate, so that a burst of creates in one room
        // spreads over the room's gates instead of all writing to the room's own partition
        items.add(gateCheck(invite, room));
        Invite stored = invite;
        items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Items.inviteItem(stored))
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
                Calls.write(() -> db.transactWriteItems(b -> b.transactItems(items)));
                return new CreateResult.Created(stored);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (idempotency != null && reasons.size() > 2 && "ConditionalCheckFailed".equals(reasons.get(2).code())) {
                    Map<String, AttributeValue> old = reasons.get(2).item();
                    return new CreateResult.KeyUsed(new IdempotencyRecord(idempotency.scope(), idempotency.key(),
                            Attr.str(old, "requestHash"), Attr.str(old, "roomId"), Attr.str(old, "inviteId"),
                            Attr.instant(old, "createdAt")));
                }
                if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                    // the invite's id (80 random bits) is taken: by this very write, landed on an earlier attempt
                    // whose answer was lost (the SDK sent it again)
                    return new CreateResult.Created(stored);
                }
                if ("ConditionalCheckFailed".equals(reasons.getFirst().code())) {
                    return new CreateResult.RoomChanged();
                }
                if (attempt < 3 && Calls.retryable(reasons)) {
                    Calls.backoff(attempt);
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
    public Loaded load(String roomId, String inviteId) {
        Room room = null;
        Invite invite = null;
        for (Map<String, AttributeValue> item : batchGet(List.of(Items.roomKey(roomId), Items.inviteKey(roomId, inviteId)))) {
            String sk = Attr.str(item, TableSchema.SK);
            if (Items.ROOM_SK.equals(sk)) {
                room = Items.room(item);
            } else if (Items.INVITE_SK.equals(sk)) {
                invite = Items.invite(item);
            }
        }
        return new Loaded(Optional.ofNullable(room), Optional.ofNullable(invite));
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
                Calls.backoff(attempt);
            }
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(pending).consistentRead(true).build());
            BatchGetItemResponse response = Calls.call(() -> db.batchGetItem(b -> b.requestItems(request)));
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
        Map<String, AttributeValue> item = Calls.call(() -> db.getItem(b -> b.tableName(table)
                .key(Items.inviteKey(roomId, inviteId)).consistentRead(true)).item());
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Items.invite(item));
    }

    @Override
    public Replaced replaceInvite(Invite current, Invite next, Room room, boolean roomGate) {
        Map<String, AttributeValue> item = new HashMap<>(Items.inviteItem(next));
        // this write's own mark: an SDK retry resends the same item, so a refusal that finds this mark stored is this
        // very write, landed on an earlier attempt; another writer's equal-looking write has another mark
        String mark = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        item.put(WRITE_MARK, s(mark));
        Map<String, AttributeValue> expected = Map.of(":rev", n(current.rev()));
        if (!roomGate) {
            try {
                Calls.write(() -> db.putItem(b -> b.tableName(table).item(item).conditionExpression("rev = :rev")
                        .expressionAttributeValues(expected)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
                return new Replaced.Applied(next);
            } catch (ConditionalCheckFailedException e) {
                if (!e.hasItem() || e.item().isEmpty()) {
                    return new Replaced.Gone();
                }
                return appliedOrChanged(e.item(), mark, next, InviteStore.RoomCheck.UNKNOWN);
            }
        }
        List<TransactWriteItem> items = List.of(
                gateCheck(current, room),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item).conditionExpression("rev = :rev")
                        .expressionAttributeValues(expected)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        try {
            Calls.write(() -> db.transactWriteItems(b -> b.transactItems(items)));
            return new Replaced.Applied(next);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            InviteStore.RoomCheck gate = roomCheck(reasons.isEmpty() ? null : reasons.get(0));
            CancellationReason invite = reasons.size() > 1 ? reasons.get(1) : null;
            if (invite != null && "ConditionalCheckFailed".equals(invite.code())) {
                if (invite.item() == null || invite.item().isEmpty()) {
                    return new Replaced.Gone();
                }
                return appliedOrChanged(invite.item(), mark, next, gate);
            }
            if (gate != InviteStore.RoomCheck.CHANGED) {
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
    static InviteStore.RoomCheck roomCheck(CancellationReason gate) {
        String code = gate == null ? null : gate.code();
        if (code == null || "None".equals(code)) {
            return InviteStore.RoomCheck.UNCHANGED;
        }
        return "ConditionalCheckFailed".equals(code) ? InviteStore.RoomCheck.CHANGED : InviteStore.RoomCheck.UNKNOWN;
    }

    /**
     * The refused write's outcome: when the stored invite carries this write's own mark, this very write landed on an
     * earlier attempt (the SDK retried it after a time-out or a lost answer) and the retry met its own result: applied,
     * not a conflict, so that a retried write is never counted or decided twice. Two writers that decided the same
     * change have different marks: the later one is refused and decides again.
     */
    private static Replaced appliedOrChanged(Map<String, AttributeValue> stored, String mark, Invite next,
                                             InviteStore.RoomCheck room) {
        return mark.equals(Attr.str(stored, WRITE_MARK)) ? new Replaced.Applied(next)
                : new Replaced.Changed(Items.invite(stored), room);
    }

    /** The attribute that marks which write put an invite's current state (see {@link #replaceInvite}). */
    private static final String WRITE_MARK = "wm";

    /**
     * A ConditionCheck that {@code room} is still at the version it was read at, on the gate of {@code invite}. A room
     * last written before gates existed has none; its version then can't have changed since (every room write now
     * writes the gates too), so a missing gate passes.
     */
    private TransactWriteItem gateCheck(Invite invite, Room room) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(Items.gateKey(invite.roomId(), Items.gateOf(invite.inviteId())))
                .conditionExpression("attribute_not_exists(version) OR version = :v")
                .expressionAttributeValues(Map.of(":v", n(room.version())))).build();
    }

    // ---------------------------------------------------------------- history

    /** At most this many history entries are read for one invite (far more than its writes can make in practice). */
    static final int MAX_HISTORY = 1000;

    @Override
    public boolean recordHistory(LifecycleEvent event) {
        if (event.inviteId() == null) {
            throw new IllegalArgumentException("only an invite's events have a history");
        }
        Map<String, AttributeValue> item = new HashMap<>(Items.historyKey(event));
        item.put("type", s("EVENT"));
        item.put("eventId", s(event.eventId()));
        item.put("eventType", s(event.type().detailType()));
        item.put("at", time(event.at()));
        if (event.actor() != null) {
            item.put("actor", s(event.actor()));
        }
        item.put("details", s(Json.write(event.details())));
        // no TTL: an entry lives exactly as long as its invite, in whose partition it is kept and with which the
        // room's retirement deletes it (docs/lifetimes.md)
        try {
            Calls.write(() -> db.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)")));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<HistoryEntry> history(String roomId, String inviteId) {
        String pk = Attr.str(Items.inviteKey(roomId, inviteId), TableSchema.PK);
        List<HistoryEntry> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = Calls.call(() -> db.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(":pk", s(pk), ":e", s(Items.HISTORY_SK_PREFIX)))
                    .consistentRead(true).exclusiveStartKey(exclusiveStart).build()));
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(Items.historyEntry(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < MAX_HISTORY);
        return out;
    }

    @Override
    public Optional<InviteKey> findByEmailMessage(String messageId) {
        QueryResponse r = Calls.call(() -> db.query(QueryRequest.builder().tableName(table)
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

    // ---------------------------------------------------------------- listing

    /**
     * Index entries one page may read per shard before it answers with what it found (searchLimitReached): a status
     * index entry is its keys and the expiry (~120 bytes), so this is about two 1 MB query pages per shard, and a
     * filtered page of a room of up to ~80,000 invites is answered whole, matches or not.
     */
    private static final int SCAN_BUDGET_PER_SHARD = 20_000;

    @Override
    public Page listInvites(String roomId, InviteStatus status, int limit, String afterInviteId, Instant now) {
        // the shards are read at once (a page costs about one query's time, not four)
        List<ShardScan> scans = new ArrayList<>(TableSchema.LIST_SHARDS);
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<ShardScan>> futures = new ArrayList<>(TableSchema.LIST_SHARDS);
            for (int shard = 0; shard < TableSchema.LIST_SHARDS; shard++) {
                int s = shard;
                futures.add(pool.submit(() -> scanShard(roomId, status, s, limit, afterInviteId, now)));
            }
            for (java.util.concurrent.Future<ShardScan> f : futures) {
                scans.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        // ids above every budget-stopped shard's frontier are complete in every shard
        String frontier = null;
        for (ShardScan scan : scans) {
            if (scan.frontier() != null && (frontier == null || scan.frontier().compareTo(frontier) > 0)) {
                frontier = scan.frontier();
            }
        }
        List<Map<String, AttributeValue>> candidates = new ArrayList<>();
        boolean mayHaveMore = false;
        for (ShardScan scan : scans) {
            for (Map<String, AttributeValue> key : scan.matches()) {
                if (frontier == null || Attr.str(key, TableSchema.LIST_SK).compareTo(frontier) > 0) {
                    candidates.add(key);
                }
            }
            mayHaveMore |= scan.full();
        }
        candidates.sort((a, b) -> Attr.str(b, TableSchema.LIST_SK).compareTo(Attr.str(a, TableSchema.LIST_SK)));
        String next;
        boolean limited = false;
        if (candidates.size() > limit) {
            candidates = candidates.subList(0, limit);
            next = Attr.str(candidates.getLast(), TableSchema.LIST_SK);
        } else if (candidates.size() == limit && (mayHaveMore || frontier != null)) {
            next = Attr.str(candidates.getLast(), TableSchema.LIST_SK);
        } else if (frontier != null) {
            next = frontier;
            limited = true;
        } else {
            next = null;
        }
        return new Page(fetchInOrder(candidates, status, now), next, limited);
    }

    /** One shard's matches (newest first), whether it has more, and where it stopped when its budget ran out. */
    private record ShardScan(List<Map<String, AttributeValue>> matches, boolean full, String frontier) {
    }

    private ShardScan scanShard(String roomId, InviteStatus status, int shard, int limit, String after, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        String filter = null;
        String index;
        if (status == null) {
            index = TableSchema.ROOM_LIST_INDEX;
            values.put(":p", s(Items.roomListPartition(roomId, shard)));
        } else {
            index = TableSchema.STATUS_LIST_INDEX;
            InviteStatus stored = status == InviteStatus.EXPIRED ? InviteStatus.PENDING : status;
            values.put(":p", s(Items.statusPartition(roomId, stored, shard)));
            if (status == InviteStatus.PENDING || status == InviteStatus.EXPIRED) {
                filter = status == InviteStatus.PENDING ? "expiresAt > :now" : "expiresAt <= :now";
                values.put(":now", time(now));
            }
        }
        String keyPart = (index.equals(TableSchema.ROOM_LIST_INDEX) ? TableSchema.ROOM_LIST_PK : TableSchema.STATUS_LIST_PK)
                + " = :p";
        if (after != null) {
            keyPart += " AND " + TableSchema.LIST_SK + " < :after";
            values.put(":after", s(after));
        }
        List<Map<String, AttributeValue>> matches = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int scanned = 0;
        String condition = keyPart;
        String filterExpression = filter;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            // unfiltered: exactly what is missing; filtered: as much as one query reads (1 MB), as the filter may drop most
            Integer pageSize = filterExpression == null ? limit - matches.size() : null;
            QueryResponse page = Calls.call(() -> db.query(QueryRequest.builder().tableName(table).indexName(index)
                    .keyConditionExpression(condition).filterExpression(filterExpression)
                    .expressionAttributeValues(values).scanIndexForward(false).limit(pageSize)
                    .exclusiveStartKey(exclusiveStart).build()));
            scanned += page.scannedCount();
            for (Map<String, AttributeValue> item : page.items()) {
                if (matches.size() < limit) {
                    matches.add(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (matches.size() >= limit) {
                return new ShardScan(matches, start != null || page.items().size() > matches.size(), null);
            }
        } while (start != null && scanned < SCAN_BUDGET_PER_SHARD);
        return new ShardScan(matches, false, start == null ? null : Attr.str(start, TableSchema.LIST_SK));
    }

    /**
     * The invites of {@code keys}, read in one consistent batch, in the keys' order; an invite whose status no longer
     * matches the listing (it changed after the index was read) or that is gone is left out.
     */
    private List<Invite> fetchInOrder(List<Map<String, AttributeValue>> keys, InviteStatus status, Instant now) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Map<String, AttributeValue>> tableKeys = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> k : keys) {
            tableKeys.add(Map.of(TableSchema.PK, k.get(TableSchema.PK), TableSchema.SK, k.get(TableSchema.SK)));
        }
        Map<String, Invite> byId = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(tableKeys)) {
            Invite i = Items.invite(item);
            byId.put(i.inviteId(), i);
        }
        List<Invite> out = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> k : keys) {
            Invite i = byId.get(Attr.str(k, TableSchema.LIST_SK));
            if (i != null && (status == null || i.status(now) == status)) {
                out.add(i);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- bulk

    @Override
    public BulkWrite putInvites(Room room, List<Invite> invites) {
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
            items.add(TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(Items.roomKey(room.roomId()))
                    .conditionExpression("version = :v AND deleted = :false")
                    .expressionAttributeValues(Map.of(":v", n(room.version()), ":false", Attr.FALSE))).build());
            for (Invite invite : pending) {
                items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Items.inviteItem(invite))
                        .conditionExpression("attribute_not_exists(pk)")).build());
            }
            try {
                Calls.write(() -> db.transactWriteItems(b -> b.transactItems(items)
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

    @Override
    public List<Invite> findInvites(String roomId, List<String> inviteIds) {
        List<Invite> out = new ArrayList<>(inviteIds.size());
        for (int from = 0; from < inviteIds.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : new LinkedHashSet<>(inviteIds.subList(from, Math.min(inviteIds.size(), from + 100)))) {
                keys.add(Items.inviteKey(roomId, id));
            }
            for (Map<String, AttributeValue> item : batchGet(keys)) {
                out.add(Items.invite(item));
            }
        }
        return out;
    }

    @Override
    public BulkContext loadForBulk(String roomId, BatchRecord key) {
        if (key == null) {
            return new BulkContext(findRoom(roomId), null);
        }
        Room room = null;
        BatchRecord earlier = null;
        for (Map<String, AttributeValue> item : batchGet(List.of(Items.roomKey(roomId), batchKey(key)))) {
            if (Items.ROOM_SK.equals(Attr.str(item, TableSchema.SK))) {
                room = Items.room(item);
            } else {
                earlier = batchRecord(key, item);
            }
        }
        return new BulkContext(Optional.ofNullable(room), earlier);
    }

    @Override
    public BatchRecord claimBatch(BatchRecord record) {
        try {
            Calls.write(() -> db.putItem(b -> b.tableName(table).item(batchItem(record))
                    .conditionExpression("attribute_not_exists(pk) OR createdAt <= :staleBefore")
                    .expressionAttributeValues(Map.of(":staleBefore",
                            time(record.createdAt().minus(Items.IDEMPOTENCY_RETENTION))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return null;
        } catch (ConditionalCheckFailedException e) {
            BatchRecord earlier = e.hasItem() ? batchRecord(record, e.item()) : null;
            if (earlier == null) {
                // the key holds a single create's record: a different request under the same key
                return new BatchRecord(record.scope(), record.key(), "", record.roomId(), record.createdAt(), null, true);
            }
            return earlier;
        }
    }

    @Override
    public void finishBatch(BatchRecord record) {
        Calls.write(() -> db.putItem(b -> b.tableName(table).item(batchItem(record))));
    }

    private Map<String, AttributeValue> batchKey(BatchRecord r) {
        return Items.key(idempotencyPk(new IdempotencyRecord(r.scope(), r.key(), null, null, null, null)), Items.IDEM_SK);
    }

    private Map<String, AttributeValue> batchItem(BatchRecord r) {
        Map<String, AttributeValue> item = new HashMap<>(batchKey(r));
        item.put("type", s("IDEMPOTENCY_BATCH"));
        item.put("requestHash", s(r.requestHash()));
        item.put("roomId", s(r.roomId()));
        item.put("createdAt", time(r.createdAt()));
        item.put("plan", s(r.plan()));
        item.put("done", AttributeValue.fromBool(r.done()));
        item.put(TableSchema.TTL, n(Items.ttlSeconds(r.createdAt().plus(Items.IDEMPOTENCY_RETENTION))));
        return item;
    }

    /** The batch record in {@code item} if it is one used within 24 h of {@code key}'s time; null otherwise. */
    private static BatchRecord batchRecord(BatchRecord key, Map<String, AttributeValue> item) {
        Instant usedAt = Attr.instant(item, "createdAt");
        if (usedAt == null || !usedAt.plus(Items.IDEMPOTENCY_RETENTION).isAfter(key.createdAt())) {
            return null;
        }
        if (Attr.str(item, "plan") == null) {
            // a single create used this key: never the same request as a batch
            return new BatchRecord(key.scope(), key.key(), "", Attr.str(item, "roomId"), usedAt, null, true);
        }
        return new BatchRecord(key.scope(), key.key(), Attr.str(item, "requestHash"), Attr.str(item, "roomId"), usedAt,
                Attr.str(item, "plan"), Attr.bool(item, "done"));
    }

}
