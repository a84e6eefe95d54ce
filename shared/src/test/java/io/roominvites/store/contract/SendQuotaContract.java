package io.roominvites.store.contract;

import io.roominvites.domain.SendLedger;
import io.roominvites.domain.SendLimits;
import io.roominvites.store.SendQuotaStore.Stored;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link io.roominvites.store.SendQuotaStore}: the send ledgers, changed only by an optimistic write of all at once. */
public interface SendQuotaContract extends StoreContract {
    Instant AT = Instant.parse("2030-05-01T12:00:00Z");

    @Test
    default void aLedgerNeverWrittenIsEmptyAtVersionZeroInTheOrderAsked() {
        List<Stored> read = store().loadLedgers(List.of("MANAGER#m1", "ROOM#r1"));
        assertEquals(List.of("MANAGER#m1", "ROOM#r1"), read.stream().map(Stored::key).toList());
        for (Stored s : read) {
            assertEquals(0, s.version());
            assertEquals(0, s.ledger().used(AT));
        }
    }

    @Test
    default void aSaveWritesAllTheLedgersAndAnotherOnTheSameReadIsRefused() {
        List<Stored> read = store().loadLedgers(List.of("MANAGER#m2", "ROOM#r2"));
        assertTrue(store().saveLedgers(read, List.of(SendLedger.empty().book(2, AT), SendLedger.empty().book(3, AT)), AT));
        List<Stored> after = store().loadLedgers(List.of("MANAGER#m2", "ROOM#r2"));
        assertEquals(2, after.get(0).ledger().used(AT));
        assertEquals(3, after.get(1).ledger().used(AT));
        assertTrue(after.get(0).version() > 0 && after.get(1).version() > 0);

        // a racer that read before the save: refused whole, nothing of it written
        assertFalse(store().saveLedgers(read, List.of(SendLedger.empty().book(9, AT), SendLedger.empty().book(9, AT)), AT));
        List<Stored> still = store().loadLedgers(List.of("MANAGER#m2", "ROOM#r2"));
        assertEquals(2, still.get(0).ledger().used(AT));
        assertEquals(3, still.get(1).ledger().used(AT));

        // one ledger changed since (a booking in the room by another manager): the pair is refused
        List<Stored> other = store().loadLedgers(List.of("MANAGER#m3", "ROOM#r2"));
        assertTrue(store().saveLedgers(other, List.of(SendLedger.empty().book(1, AT),
                other.get(1).ledger().book(1, AT)), AT));
        List<Stored> stale = List.of(store().loadLedgers(List.of("MANAGER#m2")).getFirst(), still.get(1));
        assertFalse(store().saveLedgers(stale, List.of(SendLedger.empty().book(1, AT), SendLedger.empty().book(1, AT)), AT));
        assertEquals(4, store().loadLedgers(List.of("ROOM#r2")).getFirst().ledger().used(AT));
    }

    @Test
    default void theLedgerKeepsItsMinutesAndWaits() {
        List<Stored> read = store().loadLedgers(List.of("MANAGER#m4"));
        SendLedger booked = SendLedger.empty().book(1, AT).book(2, AT.plusSeconds(3600));
        assertTrue(store().saveLedgers(read, List.of(booked), AT.plusSeconds(3600)));
        SendLedger back = store().loadLedgers(List.of("MANAGER#m4")).getFirst().ledger();
        assertEquals(booked.perMinute(), back.perMinute());
        SendLimits limits = new SendLimits(3, 10, 0);
        assertEquals(0, back.room(limits.perManagerPerDay(), AT.plusSeconds(3600)));
    }

    @Test
    default void aCreateReadsTheLedgersWithTheRoomAndBooksThemInItsOwnWrite() {
        io.roominvites.domain.Room room = room("quota-room", 1);
        List<String> keys = List.of("MANAGER#m5", "ROOM#quota-room");
        var context = store().loadForCreate("quota-room", null, keys);
        assertEquals(java.util.Optional.of(room), context.room());
        assertEquals(keys, context.ledgers().stream().map(Stored::key).toList());
        var booking = new io.roominvites.store.SendQuotaStore.Booking(context.ledgers(),
                List.of(SendLedger.empty().book(1, AT), SendLedger.empty().book(1, AT)));
        io.roominvites.domain.Invite first = StoreContract.invite("quota-room", StoreContract.inviteId(1), "a@example.org");
        assertEquals(new io.roominvites.store.InviteRecords.CreateResult.Created(first),
                store().createInvite(first, room, null, booking));
        List<Stored> after = store().loadLedgers(keys);
        assertEquals(1, after.get(0).ledger().used(AT));
        assertEquals(1, after.get(1).ledger().used(AT));

        // a second create decided on the same (now stale) ledgers: refused whole, the invite not written
        io.roominvites.domain.Invite second = StoreContract.invite("quota-room", StoreContract.inviteId(2), "b@example.org");
        assertEquals(new io.roominvites.store.InviteRecords.CreateResult.LedgersChanged(),
                store().createInvite(second, room, null, booking));
        assertEquals(java.util.Optional.empty(), store().findInvite("quota-room", second.inviteId()));
        assertEquals(1, store().loadLedgers(keys).get(0).ledger().used(AT));
    }
}
