package io.roominvites.store.contract;

import io.roominvites.domain.Emails;
import io.roominvites.domain.Erasure;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.events.HistoryEntry;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.events.LifecycleEvents;
import io.roominvites.store.ErasureStore.Holder;
import io.roominvites.store.ErasureStore.HolderPage;
import io.roominvites.store.ErasureStore.InviteHolder;
import io.roominvites.store.ErasureStore.KeyRecordHolder;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import io.roominvites.store.InviteRecords.Replaced;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link io.roominvites.store.ErasureStore}: every holder of an address found by its erasure key, page by page; an
 * invite erased and counted once; one running erasure per address; a finished one forgets the key.
 */
public interface ErasureContract extends StoreContract {
    String PERSON = "erin@example.org";

    /** Every holder of the address, following the pages of {@code size}. */
    private List<Holder> allHolders(String address, int size) {
        List<Holder> out = new ArrayList<>();
        String after = null;
        do {
            HolderPage page = store().holders(Emails.erasureKey(address), size, after);
            assertTrue(page.holders().size() <= size);
            out.addAll(page.holders());
            after = page.next();
        } while (after != null);
        return out;
    }

    @Test
    default void theHoldersOfAnAddressAreItsInvitesInEveryRoomAndItsSingleCreatesKeyRecords() {
        Room a = room("era", 1);
        Room b = room("erb", 1);
        Set<Holder> expected = new HashSet<>();
        for (int n = 1; n <= 5; n++) {
            Room r = n % 2 == 0 ? a : b;
            Invite i = created(StoreContract.invite(r.roomId(), StoreContract.inviteId(n), PERSON), r);
            expected.add(new InviteHolder(r.roomId(), i.inviteId()));
        }
        created(StoreContract.invite("era", StoreContract.inviteId(6), "someone.else@example.org"), a);
        Invite keyed = StoreContract.invite("era", StoreContract.inviteId(7), PERSON);
        store().createInvite(keyed, a, new IdempotencyRecord("local|owner|era", "key-1", "hash", "era", keyed.inviteId(), T0));
        expected.add(new InviteHolder("era", keyed.inviteId()));

        List<Holder> found = allHolders(PERSON, 2);
        assertEquals(found.size(), new HashSet<>(found).size(), "each holder once: " + found);
        assertEquals(1, found.stream().filter(h -> h instanceof KeyRecordHolder).count(), "the key's record: " + found);
        Set<Holder> invites = new HashSet<>(found);
        invites.removeIf(h -> h instanceof KeyRecordHolder);
        assertEquals(expected, invites);
        assertEquals(List.of(), allHolders("nobody@example.org", 10));

        // the record deleted: the key is free again, and the record is no holder any more
        KeyRecordHolder record = (KeyRecordHolder) found.stream().filter(h -> h instanceof KeyRecordHolder).findFirst().orElseThrow();
        store().deleteKeyRecord(record);
        store().deleteKeyRecord(record); // gone already: nothing to do
        assertEquals(0, allHolders(PERSON, 10).stream().filter(h -> h instanceof KeyRecordHolder).count());
        assertNull(store().loadForCreate("era", new IdempotencyRecord("local|owner|era", "key-1", "hash", "era", null,
                T0.plusSeconds(5))).earlierUse());
    }

    @Test
    default void theInvitesOfAnEmailInARoomAreFoundByTheIndexAndAnErasedOneIsNot() {
        Room a = room("erf", 1);
        Room b = room("erf-2", 1);
        Invite one = created(StoreContract.invite("erf", StoreContract.inviteId(1), PERSON), a);
        Invite two = created(StoreContract.invite("erf", StoreContract.inviteId(2), PERSON), a);
        created(StoreContract.invite("erf-2", StoreContract.inviteId(3), PERSON), b); // a room whose id extends erf's
        created(StoreContract.invite("erf", StoreContract.inviteId(4), "other@example.org"), a);
        assertEquals(Set.of(one.inviteId(), two.inviteId()), new HashSet<>(store().inviteIdsOf("erf", PERSON)));
        assertEquals(List.of(), store().inviteIdsOf("erf", "nobody@example.org"));
        store().startErasure(Erasure.started("erasure-f", Emails.erasureKey(PERSON), T0));
        store().eraseInvite(one, one.erasedAt(T0.plusSeconds(1)), "erasure-f");
        assertEquals(List.of(two.inviteId()), store().inviteIdsOf("erf", PERSON));
    }

