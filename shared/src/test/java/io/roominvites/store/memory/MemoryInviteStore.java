package io.roominvites.store.memory;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import io.roominvites.domain.SiteSettings;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.store.InviteStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link InviteStore} in memory, for fast tests: plain Java, deterministic, thread-safe (every method holds the
 * store's lock, so each call is atomic, as each DynamoDB call of the real store is). The same contract tests
 * ({@code InviteStoreContract}) hold it and {@code DynamoInviteStore} to one behaviour; where the port's javadoc
 * leaves a choice open, this store makes the one the table makes:
 * <ul>
 *   <li>an invite write that checks the room compares the room's stored version only (the table's gate): a room that
 *       was never stored has no gate and passes, and so does a tombstone still at the version read;</li>
 *   <li>{@link RoomCheck#UNKNOWN} is answered only where the room was not checked (a refused write without the room's
 *       gate). The other UNKNOWN, a gate that gave no verdict (TransactionConflict, a throttle), is an AWS outcome this
 *       store never gives: tests of that path need the table or a fault-injecting decorator;</li>
 *   <li>deleting a deleted room is no error (its tombstone takes the new version); a listing never stops short, so
 *       {@code searchLimitReached} is always false; a history has no 1,000-entry cap.</li>
 *   <li>a page that ends the listing has a null {@code lastInviteId} here; the table may instead name the last invite
 *       of a page that exactly fills {@code limit} (a shard's query stopped at its limit) and answer an empty, final
 *       page after it. The contract allows both: a caller follows {@code lastInviteId} until it is null.</li>
 * </ul>
 * Instants are kept as given: the table keeps milliseconds, and the service only passes millisecond times.
 */
public final class MemoryInviteStore implements InviteStore {
    /** How long an Idempotency-Key's record is in force. */
    private static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private SiteSettings settings;
    private final Map<String, Room> rooms = new HashMap<>();
    private final Map<String, DirectoryUser> users = new TreeMap<>();
    private final Map<InviteKey, Invite> invites = new HashMap<>();
    private final Map<InviteKey, TreeMap<String, HistoryEntry>> histories = new HashMap<>();
    /** Idempotency-Keys by scope and key: a single create's record or a batch's. */
    private final Map<List<String>, KeyRecord> keys = new HashMap<>();

    /** What one Idempotency-Key holds: a single create's record ({@code batch} null) or a batch's. */
    private record KeyRecord(IdempotencyRecord single, BatchRecord batch, String emailKey) {
        KeyRecord(IdempotencyRecord single, BatchRecord batch) {
            this(single, batch, null);
        }

        Instant createdAt() {
            return single != null ? single.createdAt() : batch.createdAt();
        }

        boolean inForceAt(Instant now) {
            return createdAt().plus(KEY_LIFETIME).isAfter(now);
        }
    }

    /** The send ledgers by key, with their versions. */
    private final Map<String, Stored> ledgers = new HashMap<>();

    // ---------------------------------------------------------------- send ledgers

    @Override
    public synchronized List<Stored> loadLedgers(List<String> keys) {
        List<Stored> out = new java.util.ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(ledgers.getOrDefault(k, new Stored(k, io.roominvites.domain.SendLedger.empty(), 0)));
        }
        return out;
    }

    private boolean unchanged(List<Stored> read) {
        for (Stored was : read) {
            Stored stored = ledgers.get(was.key());
            if ((stored == null ? 0 : stored.version()) != was.version()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized boolean saveLedgers(List<Stored> read, List<io.roominvites.domain.SendLedger> next, Instant now) {
        if (!unchanged(read)) {
            return false;
        }
        for (int i = 0; i < read.size(); i++) {
            Stored was = read.get(i);
            ledgers.put(was.key(), new Stored(was.key(), next.get(i), was.version() + 1));
        }
        return true;
    }

    // ---------------------------------------------------------------- settings and directory

    @Override
    public synchronized Optional<SiteSettings> loadSettings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public synchronized void saveSettings(SiteSettings s) {
        settings = s;
    }

    @Override
    public synchronized void putUser(DirectoryUser user) {
        users.put(user.email(), user);
    }

    @Override
    public synchronized void removeUser(String email) {
        users.remove(email);
    }

    @Override
    public synchronized List<DirectoryUser> suggestUsers(String prefix, int limit) {
        return DirectorySearch.suggest(users.values(), prefix, limit);
    }

    // ---------------------------------------------------------------- rooms

    @Override
    public synchronized Optional<Room> findRoom(String roomId) {
        return Optional.ofNullable(rooms.get(roomId));
    }

    @Override
    public synchronized Optional<Room> putRoom(RoomDetails room, long version, Instant now) {
        Room existing = rooms.get(room.roomId());
        if (existing != null && existing.deleted()) {
            return Optional.empty();
        }
        Room stored = room.stored(version, now);
        rooms.put(room.roomId(), stored);
        return Optional.of(stored);
    }

    @Override
    public synchronized boolean deleteRoom(String roomId, long version, Instant now) {
        Room r = rooms.get(roomId);
        if (r == null) {
            return false;
        }
        // as the table's update: the tombstone keeps the details and updatedAt, and takes the new version
        rooms.put(roomId, new Room(r.roomId(), r.title(), r.description(), r.startsAt(), r.endsAt(),
                r.chatAndCollaborationEnabled(), r.owner(), r.coOwners(), r.coEditors(), r.coPublishers(), true, version,
                r.updatedAt()));
        return true;
    }

    /** The table's gate check: the room is at {@code version}, or was never stored (it has no gate). */
    private boolean gatePasses(String roomId, long version) {
        Room stored = rooms.get(roomId);
        return stored == null || stored.version() == version;
    }

    // ---------------------------------------------------------------- reads of two entities

    @Override
    public synchronized Loaded load(String roomId, String inviteId) {
        return new Loaded(findRoom(roomId), findInvite(roomId, inviteId));
    }

    @Override
    public synchronized CreateContext loadForCreate(String roomId, IdempotencyRecord key, List<String> ledgerKeys) {
        KeyRecord earlier = key == null ? null : inForce(key.scope(), key.key(), key.createdAt());
        return new CreateContext(findRoom(roomId), earlier == null ? null : asSingle(key, earlier), loadLedgers(ledgerKeys));
    }

    @Override
    public synchronized BulkContext loadForBulk(String roomId, BatchRecord key) {
        KeyRecord earlier = key == null ? null : inForce(key.scope(), key.key(), key.createdAt());
        return new BulkContext(findRoom(roomId), earlier == null ? null : asBatch(key, earlier));
    }

    // ---------------------------------------------------------------- invites

    @Override
    public synchronized CreateResult createInvite(Invite invite, Room room, IdempotencyRecord idempotency,
                                                  Booking booking) {
        if (idempotency != null) {
            KeyRecord earlier = inForce(idempotency.scope(), idempotency.key(), idempotency.createdAt());
            if (earlier != null) {
                return new CreateResult.KeyUsed(asSingle(idempotency, earlier));
            }
        }
        InviteKey key = keyOf(invite);
        if (invites.containsKey(key)) {
            return new CreateResult.Created(invite); // its id is taken by this very write (a retry): nothing written
        }
        if (booking != null && !unchanged(booking.read())) {
            return new CreateResult.LedgersChanged(); // as the table tells it when both a ledger and the room changed
        }
        if (!gatePasses(invite.roomId(), room.version())) {
            return new CreateResult.RoomChanged();
        }
        if (booking != null) {
            saveLedgers(booking.read(), booking.next(), invite.createdAt());
        }
        invites.put(key, invite);
        if (idempotency != null) {
            keys.put(List.of(idempotency.scope(), idempotency.key()), new KeyRecord(idempotency, null,
                    invite.email() == null ? null : io.roominvites.domain.Emails.erasureKey(invite.email())));
        }
        return new CreateResult.Created(invite);
    }

    @Override
    public synchronized Optional<Invite> findInvite(String roomId, String inviteId) {
        return Optional.ofNullable(invites.get(new InviteKey(roomId, inviteId)));
    }

    @Override
    public synchronized Replaced replaceInvite(Invite current, Invite next, Room room, boolean roomGate) {
        InviteKey key = keyOf(current);
        Invite stored = invites.get(key);
        if (stored == null) {
            return new Replaced.Gone();
        }
        boolean revision = stored.rev() == current.rev();
        if (!roomGate) {
            if (!revision) {
                return new Replaced.Changed(stored, RoomCheck.UNKNOWN); // the room was not checked
            }
        } else {
            boolean gate = gatePasses(current.roomId(), room.version());
            if (!revision) {
                return new Replaced.Changed(stored, gate ? RoomCheck.UNCHANGED : RoomCheck.CHANGED);
            }
            if (!gate) {
                return new Replaced.Changed(null, RoomCheck.CHANGED);
            }
        }
        invites.put(key, next);
        return new Replaced.Applied(next);
    }

    @Override
    public synchronized BulkWrite putInvites(Room room, List<Invite> list) {
        int written = 0;
        while (written < list.size()) {
            Room stored = rooms.get(room.roomId());
            if (stored == null || stored.deleted() || stored.version() != room.version()) {
                return new BulkWrite(written, true);
            }
            int end = Math.min(list.size(), written + BULK_CHUNK);
            for (Invite invite : list.subList(written, end)) {
                invites.putIfAbsent(keyOf(invite), invite); // one stored already was written by an earlier run
            }
            written = end;
        }
        return new BulkWrite(written, false);
    }

    @Override
    public synchronized List<Invite> findInvites(String roomId, List<String> inviteIds) {
        List<Invite> out = new ArrayList<>();
        for (String id : new LinkedHashSet<>(inviteIds)) {
            findInvite(roomId, id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public synchronized List<String> inviteIdsOf(String roomId, String email) {
        return invites.values().stream().filter(i -> i.roomId().equals(roomId) && email.equals(i.email()))
                .map(Invite::inviteId).sorted().toList();
    }

    @Override
    public synchronized Optional<InviteKey> findByEmailMessage(String messageId) {
        return invites.values().stream()
                .filter(i -> i.emailDelivery() != null && messageId.equals(i.emailDelivery().messageId()))
                .map(MemoryInviteStore::keyOf)
                .min(Comparator.comparing(InviteKey::roomId).thenComparing(InviteKey::inviteId));
    }

    @Override
    public synchronized Page listInvites(String roomId, InviteStatus status, int limit, String afterInviteId,
                                         Instant now) {
        List<Invite> matches = invites.values().stream()
                .filter(i -> i.roomId().equals(roomId))
                .filter(i -> afterInviteId == null || i.inviteId().compareTo(afterInviteId) < 0)
                .filter(i -> status == null || i.status(now) == status)
                .sorted(Comparator.comparing(Invite::inviteId).reversed())
                .toList();
        if (matches.size() <= limit) {
            return new Page(matches, null, false);
        }
        List<Invite> page = matches.subList(0, limit);
        return new Page(List.copyOf(page), page.getLast().inviteId(), false);
    }

    private static InviteKey keyOf(Invite invite) {
        return new InviteKey(invite.roomId(), invite.inviteId());
    }

    // ---------------------------------------------------------------- history

    @Override
    public synchronized boolean recordHistory(LifecycleEvent event) {
        if (event.inviteId() == null) {
            throw new IllegalArgumentException("only an invite's events have a history");
        }
        TreeMap<String, HistoryEntry> history = histories.computeIfAbsent(
                new InviteKey(event.roomId(), event.inviteId()), k -> new TreeMap<>());
        return history.putIfAbsent(HistoryOrder.key(event), HistoryOrder.entry(event)) == null;
    }

    @Override
    public synchronized List<HistoryEntry> history(String roomId, String inviteId) {
        TreeMap<String, HistoryEntry> history = histories.get(new InviteKey(roomId, inviteId));
        return history == null ? List.of() : List.copyOf(history.values());
    }

    // ---------------------------------------------------------------- idempotency

    @Override
    public synchronized BatchRecord claimBatch(BatchRecord record) {
        KeyRecord earlier = inForce(record.scope(), record.key(), record.createdAt());
        if (earlier != null) {
            return asBatch(record, earlier);
        }
        keys.put(List.of(record.scope(), record.key()), new KeyRecord(null, record));
        return null;
    }

    @Override
    public synchronized void finishBatch(BatchRecord record) {
        keys.put(List.of(record.scope(), record.key()), new KeyRecord(null, record));
    }

    /** The record of this key still in force at {@code now} (used less than 24 hours before), else null. */
    private KeyRecord inForce(String scope, String key, Instant now) {
        KeyRecord r = keys.get(List.of(scope, key));
        return r != null && r.inForceAt(now) ? r : null;
    }

    /** An earlier use as a single create sees it: a batch's record has its hash and no invite id. */
    private static IdempotencyRecord asSingle(IdempotencyRecord key, KeyRecord r) {
        if (r.single() != null) {
            IdempotencyRecord s = r.single();
            return new IdempotencyRecord(key.scope(), key.key(), s.requestHash(), s.roomId(), s.inviteId(), s.createdAt());
        }
        BatchRecord b = r.batch();
        return new IdempotencyRecord(key.scope(), key.key(), b.requestHash(), b.roomId(), null, b.createdAt());
    }

    /** An earlier use as a batch sees it: a single create's record is a batch with no plan (never the same request). */
    private static BatchRecord asBatch(BatchRecord key, KeyRecord r) {
        if (r.batch() != null) {
            BatchRecord b = r.batch();
            return new BatchRecord(key.scope(), key.key(), b.requestHash(), b.roomId(), b.createdAt(), b.plan(), b.done());
        }
        IdempotencyRecord s = r.single();
        return new BatchRecord(key.scope(), key.key(), "", s.roomId(), s.createdAt(), null, true);
    }

    // ---------------------------------------------------------------- erasures

    private final Map<String, io.roominvites.domain.Erasure> erasures = new HashMap<>();
    private final Map<String, java.util.Set<String>> erasureRooms = new HashMap<>();
    private final Map<String, String> erasureLocks = new HashMap<>();

    @Override
    public synchronized io.roominvites.domain.Erasure startErasure(io.roominvites.domain.Erasure fresh) {
        String running = erasureLocks.get(fresh.emailKey());
        if (running != null) {
            return erasures.get(running);
        }
        erasures.put(fresh.erasureId(), fresh);
        erasureRooms.put(fresh.erasureId(), new java.util.TreeSet<>());
        erasureLocks.put(fresh.emailKey(), fresh.erasureId());
        return fresh;
    }

    @Override
    public synchronized Optional<io.roominvites.domain.Erasure> findErasure(String erasureId) {
        return Optional.ofNullable(erasures.get(erasureId));
    }

    @Override
    public synchronized HolderPage holders(String emailKey, int limit, String after) {
        TreeMap<String, Holder> all = new TreeMap<>();
        for (Invite i : invites.values()) {
            if (i.email() != null && io.roominvites.domain.Emails.erasureKey(i.email()).equals(emailKey)) {
                all.put("INVITE\n" + i.roomId() + "\n" + i.inviteId(), new InviteHolder(i.roomId(), i.inviteId()));
            }
        }
        keys.forEach((k, r) -> {
            if (emailKey.equals(r.emailKey())) {
                String ref = k.get(0) + "\n" + k.get(1);
                all.put("KEY\n" + ref, new KeyRecordHolder(ref));
            }
        });
        all.putAll(guests.holders(emailKey));
        List<Holder> page = new ArrayList<>();
        String last = null;
        for (Map.Entry<String, Holder> e : (after == null ? all : all.tailMap(after, false)).entrySet()) {
            if (page.size() == limit) {
                return new HolderPage(page, last);
            }
            page.add(e.getValue());
            last = e.getKey();
        }
        return new HolderPage(page, null);
    }

    @Override
    public synchronized Replaced eraseInvite(Invite current, Invite erased, String erasureId) {
        io.roominvites.domain.Erasure e = erasures.get(erasureId);
        if (e == null) {
            throw new io.roominvites.domain.InviteException(io.roominvites.domain.ErrorCode.SERVICE_UNAVAILABLE);
        }
        InviteKey key = keyOf(current);
        Invite stored = invites.get(key);
        if (stored == null) {
            return new Replaced.Gone();
        }
        if (stored.rev() != current.rev()) {
            return new Replaced.Changed(stored, RoomCheck.UNKNOWN);
        }
        invites.put(key, erased);
        java.util.Set<String> rooms = erasureRooms.get(erasureId);
        rooms.add(current.roomId());
        erasures.put(erasureId, new io.roominvites.domain.Erasure(e.erasureId(), e.emailKey(), e.status(),
                e.invitesErased() + 1, rooms.size(), e.startedAt(), e.finishedAt()));
        return new Replaced.Applied(erased);
    }

    @Override
    public synchronized int scrubHistory(String roomId, String inviteId) {
        return scrub(roomId, inviteId, e -> true);
    }

    private int scrub(String roomId, String inviteId, java.util.function.Predicate<HistoryEntry> which) {
        TreeMap<String, HistoryEntry> history = histories.get(new InviteKey(roomId, inviteId));
        int changed = 0;
        if (history != null) {
            for (Map.Entry<String, HistoryEntry> e : history.entrySet()) {
                HistoryEntry kept = e.getValue().withoutPersonalData();
                if (which.test(e.getValue()) && !kept.equals(e.getValue())) {
                    e.setValue(kept);
                    changed++;
                }
            }
        }
        return changed;
    }

    @Override
    public synchronized void deleteKeyRecord(KeyRecordHolder record) {
        int cut = record.ref().indexOf('\n');
        keys.remove(List.of(record.ref().substring(0, cut), record.ref().substring(cut + 1)));
    }

    @Override
    public synchronized int scrubJoinRequestHistory(String roomId, String inviteId, String joinRequestId) {
        return scrub(roomId, inviteId, e -> joinRequestId.equals(e.details().get("joinRequestId")));
    }

    @Override
    public synchronized boolean deleteJoinRequest(JoinRequestHolder request) {
        return guests.deleteJoinRequest(request);
    }

    @Override
    public synchronized boolean scrubGuestUse(GuestUseHolder use) {
        return guests.scrubGuestUse(use);
    }

    @Override
    public synchronized void finishErasure(io.roominvites.domain.Erasure erasure, Instant finishedAt) {
        io.roominvites.domain.Erasure e = erasures.get(erasure.erasureId());
        if (e == null || !e.running()) {
            return;
        }
        erasures.put(e.erasureId(), new io.roominvites.domain.Erasure(e.erasureId(), null,
                io.roominvites.domain.Erasure.Status.DONE, e.invitesErased(), e.roomsTouched(), e.startedAt(), finishedAt));
        erasureLocks.remove(e.emailKey(), e.erasureId());
    }

    // ---------------------------------------------------------------- follow-up claims

    private final Map<String, Claim> followUpClaims = new HashMap<>();
    private final Map<String, Settled> followUpsSettled = new HashMap<>();

    private static String followUpKey(Claim c) {
        return c.roomId() + "#" + c.inviteId() + "#" + io.roominvites.domain.FollowUpMail.claimKey(c.kind(), c.ref());
    }

    @Override
    public synchronized boolean claimFollowUp(Claim claim) {
        return followUpClaims.putIfAbsent(followUpKey(claim), claim) == null;
    }

    @Override
    public synchronized void settleFollowUp(Settled settled) {
        Claim held = followUpClaims.get(followUpKey(settled.claim()));
        if (held != null && held.claimId().equals(settled.claim().claimId())) {
            followUpsSettled.putIfAbsent(followUpKey(settled.claim()), settled);
        }
    }

    /** The follow-ups settled, in no order. */
    public synchronized java.util.List<Settled> followUpsSettled() {
        return java.util.List.copyOf(followUpsSettled.values());
    }

    // ---------------------------------------------------------------- guest links and requests to join

    private final MemoryGuestsAndRequests guests = new MemoryGuestsAndRequests();

    @Override
    public List<io.roominvites.domain.GuestLink> guestLinks(String roomId) {
        return guests.guestLinks(roomId);
    }

    @Override
    public Optional<io.roominvites.domain.GuestLink> findGuestLink(String roomId, String guestLinkId) {
        return guests.findGuestLink(roomId, guestLinkId);
    }

    @Override
    public boolean createGuestLink(io.roominvites.domain.GuestLink link, Instant now, Instant keepUntil) {
        return guests.createGuestLink(link, now, keepUntil);
    }

    @Override
    public boolean revokeGuestLink(io.roominvites.domain.GuestLink current, io.roominvites.domain.GuestLink revoked) {
        return guests.revokeGuestLink(current, revoked);
    }

    @Override
    public int[] shardCounts(io.roominvites.domain.GuestLink link) {
        return guests.shardCounts(link);
    }

    @Override
    public Map<String, Integer> uses(List<io.roominvites.domain.GuestLink> links) {
        return guests.uses(links);
    }

    @Override
    public boolean holdsUse(io.roominvites.domain.GuestLink link, String deviceId) {
        return guests.holdsUse(link, deviceId);
    }

    @Override
    public UseOutcome takeUse(io.roominvites.domain.GuestLink link, int shard, GuestUse use, Instant keepUntil) {
        return guests.takeUse(link, shard, use, keepUntil);
    }

    @Override
    public String addJoinRequest(io.roominvites.domain.JoinRequest request, Instant keepUntil) {
        return guests.addJoinRequest(request, keepUntil);
    }

    @Override
    public Optional<io.roominvites.domain.JoinRequest> findJoinRequest(String roomId, String joinRequestId) {
        return guests.findJoinRequest(roomId, joinRequestId);
    }

    @Override
    public JoinPage joinRequests(String roomId, io.roominvites.domain.JoinRequest.Status status, int limit, String afterId) {
        return guests.joinRequests(roomId, status, limit, afterId);
    }

    @Override
    public boolean answerJoinRequest(io.roominvites.domain.JoinRequest current, io.roominvites.domain.JoinRequest answered) {
        return guests.answerJoinRequest(current, answered);
    }
}
