package io.roominvites.store.contract;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.RoomDetails;
import io.roominvites.service.Ids;
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.InviteStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The store under test and the values the contract's tests write: rooms, invites with time-ordered ids, all at
 * whole milliseconds (what the service passes, and what the table keeps).
 */
public interface StoreContract {
    Instant T0 = Instant.parse("2026-11-23T19:00:00Z");
    String OWNER = "owner@example.com";

    /** The store under test: fresh and empty for each test. */
    InviteStore store();

    /** An hour-long room starting an hour after {@link #T0}, owned by {@link #OWNER}. */
    static RoomDetails details(String roomId, String title) {
        return new RoomDetails(roomId, title, "A focused session.", T0.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofHours(2)), true, OWNER, List.of("co@example.com"), List.of("editor@example.com"),
                List.of());
    }

    /** Writes the room {@code roomId} at {@code version}; answers it as stored. */
    default Room room(String roomId, long version) {
        return store().putRoom(details(roomId, "Next-Level Growth"), version, T0).orElseThrow();
    }

    /** The n-th invite id: ids made later sort higher (newest first is highest first). */
    static String inviteId(int n) {
        return new Ids(new Random(n)).newInviteId(T0.plusSeconds(n));
    }

    /** A new pending invite of {@code email} (revision 0), its link valid for a day. */
    static Invite invite(String roomId, String inviteId, String email) {
        return Invite.created(inviteId, roomId, email, "Gia", "Guest", Role.VIEWER, T0, OWNER, "Olivia Owner",
                T0.plus(Duration.ofDays(1)), 1, null);
    }

    /** Creates {@code invite} in {@code room} (no Idempotency-Key) and checks that it was. */
    default Invite created(Invite invite, Room room) {
        assertInstanceOf(CreateResult.Created.class, store().createInvite(invite, room, null));
        return invite;
    }
}
