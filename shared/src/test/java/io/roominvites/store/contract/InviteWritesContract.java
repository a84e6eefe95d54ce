package io.roominvites.store.contract;

import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.InviteRecords.InviteKey;
import io.roominvites.store.InviteRecords.Replaced;
import io.roominvites.store.InviteRecords.RoomCheck;
import io.roominvites.store.InviteStore.Loaded;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * {@link io.roominvites.store.InviteRecords}' single writes: create only in the room as read, replace only from the
 * revision read (and, gated, the room's version read), and what a refused write tells.
 */
public interface InviteWritesContract extends StoreContract {

    /** An invite with every field set, at revision 1, as a write after its creation would store it. */
    static Invite everyFieldSet(Invite created) {
        Invite.EmailDelivery delivery = new Invite.EmailDelivery("msg-0001",
                List.of(new Invite.Attempt("SENT", T0, null), new Invite.Attempt("FAILED", T0.plusSeconds(1), "mailbox full")),
                new Invite.DeliveryEvent("BOUNCED", T0.plusSeconds(2), "mailbox does not exist"));
        return new Invite(created.inviteId(), created.roomId(), created.email(), "Ada", "Lovelace", Role.SPEAKER,
                InviteStatus.REVOKED, created.createdAt(), created.createdBy(), created.createdByName(),
                created.expiresAt(), T0.plusSeconds(10), T0.plusSeconds(40), T0.plusSeconds(20),
                List.of(new Invite.Device("laptop-0001", T0.plusSeconds(10)), new Invite.Device("phone-0002", T0.plusSeconds(15))),
                3, 2, 2, T0.plusSeconds(30), 4, delivery, created.rev() + 1, OWNER, T0.plusSeconds(40));
    }

    /** Invite 1, of ada@example.org, created in {@code room}. */
    private Invite ada(Room room) {
        return created(StoreContract.invite(room.roomId(), StoreContract.inviteId(1), "ada@example.org"), room);
    }

    /** Ada's invite stored, then changed once (a wrong email, revision 1): answers the revision it was changed from. */
    private Invite staleAda(Room room) {
        Invite v0 = ada(room);
        store().replaceInvite(v0, v0.withWrongEmail(), room, false);
        return v0;
    }

    @Test
    default void aCreatedInviteReadsBackWholeAloneAndWithItsRoom() {
        Room room = room("growth", 1);
        Invite invite = StoreContract.invite("growth", StoreContract.inviteId(1), "ada@example.org");
        assertEquals(new CreateResult.Created(invite), store().createInvite(invite, room, null));
        assertEquals(Optional.of(invite), store().findInvite("growth", invite.inviteId()));
        assertEquals(new Loaded(Optional.of(room), Optional.of(invite)), store().load("growth", invite.inviteId()));
    }

    @Test
    default void loadAnswersEachSideEmptyWhenItIsMissing() {
        Room room = room("growth", 1);
        assertEquals(new Loaded(Optional.of(room), Optional.empty()), store().load("growth", StoreContract.inviteId(1)));
        assertEquals(new Loaded(Optional.empty(), Optional.empty()), store().load("nowhere", StoreContract.inviteId(1)));
        assertEquals(Optional.empty(), store().findInvite("growth", StoreContract.inviteId(1)));
    }

    /** A create of ada's invite decided on the room as {@code read} is refused (read it again) and writes nothing. */
    private void assertCreateRefused(Room read) {
        Invite invite = StoreContract.invite(read.roomId(), StoreContract.inviteId(1), "ada@example.org");
        assertInstanceOf(CreateResult.RoomChanged.class, store().createInvite(invite, read, null));
        assertEquals(Optional.empty(), store().findInvite(read.roomId(), invite.inviteId()));
    }

    @Test
    default void aCreateInARoomChangedSinceItWasReadIsRefusedAndWritesNothing() {
        Room read = room("growth", 1);
        room("growth", 2);
        assertCreateRefused(read);
    }

    @Test
    default void aCreateInARoomDeletedSinceItWasReadIsRefused() {
        Room read = room("growth", 1);
        store().deleteRoom("growth", 2, T0);
        assertCreateRefused(read);
    }

    @Test
    default void aCreateWhoseInviteIdIsStoredAlreadyIsItsOwnRetryAndOverwritesNothing() {
        Room room = room("growth", 1);
        Invite first = ada(room);
        Invite again = StoreContract.invite("growth", first.inviteId(), "someone-else@example.org");
        assertInstanceOf(CreateResult.Created.class, store().createInvite(again, room, null));
        assertEquals(Optional.of(first), store().findInvite("growth", first.inviteId()));
    }

    @Test
    default void aReplaceFromTheStoredRevisionAppliesAndKeepsEveryField() {
        Room room = room("growth", 1);
        Invite stored = ada(room);
        Invite next = everyFieldSet(stored);
        assertEquals(new Replaced.Applied(next), store().replaceInvite(stored, next, room, true));
        assertEquals(Optional.of(next), store().findInvite("growth", stored.inviteId()));

        Invite third = next.withRole(Role.MODERATOR, T0.plusSeconds(50));
        assertEquals(new Replaced.Applied(third), store().replaceInvite(next, third, room, false));
        assertEquals(Optional.of(third), store().findInvite("growth", stored.inviteId()));
    }

    @Test
    default void aReplaceFromAnOlderRevisionIsRefusedWithTheInviteAsStored() {
        Room room = room("growth", 1);
        Invite v0 = staleAda(room);
        Invite v1 = v0.withWrongEmail();
        Invite late = v0.revoked(T0.plusSeconds(5));

        assertEquals(new Replaced.Changed(v1, RoomCheck.UNKNOWN), store().replaceInvite(v0, late, room, false),
                "without the room's gate, the room was not checked");
        assertEquals(new Replaced.Changed(v1, RoomCheck.UNCHANGED), store().replaceInvite(v0, late, room, true),
                "with the gate, the room still at the version read");
        assertEquals(Optional.of(v1), store().findInvite("growth", v0.inviteId()));
    }

    /** A gated entry into {@code v0}, decided on the room as {@code read} that changed since: refused, nothing written. */
    private Invite assertGatedEntryRefused(Room read, Invite v0) {
        Invite entered = v0.enteredBy("laptop-0001", T0.plusSeconds(5));
        assertEquals(new Replaced.Changed(null, RoomCheck.CHANGED), store().replaceInvite(v0, entered, read, true));
        assertEquals(Optional.of(v0), store().findInvite(read.roomId(), v0.inviteId()));
        return entered;
    }

    @Test
    default void aGatedReplaceAfterTheRoomChangedIsRefusedAndWritesNothing() {
        Room read = room("growth", 1);
        Invite v0 = ada(read);
        room("growth", 2);
        Invite entered = assertGatedEntryRefused(read, v0);
        // the same write without the gate does not look at the room
        assertEquals(new Replaced.Applied(entered), store().replaceInvite(v0, entered, read, false));
    }

    @Test
    default void aGatedReplaceAfterTheRoomWasDeletedIsRefused() {
        Room read = room("growth", 1);
        Invite v0 = ada(read);
        store().deleteRoom("growth", 2, T0);
        assertGatedEntryRefused(read, v0);
    }

    @Test
    default void aGatedReplaceFromAnOlderRevisionInAChangedRoomSaysBoth() {
        Room read = room("growth", 1);
        Invite v0 = staleAda(read);
        room("growth", 2);
        assertEquals(new Replaced.Changed(v0.withWrongEmail(), RoomCheck.CHANGED),
                store().replaceInvite(v0, v0.revoked(T0), read, true));
    }

    @Test
    default void aReplaceOfAnInviteThatDoesNotExistIsGone() {
        Room room = room("growth", 1);
        Invite never = StoreContract.invite("growth", StoreContract.inviteId(1), "ada@example.org");
        assertInstanceOf(Replaced.Gone.class, store().replaceInvite(never, never.revoked(T0), room, false));
        assertInstanceOf(Replaced.Gone.class, store().replaceInvite(never, never.revoked(T0), room, true));
        assertEquals(Optional.empty(), store().findInvite("growth", never.inviteId()));
    }

    @Test
    default void racingReplacesFromOneRevisionApplyExactlyOnce() throws Exception {
        Room room = room("growth", 1);
        Invite v0 = ada(room);
        int racers = 8;
        List<Replaced> outcomes = Racing.run(racers, i -> store().replaceInvite(v0,
                v0.enteredBy("device-000" + i, T0.plusMillis(i)), room, false));
        List<Replaced> applied = outcomes.stream().filter(r -> r instanceof Replaced.Applied).toList();
        assertEquals(1, applied.size(), outcomes::toString);
        Invite winner = ((Replaced.Applied) applied.getFirst()).invite();
        assertEquals(Optional.of(winner), store().findInvite("growth", v0.inviteId()));
        for (Replaced r : outcomes) {
            if (r instanceof Replaced.Changed changed) {
                assertEquals(winner, changed.latest(), "each loser is told the winner's write");
            }
        }
    }

    @Test
    default void anInviteIsFoundByItsLatestEmailsMessageId() {
        Room room = room("growth", 1);
        Invite v0 = ada(room);
        Invite queued = v0.withEmailDelivery(Invite.EmailDelivery.queue(null, T0));
        store().replaceInvite(v0, queued, room, false);
        assertEquals(Optional.empty(), store().findByEmailMessage("msg-0001"), "no message id while QUEUED");

        Invite sent = queued.withEmailDelivery(queued.emailDelivery().settle(T0,
                new Invite.Attempt("SENT", T0.plusSeconds(1), null), "msg-0001"));
        store().replaceInvite(queued, sent, room, false);
        assertEquals(Optional.of(new InviteKey("growth", v0.inviteId())), store().findByEmailMessage("msg-0001"));

        Invite resent = sent.withEmailDelivery(Invite.EmailDelivery.queue(sent.emailDelivery(), T0.plusSeconds(9))
                .settle(T0.plusSeconds(9), new Invite.Attempt("SENT", T0.plusSeconds(10), null), "msg-0002"));
        store().replaceInvite(sent, resent, room, false);
        assertEquals(Optional.empty(), store().findByEmailMessage("msg-0001"), "only the latest email's id");
        assertEquals(Optional.of(new InviteKey("growth", v0.inviteId())), store().findByEmailMessage("msg-0002"));
    }
}
