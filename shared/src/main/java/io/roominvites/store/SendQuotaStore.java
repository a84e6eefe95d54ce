package io.roominvites.store;

import io.roominvites.domain.SendLedger;

import java.time.Instant;
import java.util.List;

/**
 * The send ledgers (one a manager, one a room), changed only by an optimistic write: read them, decide, write them
 * back in one transaction that holds only if none changed since. So racing requests never book past a limit.
 */
public interface SendQuotaStore {

    /** A ledger as read: its key, its sends and its version (0 when none is stored). */
    record Stored(String key, SendLedger ledger, long version) {
    }

    /** Ledgers as read and what to write in their place: a booking made in the same write as what it books. */
    record Booking(List<Stored> read, List<SendLedger> next) {
        public Booking {
            read = List.copyOf(read);
            next = List.copyOf(next);
            if (read.size() != next.size()) {
                throw new IllegalArgumentException("a ledger to write for each read");
            }
        }
    }

    /** The ledgers of {@code keys}, in that order, read together in one consistent call. */
    List<Stored> loadLedgers(List<String> keys);

    /**
     * Writes {@code next.get(i)} in place of {@code read.get(i)} for each i, all or none, only if none was changed since
     * it was read; false when one was (read again and decide again). Each is kept a day past {@code now}.
     */
    boolean saveLedgers(List<Stored> read, List<SendLedger> next, Instant now);
}
