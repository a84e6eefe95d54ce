package io.roominvites.store.dynamo;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import io.roominvites.domain.SiteSettings;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.store.InviteStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link InviteStore} on one DynamoDB table (see {@link TableSchema}): a store per entity over one {@link Table}
 * ({@link DynamoSettings}, {@link DynamoRooms}, {@link DynamoDirectory}, {@link DynamoInvites} with
 * {@link DynamoInviteListing} and {@link DynamoHistory}, {@link DynamoIdempotency}), each item's shape in its
 * {@code *Items} class, and here the reads that take two entities in one BatchGetItem.
 */
public final class DynamoInviteStore implements InviteStore {
    private final Table table;
    private final DynamoSettings settings;
    private final DynamoRooms rooms;
    private final DynamoDirectory directory;
    private final DynamoInvites invites;
    private final DynamoInviteListing listing;
    private final DynamoHistory history;
    private final DynamoIdempotency idempotency;
    private final DynamoSendQuota quota;
    private final DynamoErasures erasures;
    private final DynamoFollowUps followUps;
    private final DynamoGuestLinks guestLinks;
    private final DynamoJoinRequests joinRequests;

    public DynamoInviteStore(DynamoDbClient db, String tableName) {
        this.table = new Table(db, tableName);
        this.settings = new DynamoSettings(table);
        this.rooms = new DynamoRooms(table);
        this.directory = new DynamoDirectory(table);
        this.invites = new DynamoInvites(table);
        this.listing = new DynamoInviteListing(table);
        this.history = new DynamoHistory(table);
        this.idempotency = new DynamoIdempotency(table);
        this.quota = new DynamoSendQuota(table);
        this.erasures = new DynamoErasures(table);
        this.followUps = new DynamoFollowUps(table);
        this.guestLinks = new DynamoGuestLinks(table);
        this.joinRequests = new DynamoJoinRequests(table);
    }

    public String tableName() {
        return table.name;
    }

    // ---------------------------------------------------------------- reads of two entities in one call

    @Override
    public Loaded load(String roomId, String inviteId) {
        Room room = null;
        Invite invite = null;
        for (Map<String, AttributeValue> item : table.batchGet(List.of(RoomItems.roomKey(roomId),
                InviteItems.inviteKey(roomId, inviteId)))) {
            String sk = Attr.str(item, TableSchema.SK);
            if (RoomItems.ROOM_SK.equals(sk)) {
                room = RoomItems.room(item);
            } else if (InviteItems.INVITE_SK.equals(sk)) {
                invite = InviteItems.invite(item);
            }
        }
        return new Loaded(Optional.ofNullable(room), Optional.ofNullable(invite));
    }

    @Override
    public CreateContext loadForCreate(String roomId, IdempotencyRecord key, List<String> ledgerKeys) {
        if (key == null && ledgerKeys.isEmpty()) {
            return new CreateContext(findRoom(roomId), null);
        }
        // the room, the key's record and the send ledgers: one consistent BatchGetItem
        List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
        keys.add(RoomItems.roomKey(roomId));
        Map<String, AttributeValue> idemKey = key == null ? null : IdempotencyItems.key(key.scope(), key.key());
        if (idemKey != null) {
            keys.add(idemKey);
        }
        for (String k : ledgerKeys) {
            keys.add(SendQuotaItems.key(k));
        }
        Room room = null;
        Map<String, AttributeValue> earlier = null;
        Map<String, Map<String, AttributeValue>> ledgers = new java.util.HashMap<>();
        for (Map<String, AttributeValue> item : table.batchGet(keys)) {
            String pk = Attr.str(item, TableSchema.PK);
            if (RoomItems.ROOM_SK.equals(Attr.str(item, TableSchema.SK))) {
                room = RoomItems.room(item);
            } else if (idemKey != null && pk.equals(idemKey.get(TableSchema.PK).s())) {
                earlier = item;
            } else {
                ledgers.put(pk, item);
            }
        }
        List<Stored> read = new java.util.ArrayList<>(ledgerKeys.size());
        for (String k : ledgerKeys) {
            read.add(SendQuotaItems.stored(k, ledgers.get(SendQuotaItems.key(k).get(TableSchema.PK).s())));
        }
        return new CreateContext(Optional.ofNullable(room),
                earlier == null ? null : IdempotencyItems.earlierUse(key, earlier), read);
    }

