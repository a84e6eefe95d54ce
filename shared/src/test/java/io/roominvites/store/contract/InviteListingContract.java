package io.roominvites.store.contract;

import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Room;
import io.roominvites.store.InviteRecords.Page;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link io.roominvites.store.InviteRecords#listInvites}: newest first, by status as callers see it, a page at a time. */
public interface InviteListingContract extends StoreContract {

    /** Creates invites 1..count in {@code room} (invite n made n seconds after T0); answers their ids, oldest first. */
    private List<String> invites(Room room, int count) {
        List<String> ids = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            ids.add(created(StoreContract.invite(room.roomId(), StoreContract.inviteId(n), "guest" + n + "@example.org"), room)
                    .inviteId());
        }
        return ids;
    }

    private static List<String> ids(Page page) {
        return page.invites().stream().map(Invite::inviteId).toList();
    }

    @Test
    default void aRoomsInvitesAreListedNewestFirstAndOnlyItsOwn() {
        Room room = room("growth", 1);
        List<String> ids = invites(room, 5);
        created(StoreContract.invite("other", StoreContract.inviteId(6), "elsewhere@example.org"), room("other", 1));
        Page page = store().listInvites("growth", null, 10, null, T0);
        assertEquals(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0)), ids(page));
        assertNull(page.lastInviteId(), "nothing more");
        assertFalse(page.searchLimitReached());
    }

    @Test
    default void aRoomWithoutInvitesListsAnEmptyLastPage() {
        room("growth", 1);
        assertEquals(new Page(List.of(), null, false), store().listInvites("growth", null, 25, null, T0));
        assertEquals(new Page(List.of(), null, false), store().listInvites("nowhere", null, 25, null, T0));
    }

    @Test
    default void pagesFollowTheLastInviteIdUntilItIsNull() {
        Room room = room("growth", 1);
        List<String> newestFirst = new ArrayList<>(invites(room, 5)).reversed();
        Page first = store().listInvites("growth", null, 2, null, T0);
        assertEquals(newestFirst.subList(0, 2), ids(first));
        assertEquals(newestFirst.get(1), first.lastInviteId(), "the next page starts after the last one listed");

        List<String> all = new ArrayList<>(ids(first));
        String after = first.lastInviteId();
        for (int pages = 1; after != null; pages++) {
            assertTrue(pages < 10, "paging ends");
            Page page = store().listInvites("growth", null, 2, after, T0);
            assertTrue(page.invites().size() <= 2, page::toString);
            all.addAll(ids(page));
            after = page.lastInviteId();
        }
        assertEquals(newestFirst, all, "every invite once, newest first");
    }

    @Test
    default void aStatusFilterListsTheStatusCallersSeeAtThatTime() {
        Room room = room("growth", 1);
        List<String> ids = invites(room, 4);
        Invite redeemed = store().findInvite("growth", ids.get(0)).orElseThrow();
        store().replaceInvite(redeemed, redeemed.enteredBy("laptop-0001", T0.plusSeconds(30)), room, true);
        Invite revoked = store().findInvite("growth", ids.get(1)).orElseThrow();
        store().replaceInvite(revoked, revoked.revoked(T0.plusSeconds(30)), room, true);
        Invite shortLived = store().findInvite("growth", ids.get(2)).orElseThrow();
        Instant expiry = T0.plus(Duration.ofHours(2));
        store().replaceInvite(shortLived, shortLived.reissued(expiry, null), room, true);

        Instant before = expiry.minusMillis(1);
        assertEquals(List.of(ids.get(3), ids.get(2)), ids(store().listInvites("growth", InviteStatus.PENDING, 10, null, before)));
        assertEquals(List.of(), ids(store().listInvites("growth", InviteStatus.EXPIRED, 10, null, before)));
        assertEquals(List.of(ids.get(3)), ids(store().listInvites("growth", InviteStatus.PENDING, 10, null, expiry)));
        assertEquals(List.of(ids.get(2)), ids(store().listInvites("growth", InviteStatus.EXPIRED, 10, null, expiry)),
                "a pending invite is expired from its expiry on");
        assertEquals(List.of(ids.get(0)), ids(store().listInvites("growth", InviteStatus.REDEEMED, 10, null, expiry)));
        assertEquals(List.of(ids.get(1)), ids(store().listInvites("growth", InviteStatus.REVOKED, 10, null, expiry)));
    }

    @Test
    default void aFilteredListingPagesToo() {
        Room room = room("growth", 1);
        List<String> ids = invites(room, 6);
        for (int i = 0; i < 6; i += 2) {
            Invite inv = store().findInvite("growth", ids.get(i)).orElseThrow();
            store().replaceInvite(inv, inv.revoked(T0.plusSeconds(30)), room, false);
        }
        Page first = store().listInvites("growth", InviteStatus.PENDING, 2, null, T0);
        assertEquals(List.of(ids.get(5), ids.get(3)), ids(first));
        assertNotNull(first.lastInviteId());
        Page rest = store().listInvites("growth", InviteStatus.PENDING, 2, first.lastInviteId(), T0);
        assertEquals(List.of(ids.get(1)), ids(rest));
        assertNull(rest.lastInviteId());
    }
}
