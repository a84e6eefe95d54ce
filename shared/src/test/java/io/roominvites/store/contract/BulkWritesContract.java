package io.roominvites.store.contract;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Room;
import io.roominvites.store.InviteRecords.BulkWrite;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link io.roominvites.store.InviteRecords#putInvites} and {@link io.roominvites.store.InviteRecords#findInvites}. */
public interface BulkWritesContract extends StoreContract {

    /** {@code count} new invites of {@code roomId}, numbered from {@code from}. */
    private static List<Invite> batch(String roomId, int from, int count) {
        List<Invite> out = new ArrayList<>(count);
        for (int n = from; n < from + count; n++) {
            out.add(StoreContract.invite(roomId, StoreContract.inviteId(n), "row" + n + "@example.org"));
        }
        return out;
    }

    private static List<String> ids(List<Invite> invites) {
        return invites.stream().map(Invite::inviteId).sorted().toList();
    }

    @Test
    default void aBatchLargerThanOneTransactionIsWrittenWhole() {
        Room room = room("growth", 1);
        List<Invite> batch = batch("growth", 1, 150); // two chunks of at most 99 invites
        assertEquals(new BulkWrite(150, false), store().putInvites(room, batch));
        List<Invite> found = new ArrayList<>(store().findInvites("growth", batch.stream().map(Invite::inviteId).toList()));
        found.sort(Comparator.comparing(Invite::inviteId));
        List<Invite> expected = new ArrayList<>(batch);
        expected.sort(Comparator.comparing(Invite::inviteId));
        assertEquals(expected, found);
    }

    @Test
    default void aBatchInARoomChangedSinceItWasReadWritesNothing() {
        Room read = room("growth", 1);
        room("growth", 2);
        List<Invite> batch = batch("growth", 1, 3);
        assertEquals(new BulkWrite(0, true), store().putInvites(read, batch));
        assertEquals(List.of(), store().findInvites("growth", ids(batch)));
    }

    @Test
    default void aBatchInADeletedRoomWritesNothingEvenAtItsVersion() {
        room("growth", 1);
        store().deleteRoom("growth", 2, T0);
        Room tombstone = store().findRoom("growth").orElseThrow();
        List<Invite> batch = batch("growth", 1, 3);
        assertEquals(new BulkWrite(0, true), store().putInvites(tombstone, batch));
        assertEquals(List.of(), store().findInvites("growth", ids(batch)));
    }

    @Test
    default void aBatchInARoomThatWasNeverStoredWritesNothing() {
        Room never = StoreContract.details("nowhere", "Never stored").stored(1, T0);
        assertEquals(new BulkWrite(0, true), store().putInvites(never, batch("nowhere", 1, 2)));
    }

    @Test
    default void invitesStoredByAnEarlierRunOfTheBatchCountAsWrittenAndAreKept() {
        Room room = room("growth", 1);
        List<Invite> batch = batch("growth", 1, 4);
        store().putInvites(room, batch.subList(0, 2));
        Invite changed = batch.get(0).revoked(T0.plusSeconds(1));
        store().replaceInvite(batch.get(0), changed, room, false);

        assertEquals(new BulkWrite(4, false), store().putInvites(room, batch));
        assertEquals(Optional.of(changed), store().findInvite("growth", batch.get(0).inviteId()),
                "a rerun does not overwrite what happened to an invite since");
        assertEquals(4, store().findInvites("growth", ids(batch)).size());
    }

    @Test
    default void findInvitesAnswersTheExistingInvitesOfThatRoomOnly() {
        Room room = room("growth", 1);
        List<Invite> batch = batch("growth", 1, 2);
        store().putInvites(room, batch);
        List<String> asked = List.of(batch.get(0).inviteId(), StoreContract.inviteId(99), batch.get(1).inviteId(),
                batch.get(0).inviteId());
        assertEquals(ids(batch), ids(store().findInvites("growth", asked)), "each existing one once");
        assertEquals(List.of(), store().findInvites("other", asked));
        assertEquals(List.of(), store().findInvites("growth", List.of()));
    }
}