    @Test
    default void anInviteIsErasedAndCountedOnceAndLeavesTheHolders() {
        Room a = room("erc", 1);
        Room b = room("erd", 1);
        Invite first = created(StoreContract.invite("erc", StoreContract.inviteId(1), PERSON), a);
        Invite second = created(StoreContract.invite("erd", StoreContract.inviteId(2), PERSON), b);
        Invite third = created(StoreContract.invite("erd", StoreContract.inviteId(3), PERSON), b);
        Erasure e = store().startErasure(Erasure.started("erasure-1", Emails.erasureKey(PERSON), T0));

        Invite erased = first.erasedAt(T0.plusSeconds(1));
        assertEquals(new Replaced.Applied(erased), store().eraseInvite(first, erased, "erasure-1"));
        assertTrue(store().findInvite("erc", first.inviteId()).orElseThrow().erased());
        assertEquals(InviteStatus.REVOKED, store().findInvite("erc", first.inviteId()).orElseThrow().storedStatus());
        // the same erasure again, from the revision it was decided on: refused, not counted twice
        Replaced again = store().eraseInvite(first, erased, "erasure-1");
        assertInstanceOf(Replaced.Changed.class, again);
        assertEquals(erased, ((Replaced.Changed) again).latest());
        store().eraseInvite(second, second.erasedAt(T0.plusSeconds(2)), "erasure-1");
        store().eraseInvite(third, third.erasedAt(T0.plusSeconds(2)), "erasure-1");

        Erasure counted = store().findErasure("erasure-1").orElseThrow();
        assertEquals(3, counted.invitesErased());
        assertEquals(2, counted.roomsTouched());
        assertEquals(List.of(), allHolders(PERSON, 10), "an erased invite holds no address");
        assertEquals(e.emailKey(), counted.emailKey());
    }

    @Test
    default void oneErasureRunsPerAddressAndAFinishedOneForgetsTheKey() {
        String key = Emails.erasureKey(PERSON);
        Erasure first = store().startErasure(Erasure.started("erasure-a", key, T0));
        assertEquals("erasure-a", first.erasureId());
        assertEquals("erasure-a", store().startErasure(Erasure.started("erasure-b", key, T0.plusSeconds(1))).erasureId());
        assertTrue(store().findErasure("erasure-b").isEmpty(), "the second was not started");
        assertEquals("erasure-c", store().startErasure(Erasure.started("erasure-c", Emails.erasureKey("x@example.org"), T0)).erasureId());

        store().finishErasure(first, T0.plusSeconds(9));
        store().finishErasure(first, T0.plusSeconds(20)); // finished already: nothing changes
        Erasure done = store().findErasure("erasure-a").orElseThrow();
        assertEquals(Erasure.Status.DONE, done.status());
        assertEquals(T0.plusSeconds(9), done.finishedAt());
        assertNull(done.emailKey(), "a finished erasure keeps nothing derived from the address");
        assertEquals("erasure-d", store().startErasure(Erasure.started("erasure-d", key, T0.plusSeconds(30))).erasureId());
        assertTrue(store().findErasure("nope").isEmpty());
    }

    @Test
    default void aScrubbedHistoryKeepsTypesTimesAndManagersButNoInvitee() {
        Room r = room("ere", 1);
        Invite v0 = created(StoreContract.invite("ere", StoreContract.inviteId(1), PERSON), r);
        Invite v1 = v0.enteredBy("laptop-0001", T0.plusSeconds(5));
        store().replaceInvite(v0, v1, r, false);
        List<LifecycleEvent> events = new ArrayList<>(LifecycleEvents.ofInvite(null, v0, T0));
        events.addAll(LifecycleEvents.ofInvite(v0, v1, T0.plusSeconds(5)));
        for (LifecycleEvent e : events) {
            store().recordHistory(e);
        }
        List<HistoryEntry> before = store().history("ere", v0.inviteId());
        assertTrue(before.toString().contains(Emails.mask(PERSON)), "the history names the invitee: " + before);

        assertEquals(2, store().scrubHistory("ere", v0.inviteId()));
        assertEquals(0, store().scrubHistory("ere", v0.inviteId()), "scrubbed already");
        List<HistoryEntry> after = store().history("ere", v0.inviteId());
        assertFalse(after.toString().contains(Emails.mask(PERSON)), "no invitee left: " + after);
        assertEquals(before.stream().map(HistoryEntry::type).toList(), after.stream().map(HistoryEntry::type).toList());
        assertEquals(before.stream().map(HistoryEntry::at).toList(), after.stream().map(HistoryEntry::at).toList());
        assertEquals(before.getFirst().actor(), after.getFirst().actor(), "the manager who created it stays named");
        assertNull(after.get(1).actor(), "the invitee's own entry names no one");
    }
}
