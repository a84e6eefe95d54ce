package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An email attempt is known by its time: no two attempts of one invite share one. */
class EmailDeliveryTest {
    private static final Instant T = Instant.parse("2030-04-10T10:00:00.123Z");

    @Test
    void twoAttemptsQueuedInOneMillisecondHaveTwoTimes() {
        Invite.EmailDelivery first = Invite.EmailDelivery.queue(null, T);
        Invite.EmailDelivery both = Invite.EmailDelivery.queue(first, T);
        assertEquals(2, both.attempts());
        Instant second = both.at();
        assertNotEquals(T, second);
        assertEquals(T.plusMillis(1), second);

        // the second settles: the first is still QUEUED, under its own time, for its own sender
        Invite.EmailDelivery settled = both.settle(second, new Invite.Attempt("SENT", T.plusMillis(5), null), "m-2");
        assertTrue(settled.hasQueued(T));
        assertFalse(settled.hasQueued(second));
        // a later attempt never goes back before the latest one
        assertEquals(T.plusMillis(6), Invite.EmailDelivery.queue(settled, T).at());
        assertEquals(T.plusSeconds(60), Invite.EmailDelivery.queue(settled, T.plusSeconds(60)).at());
    }
}
