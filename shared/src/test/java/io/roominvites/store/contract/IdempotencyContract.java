package io.roominvites.store.contract;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;
import io.roominvites.store.IdempotencyStore.BatchRecord;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.InviteStore.BulkContext;
import io.roominvites.store.InviteStore.CreateContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Keys: what a key stood for, for exactly 24 hours after its first use, per scope. */
public interface IdempotencyContract extends StoreContract {
    String SCOPE = "local|owner@example.com|growth";

    private static IdempotencyRecord key(String hash, String inviteId, Instant at) {
        return new IdempotencyRecord(SCOPE, "key-1", hash, "growth", inviteId, at);
    }

    private static BatchRecord batch(String hash, String plan, boolean done, Instant at) {
        return new BatchRecord(SCOPE, "key-1", hash, "growth", at, plan, done);
    }

    /** Creates invite n with the Idempotency-Key "key-1" used at {@code at}. */
    private CreateResult createWithKey(Room room, int n, String hash, Instant at) {
        Invite invite = StoreContract.invite("growth", StoreContract.inviteId(n), "guest" + n + "@example.org");
        return store().createInvite(invite, room, key(hash, invite.inviteId(), at));
    }

    @Test
    default void aCreatesKeyIsReadBackWithTheRoomForTheNext24Hours() {
        Room room = room("growth", 1);
        assertEquals(new CreateContext(Optional.of(room), null),
                store().loadForCreate("growth", key("hash-a", null, T0)), "a key never used");
        assertInstanceOf(CreateResult.Created.class, createWithKey(room, 1, "hash-a", T0));

        IdempotencyRecord earlier = key("hash-a", StoreContract.inviteId(1), T0);
        Instant lastMoment = T0.plus(Duration.ofHours(24)).minusMillis(1);
        assertEquals(new CreateContext(Optional.of(room), earlier),
                store().loadForCreate("growth", key("hash-b", null, lastMoment)));
        assertNull(store().loadForCreate("growth", key("hash-a", null, T0.plus(Duration.ofHours(24)))).earlierUse(),
                "24 hours after its first use the key is free again");
        assertEquals(new CreateContext(Optional.of(room), null), store().loadForCreate("growth", null));
    }

    @Test
    default void aSecondCreateWithAKeyInForceIsRefusedWithTheFirstUseAndWritesNothing() {
        Room room = room("growth", 1);
        createWithKey(room, 1, "hash-a", T0);
        CreateResult second = createWithKey(room, 2, "hash-a", T0.plusSeconds(5));
        assertEquals(new CreateResult.KeyUsed(key("hash-a", StoreContract.inviteId(1), T0)), second);
        assertEquals(Optional.empty(), store().findInvite("growth", StoreContract.inviteId(2)));
    }

    @Test
    default void aKeyPast24HoursIsReplacedByItsNextUse() {
        Room room = room("growth", 1);
        createWithKey(room, 1, "hash-a", T0);
        Instant dayLater = T0.plus(Duration.ofHours(24));
        assertInstanceOf(CreateResult.Created.class, createWithKey(room, 2, "hash-b", dayLater));
        assertEquals(key("hash-b", StoreContract.inviteId(2), dayLater),
                store().loadForCreate("growth", key("hash-c", null, dayLater.plusSeconds(1))).earlierUse());
    }

    @Test
    default void keysOfOtherScopesNeverCollide() {
        Room room = room("growth", 1);
        createWithKey(room, 1, "hash-a", T0);
        IdempotencyRecord otherCaller = new IdempotencyRecord("local|co@example.com|growth", "key-1", "hash-a", "growth",
                null, T0.plusSeconds(1));
        assertNull(store().loadForCreate("growth", otherCaller).earlierUse());
        Invite invite = StoreContract.invite("growth", StoreContract.inviteId(2), "guest2@example.org");
        assertInstanceOf(CreateResult.Created.class, store().createInvite(invite, room,
                new IdempotencyRecord(otherCaller.scope(), "key-1", "hash-a", "growth", invite.inviteId(), T0.plusSeconds(1))));
    }

    @Test
    default void aBatchClaimsItsKeyOnceThenFinishesItsPlan() {
        Room room = room("growth", 1);
        assertEquals(new BulkContext(Optional.of(room), null), store().loadForBulk("growth", batch("h", null, false, T0)));
        BatchRecord claimed = batch("hash-a", "{\"rows\":[1]}", false, T0);
        assertNull(store().claimBatch(claimed), "claimed");
        assertEquals(claimed, store().claimBatch(batch("hash-b", "{\"rows\":[2]}", false, T0.plusSeconds(1))),
                "a second claim follows the first one's plan");

        BatchRecord done = batch("hash-a", "{\"rows\":[\"done\"]}", true, T0);
        store().finishBatch(done);
        assertEquals(new BulkContext(Optional.of(room), done),
                store().loadForBulk("growth", batch("hash-a", null, false, T0.plus(Duration.ofHours(24)).minusMillis(1))));
        assertNull(store().loadForBulk("growth", batch("hash-a", null, false, T0.plus(Duration.ofHours(24)))).earlier());
    }

    @Test
    default void aBatchKeyPast24HoursIsClaimedAfresh() {
        room("growth", 1);
        store().claimBatch(batch("hash-a", "{}", false, T0));
        BatchRecord next = batch("hash-b", "{\"next\":true}", false, T0.plus(Duration.ofHours(24)));
        assertNull(store().claimBatch(next));
        assertEquals(next, store().loadForBulk("growth", batch("x", null, false, next.createdAt().plusSeconds(1))).earlier());
    }

    @Test
    default void aKeyUsedByASingleCreateIsNeverTheSameBatch() {
        Room room = room("growth", 1);
        createWithKey(room, 1, "hash-a", T0);
        BatchRecord asBatch = store().loadForBulk("growth", batch("hash-a", null, false, T0.plusSeconds(1))).earlier();
        assertNull(asBatch.plan(), "no plan to follow: a different request");
        assertTrue(asBatch.done());
        BatchRecord claim = store().claimBatch(batch("hash-a", "{}", false, T0.plusSeconds(1)));
        assertNull(claim.plan());
        assertEquals(Optional.of(StoreContract.invite("growth", StoreContract.inviteId(1), "guest1@example.org")),
                store().findInvite("growth", StoreContract.inviteId(1)));
    }

    @Test
    default void aKeyUsedByABatchIsSeenByASingleCreateWithoutAnInvite() {
        Room room = room("growth", 1);
        store().claimBatch(batch("hash-batch", "{}", false, T0));
        IdempotencyRecord seen = store().loadForCreate("growth", key("hash-single", null, T0.plusSeconds(1))).earlierUse();
        assertEquals("hash-batch", seen.requestHash());
        assertNull(seen.inviteId());
        assertInstanceOf(CreateResult.KeyUsed.class, createWithKey(room, 1, "hash-single", T0.plusSeconds(1)));
        assertEquals(Optional.empty(), store().findInvite("growth", StoreContract.inviteId(1)));
    }
}