    @Override
    public BulkContext loadForBulk(String roomId, BatchRecord key) {
        if (key == null) {
            return new BulkContext(findRoom(roomId), null);
        }
        RoomAnd read = roomAnd(roomId, IdempotencyItems.key(key.scope(), key.key()));
        return new BulkContext(read.room(), read.other() == null ? null : IdempotencyItems.batchRecord(key, read.other()));
    }

    /** A room and another item (null when none), read in one consistent BatchGetItem. */
    private RoomAnd roomAnd(String roomId, Map<String, AttributeValue> otherKey) {
        Room room = null;
        Map<String, AttributeValue> other = null;
        for (Map<String, AttributeValue> item : table.batchGet(List.of(RoomItems.roomKey(roomId), otherKey))) {
            if (RoomItems.ROOM_SK.equals(Attr.str(item, TableSchema.SK))) {
                room = RoomItems.room(item);
            } else {
                other = item;
            }
        }
        return new RoomAnd(Optional.ofNullable(room), other);
    }

    private record RoomAnd(Optional<Room> room, Map<String, AttributeValue> other) {
    }

    // ---------------------------------------------------------------- each entity's own store

    @Override
    public List<Stored> loadLedgers(List<String> keys) {
        return quota.loadLedgers(keys);
    }

    @Override
    public boolean saveLedgers(List<Stored> read, List<io.roominvites.domain.SendLedger> next, java.time.Instant now) {
        return quota.saveLedgers(read, next, now);
    }

    @Override
    public Optional<SiteSettings> loadSettings() {
        return settings.loadSettings();
    }

    @Override
    public void saveSettings(SiteSettings s) {
        settings.saveSettings(s);
    }

    @Override
    public Optional<Room> findRoom(String roomId) {
        return rooms.findRoom(roomId);
    }

    @Override
    public Optional<Room> putRoom(RoomDetails room, long version, Instant now) {
        return rooms.putRoom(room, version, now);
    }

    @Override
    public boolean deleteRoom(String roomId, long version, Instant now) {
        return rooms.deleteRoom(roomId, version, now);
    }

    @Override
    public void putUser(DirectoryUser user) {
        directory.putUser(user);
    }

    @Override
    public void removeUser(String email) {
        directory.removeUser(email);
    }

    @Override
    public List<DirectoryUser> suggestUsers(String prefix, int limit) {
        return directory.suggestUsers(prefix, limit);
    }

    @Override
    public CreateResult createInvite(Invite invite, Room room, IdempotencyRecord key, Booking booking) {
        return invites.createInvite(invite, room, key, booking);
    }

    @Override
    public Optional<Invite> findInvite(String roomId, String inviteId) {
        return invites.findInvite(roomId, inviteId);
    }

    @Override
    public Replaced replaceInvite(Invite current, Invite next, Room room, boolean roomGate) {
        return invites.replaceInvite(current, next, room, roomGate);
    }

    @Override
    public BulkWrite putInvites(Room room, List<Invite> list) {
        return invites.putInvites(room, list);
    }

    @Override
    public List<Invite> findInvites(String roomId, List<String> inviteIds) {
        return invites.findInvites(roomId, inviteIds);
    }

    @Override
    public List<String> inviteIdsOf(String roomId, String email) {
        return erasures.inviteIdsOf(roomId, email);
    }

    @Override
    public Optional<InviteKey> findByEmailMessage(String messageId) {
        return invites.findByEmailMessage(messageId);
    }

    @Override
    public Page listInvites(String roomId, InviteStatus status, int limit, String afterInviteId, Instant now) {
        return listing.listInvites(roomId, status, limit, afterInviteId, now);
    }

    @Override
    public boolean recordHistory(LifecycleEvent event) {
        return history.recordHistory(event);
    }

    @Override
    public List<HistoryEntry> history(String roomId, String inviteId) {
        return history.history(roomId, inviteId);
    }

    @Override
    public BatchRecord claimBatch(BatchRecord record) {
        return idempotency.claimBatch(record);
    }

