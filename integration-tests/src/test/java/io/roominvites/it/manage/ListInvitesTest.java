package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /rooms/{roomId}/invites: order, status filter, limit and cursors. */
class ListInvitesTest extends ServiceTest {

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private Service.Response list(String room, String query) {
        return service.call("GET", Manage.invites(room) + (query.isEmpty() ? "" : "?" + query), service.token(Service.OWNER), null);
    }

    private static List<String> ids(Service.Response r) {
        return r.list("invites").stream().map(i -> (String) i.get("inviteId")).toList();
    }

    /** A new room of the owner's, two days ahead. */
    private String newRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofDays(2));
        return room;
    }

    /** Creates n invites a second apart; answers their ids oldest first. */
    private List<String> createSpaced(String room, int n, String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Service.inviteId(service.invite(room, prefix + i + "@example.org", "VIEWER")));
            service.advance(Duration.ofSeconds(1));
        }
        return ids;
    }

    /** Follows nextCursor from the first page of this listing; answers each page's ids (at most maxPages pages). */
    private List<List<String>> pages(String room, String query, int maxPages) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            Service.Response r = list(room, query + (cursor == null ? "" : "&cursor=" + enc(cursor))).expect(200);
            pages.add(ids(r));
            cursor = (String) r.json().get("nextCursor");
            assertTrue(pages.size() <= maxPages, "paging ends");
        } while (cursor != null);
        return pages;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void newestFirstAndOnlyThisRoom() {
        String room = newRoom("list-order");
        String other = newRoom("list-other");
        List<String> created = createSpaced(room, 4, "order");
        service.invite(other, "elsewhere@example.org", "VIEWER");
        Service.Response r = list(room, "").expect(200);
        assertEquals(created.reversed(), ids(r));
        assertNull(r.json().get("nextCursor"));
        assertTrue(r.json().containsKey("nextCursor"), "nextCursor is present, null at the end");
        List<Instant> times = r.list("invites").stream().map(i -> Instant.parse((String) i.get("createdAt"))).toList();
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i - 1).isAfter(times.get(i)), "createdAt descending");
        }
        for (Map<String, Object> i : r.list("invites")) {
            assertTrue(i.keySet().containsAll(Manage.INVITE_FIELDS), i::toString);
            assertEquals(room, i.get("roomId"));
        }
    }

    @Test
    void anEmptyRoom() {
        String room = newRoom("list-empty");
        Service.Response r = list(room, "").expect(200);
        assertEquals(List.of(), r.json().get("invites"));
        assertNull(r.json().get("nextCursor"));
        assertEquals(List.of(), list(room, "status=REVOKED").expect(200).json().get("invites"));
    }

    @Test
    void statusFilter() {
        String room = Service.roomId("list-status");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(3), true, List.of(), List.of(), List.of());
        // D: created with a 5-minute link, then left to expire
        service.settings(true, null, List.of(), 5);
        String expired = Service.inviteId(service.invite(room, "expired@example.org", "VIEWER"));
        service.enableInvitations();
        service.advance(Duration.ofMinutes(6));
        String pending = Service.inviteId(service.invite(room, "pending@example.org", "VIEWER"));
        service.advance(Duration.ofSeconds(1));
        String redeemed = service.redeemedInvite(room, "redeemed@example.org", "SPEAKER", "device-list-1").id();
        service.advance(Duration.ofSeconds(1));
        String revoked = Service.inviteId(service.invite(room, "revoked@example.org", "VIEWER"));
        service.call("DELETE", Manage.invite(room, revoked), service.token(Service.OWNER), null).expect(200);

        assertEquals(List.of(revoked, redeemed, pending, expired), ids(list(room, "").expect(200)));
        Map<String, String> expected = Map.of("PENDING", pending, "REDEEMED", redeemed, "REVOKED", revoked, "EXPIRED", expired);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Service.Response r = list(room, "status=" + e.getKey()).expect(200);
            assertEquals(List.of(e.getValue()), ids(r), e.getKey());
            assertEquals(e.getKey(), r.list("invites").getFirst().get("status"));
            // lower case works too
            assertEquals(List.of(e.getValue()), ids(list(room, "status=" + e.getKey().toLowerCase()).expect(200)));
        }
        Map<String, Object> redeemedView = list(room, "status=REDEEMED").expect(200).list("invites").getFirst();
        assertNotNull(redeemedView.get("redeemedAt"));
        Map<String, Object> revokedView = list(room, "status=REVOKED").expect(200).list("invites").getFirst();
        assertNotNull(revokedView.get("revokedAt"));
        // the unfiltered list shows the derived status too
        Map<String, String> statuses = new java.util.HashMap<>();
        for (Map<String, Object> i : list(room, "").expect(200).list("invites")) {
            statuses.put((String) i.get("inviteId"), (String) i.get("status"));
        }
        assertEquals(Map.of(pending, "PENDING", redeemed, "REDEEMED", revoked, "REVOKED", expired, "EXPIRED"), statuses);
        // an empty status means all
        assertEquals(4, ids(list(room, "status=").expect(200)).size());
    }

    @Test
    void aPendingInviteBecomesExpiredWhenItsLinkDoes() {
        String room = newRoom("list-expiry");
        service.settings(true, null, List.of(), 5);
        String id = Service.inviteId(service.invite(room, "soon@example.org", "VIEWER"));
        assertEquals(List.of(id), ids(list(room, "status=PENDING").expect(200)));
        assertEquals(List.of(), ids(list(room, "status=EXPIRED").expect(200)));
        service.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertEquals(List.of(), ids(list(room, "status=PENDING").expect(200)));
        assertEquals(List.of(id), ids(list(room, "status=EXPIRED").expect(200)));
        assertEquals("EXPIRED", list(room, "").expect(200).list("invites").getFirst().get("status"));
    }

    @Test
    void badStatusAndLimit() {
        String room = newRoom("list-bad");
        for (String q : List.of("status=ACTIVE", "status=pend", "status=" + enc("PENDING,REVOKED"), "limit=0", "limit=101",
                "limit=x", "limit=-1", "limit=1.5", "limit=" + enc(" 5"), "limit=99999999999999999999", "limit=1e2")) {
            String field = q.substring(0, q.indexOf('='));
            try {
                Manage.expectFields(list(room, q), field);
            } catch (AssertionError e) {
                throw new AssertionError(q + ": " + e.getMessage(), e);
            }
        }
        list(room, "limit=1").expect(200);
        list(room, "limit=100").expect(200);
        list(room, "limit=").expect(200);
    }

    @Test
    void cursorPagingReturnsEveryInviteExactlyOnce() {
        String room = newRoom("list-paging");
        List<String> created = createSpaced(room, 7, "page");
        List<List<String>> pages = pages(room, "limit=3", 5);
        assertEquals(List.of(3, 3, 1), pages.stream().map(List::size).toList());
        List<String> seen = pages.stream().flatMap(List::stream).toList();
        assertEquals(created.reversed(), seen);
        assertEquals(7, new HashSet<>(seen).size());
    }

    @Test
    void cursorPagingWithAStatusFilter() {
        String room = newRoom("list-paging-status");
        List<String> created = createSpaced(room, 7, "filtered");
        // revoke two in the middle
        for (String id : List.of(created.get(2), created.get(4))) {
            service.call("DELETE", Manage.invite(room, id), service.token(Service.OWNER), null).expect(200);
        }
        Set<String> pendingExpected = new HashSet<>(created);
        pendingExpected.remove(created.get(2));
        pendingExpected.remove(created.get(4));
        List<List<String>> pages = pages(room, "status=PENDING&limit=2", 6);
        for (List<String> page : pages) {
            assertTrue(page.size() <= 2);
        }
        List<String> seen = pages.stream().flatMap(List::stream).toList();
        assertEquals(5, seen.size());
        assertEquals(pendingExpected, new HashSet<>(seen));
    }

    @Test
    void cursorsAreBoundToTheirRoomAndListing() {
        String room = newRoom("list-cursor");
        String other = newRoom("list-cursor-other");
        createSpaced(room, 3, "c");
        createSpaced(other, 3, "o");
        String cursor = (String) list(room, "limit=1").expect(200).json().get("nextCursor");
        String pendingCursor = (String) list(room, "status=PENDING&limit=1").expect(200).json().get("nextCursor");
        assertNotNull(cursor);
        assertNotNull(pendingCursor);
        list(room, "limit=1&cursor=" + enc(cursor)).expect(200);

        // another room's listing
        Manage.expectFields(list(other, "limit=1&cursor=" + enc(cursor)), "cursor");
        // another status
        Manage.expectFields(list(room, "status=REVOKED&limit=1&cursor=" + enc(pendingCursor)), "cursor");
        Manage.expectFields(list(room, "limit=1&cursor=" + enc(pendingCursor)), "cursor");
        Manage.expectFields(list(room, "status=PENDING&limit=1&cursor=" + enc(cursor)), "cursor");
    }

    @Test
    void tamperedCursorsAreInvalidRequests() {
        String room = newRoom("list-tamper");
        String other = newRoom("list-tamper-other");
        createSpaced(room, 3, "t");
        String cursor = (String) list(room, "limit=1").expect(200).json().get("nextCursor");
        String pendingCursor = (String) list(room, "status=PENDING&limit=1").expect(200).json().get("nextCursor");
        String[] parts = cursor.split("\\.");
        assertEquals(3, parts.length, "an opaque, sealed cursor: " + cursor);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        // the seal's first character: all six of its bits count (the last one's low bits are padding, so changing
        // 'A' to 'B' there may decode to the very same seal)
        char first = parts[2].charAt(0);
        List<String> bad = List.of(
                "garbage!", "%%%", "x".repeat(2049), cursor.substring(0, cursor.length() / 2), "====", b64("ALL"),
                // the same claims pointing at another room, or at another place, under the old seal
                parts[0] + "." + b64(payload.replace(room, other)) + "." + parts[2],
                parts[0] + "." + b64(payload.replace("\"a\":\"0", "\"a\":\"7")) + "." + parts[2],
                // the seal altered, or removed
                parts[0] + "." + parts[1] + "." + (first == 'A' ? 'Q' : 'A') + parts[2].substring(1),
                parts[0] + "." + parts[1] + ".",
                // no seal at all
                b64("{\"alg\":\"none\"}") + "." + parts[1] + ".");
        for (String t : bad) {
            expectBadCursor(room, "limit=1&cursor=" + enc(t));
        }
        // a genuine cursor of one listing does not continue another
        expectBadCursor(room, "status=PENDING&limit=1&cursor=" + enc(cursor));
        expectBadCursor(room, "limit=1&cursor=" + enc(pendingCursor));
        expectBadCursor(other, "limit=1&cursor=" + enc(cursor));
    }

    private void expectBadCursor(String room, String query) {
        Service.Response r = list(room, query);
        try {
            Manage.expectFields(r, "cursor");
        } catch (AssertionError e) {
            throw new AssertionError((query.length() > 120 ? query.substring(0, 120) + "..." : query) + ": " + e.getMessage(), e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyManagersMayList() {
        String room = newRoom("list-who");
        service.call("GET", Manage.invites(room), service.token(Manage.STRANGER), null).expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", Manage.invites(room), null, null).expectError(401, "UNAUTHENTICATED");
        service.call("GET", Manage.invites(Service.roomId("list-nowhere")), service.token(Service.OWNER), null)
                .expectError(404, "ROOM_NOT_FOUND");
    }
}
