package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An Idempotency-Key is remembered for 24 hours (README, "The table"). DynamoDB TTL only cleans the record up, and
 * may do so days late (DynamoDB Local: within seconds), so the window must be checked by the service itself.
 */
class IdempotencyKeyLifetimeTest extends ServiceTest {

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private Service.Response create(String room, String email, String key) {
        return service.call("POST", Manage.invites(room), service.token(Service.OWNER),
                Service.inviteBody(email, "VIEWER"), Map.of("Idempotency-Key", key));
    }

    @Test
    void aKeyIsForgottenAfterTwentyFourHoursWhetherOrNotTtlRemovedItsRecord() {
        String room = Service.roomId("idem-window");
        service.room(room, Duration.ofDays(3));
        Service.Response first = create(room, "first@example.org", "retry-key").expect(201);

        // within the window: a retry answers the first result
        service.advance(Duration.ofHours(23));
        Service.Response replay = create(room, "first@example.org", "retry-key").expect(201);
        assertEquals("true", replay.header("Idempotent-Replayed"));
        assertEquals(Service.inviteId(first), Service.inviteId(replay));

        // past the window the key is a new key, even though TTL has not removed its record (real time hasn't moved)
        service.advance(Duration.ofHours(2));
        Service.Response fresh = create(room, "second@example.org", "retry-key").expect(201);
        assertNull(fresh.header("Idempotent-Replayed"));
        assertNotEquals(Service.inviteId(first), Service.inviteId(fresh));
        assertEquals("second@example.org", fresh.obj("invite").get("email"));

        // and the key now stands for the new request
        Service.Response again = create(room, "second@example.org", "retry-key").expect(201);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(Service.inviteId(fresh), Service.inviteId(again));
        create(room, "third@example.org", "retry-key").expectError(409, "IDEMPOTENCY_CONFLICT");
    }
}