    @Override
    public void finishBatch(BatchRecord record) {
        idempotency.finishBatch(record);
    }

    @Override
    public io.roominvites.domain.Erasure startErasure(io.roominvites.domain.Erasure fresh) {
        return erasures.startErasure(fresh);
    }

    @Override
    public Optional<io.roominvites.domain.Erasure> findErasure(String erasureId) {
        return erasures.findErasure(erasureId);
    }

    @Override
    public HolderPage holders(String emailKey, int limit, String after) {
        return erasures.holders(emailKey, limit, after);
    }

    @Override
    public Replaced eraseInvite(Invite current, Invite erased, String erasureId) {
        return erasures.eraseInvite(current, erased, erasureId);
    }

    @Override
    public int scrubHistory(String roomId, String inviteId) {
        return erasures.scrubHistory(roomId, inviteId);
    }

    @Override
    public void deleteKeyRecord(KeyRecordHolder record) {
        erasures.deleteKeyRecord(record);
    }

    @Override
    public int scrubJoinRequestHistory(String roomId, String inviteId, String joinRequestId) {
        return erasures.scrubJoinRequestHistory(roomId, inviteId, joinRequestId);
    }

    @Override
    public boolean deleteJoinRequest(JoinRequestHolder request) {
        return erasures.deleteJoinRequest(request);
    }

    @Override
    public boolean scrubGuestUse(GuestUseHolder use) {
        return erasures.scrubGuestUse(use);
    }

    @Override
    public void finishErasure(io.roominvites.domain.Erasure erasure, Instant finishedAt) {
        erasures.finishErasure(erasure, finishedAt);
    }

    @Override
    public boolean claimFollowUp(Claim claim) {
        return followUps.claim(claim);
    }

    @Override
    public void settleFollowUp(Settled settled) {
        followUps.settle(settled);
    }

    // ---------------------------------------------------------------- guest links and requests to join

    @Override
    public List<io.roominvites.domain.GuestLink> guestLinks(String roomId) {
        return guestLinks.guestLinks(roomId);
    }

    @Override
    public Optional<io.roominvites.domain.GuestLink> findGuestLink(String roomId, String guestLinkId) {
        return guestLinks.findGuestLink(roomId, guestLinkId);
    }

    @Override
    public boolean createGuestLink(io.roominvites.domain.GuestLink link, Instant now, Instant keepUntil) {
        return guestLinks.createGuestLink(link, now, keepUntil);
    }

    @Override
    public boolean revokeGuestLink(io.roominvites.domain.GuestLink current, io.roominvites.domain.GuestLink revoked) {
        return guestLinks.revokeGuestLink(current, revoked);
    }

    @Override
    public int[] shardCounts(io.roominvites.domain.GuestLink link) {
        return guestLinks.shardCounts(link);
    }

    @Override
    public Map<String, Integer> uses(List<io.roominvites.domain.GuestLink> links) {
        return guestLinks.uses(links);
    }

    @Override
    public boolean holdsUse(io.roominvites.domain.GuestLink link, String deviceId) {
        return guestLinks.holdsUse(link, deviceId);
    }

    @Override
    public UseOutcome takeUse(io.roominvites.domain.GuestLink link, int shard, GuestUse use, Instant keepUntil) {
        return guestLinks.takeUse(link, shard, use, keepUntil);
    }

    @Override
    public String addJoinRequest(io.roominvites.domain.JoinRequest request, Instant keepUntil) {
        return joinRequests.addJoinRequest(request, keepUntil);
    }

    @Override
    public Optional<io.roominvites.domain.JoinRequest> findJoinRequest(String roomId, String joinRequestId) {
        return joinRequests.findJoinRequest(roomId, joinRequestId);
    }

    @Override
    public JoinPage joinRequests(String roomId, io.roominvites.domain.JoinRequest.Status status, int limit, String afterId) {
        return joinRequests.joinRequests(roomId, status, limit, afterId);
    }

    @Override
    public boolean answerJoinRequest(io.roominvites.domain.JoinRequest current, io.roominvites.domain.JoinRequest answered) {
        return joinRequests.answerJoinRequest(current, answered);
    }
}
