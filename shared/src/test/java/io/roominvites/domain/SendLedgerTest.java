package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SendLedgerTest {
    private static final Instant T = Instant.parse("2030-03-01T10:00:30Z");

    @Test
    void countsTheSendsOfTheLast24Hours() {
        SendLedger l = SendLedger.empty().book(3, T).book(2, T.plus(Duration.ofHours(5)));
        assertEquals(5, l.used(T.plus(Duration.ofHours(5))));
        // the first three count until the minute they were booked in is a day old
        assertEquals(5, l.used(T.plus(Duration.ofHours(24)).minusSeconds(31)));
        assertEquals(2, l.used(T.plus(Duration.ofHours(24)).plusSeconds(30)));
        assertEquals(0, l.used(T.plus(Duration.ofHours(29)).plusSeconds(30)));
    }

    @Test
    void bookingDropsWhatNoLongerCounts() {
        SendLedger l = SendLedger.empty().book(4, T).book(1, T.plus(Duration.ofDays(2)));
        assertEquals(Map.of(T.plus(Duration.ofDays(2)).getEpochSecond() / 60, 1), l.perMinute());
    }

    @Test
    void roomAndTheWaitUntilOneMoreFits() {
        SendLedger l = SendLedger.empty().book(2, T).book(3, T.plus(Duration.ofHours(6)));
        Instant now = T.plus(Duration.ofHours(10));
        assertEquals(0, l.room(5, now));
        assertEquals(2, l.room(7, now));
        assertEquals(Duration.ZERO, l.waitFor(1, 6, now));
        // one more under 5: the first two leave at T's minute + 24 h, 14 h 00 min 30 s... minus the 30 s into the minute
        assertEquals(Duration.ofHours(14).minusSeconds(30), l.waitFor(1, 5, now));
        // three more under 5: the later three must leave too
        assertEquals(Duration.ofHours(20).minusSeconds(30), l.waitFor(3, 5, now));
        // more than the limit at once never fits: a day
        assertEquals(Duration.ofDays(1), l.waitFor(6, 5, now));
    }

    @Test
    void limitsAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new SendLimits(0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new SendLimits(10, 1_000_001, 0));
        assertThrows(IllegalArgumentException.class, () -> new SendLimits(10, 10, 86_401));
        assertEquals(new SendLimits(500, 2000, 60), SendLimits.defaults());
    }
}
