package io.roominvites.it.guest;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests to join through the HTTP router on each backend: made from each refusal a requester cannot fix, one per
 * email and room, admitted (a new link that works while the old stays refused) or declined once, refused without a
 * refused token, and limited per caller.
 */
class JoinRequestsTest extends ServiceTest {
    /** Each ask comes from an address of its own, except where the limit per caller is the point. */
    private static final AtomicInteger CALLERS = new AtomicInteger();

    @BeforeEach
    void enabled() {
        service.enableInvitations();
    }

    private String openRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofDays(3), true, List.of(), List.of(), List.of());
        return room;
    }

    private Response ask(String token, String email, String from) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("email", email);
        body.put("message", "My link stopped working, please let me in.");
        return service.callFrom(from, "POST", "/invites/join-requests", null, body, Map.of());
    }

    private Response ask(String token, String email) {
        return ask(token, email, "198.51.100." + (CALLERS.incrementAndGet() % 250));
    }

    private List<Map<String, Object>> pending(String room) {
        return service.call("GET", "/rooms/" + room + "/join-requests?status=PENDING", service.token(Service.OWNER), null)
                .expect(200).list("joinRequests");
    }

    private Response status(String token, String id) {
        return service.call("POST", "/invites/join-requests/status", null, Map.of("token", token, "joinRequestId", id));
    }

    private static String id(Response asked) {
        return (String) asked.expect(202).json().get("joinRequestId");
    }

    @Test
    void anInviteeAsksFromEachRefusalTheyCannotFix() {
        String room = openRoom("kinds");
        // used on another device
        Service.Invited used = service.redeemedInvite(room, "used@example.org", "VIEWER", "first-device-01");
        id(ask(used.token(), "used@example.org"));
        // locked after five wrong emails
        Response lockedInvite = service.invite(room, "locked@example.org", "VIEWER");
        String lockedToken = Service.linkToken(lockedInvite);
        for (int i = 0; i < 5; i++) {
            service.redeem(lockedToken, "locker-device-01", "wrong" + i + "@example.org");
        }
        service.redeem(lockedToken, "locker-device-01", "locked@example.org").expectError(423, "INVITE_LOCKED");
        id(ask(lockedToken, "locked@example.org"));
        // replaced by a reissue
        Response replaced = service.invite(room, "replaced@example.org", "VIEWER");
        service.manage(room, Service.inviteId(replaced), "reissue", Map.of()).expect(200);
        id(ask(Service.linkToken(replaced), "replaced@example.org"));
        // a guest link used up
        Response guest = service.call("POST", "/rooms/" + room + "/guest-links", service.token(Service.OWNER),
                GuestLinksTest.linkBody("One seat", 1, null)).expect(201);
        String guestToken = GuestLinksTest.guestToken(guest);
        service.call("POST", "/guest/redeem", null, Map.of("token", guestToken, "deviceId", "seat-taker-01",
                "firstName", "Sam", "lastName", "Seat")).expect(200);
        id(ask(guestToken, "late.guest@example.org"));
        // expired: past the link's day, the session still open
        Response expiring = service.invite(room, "expired@example.org", "VIEWER");
        service.advance(Duration.ofHours(25));
        service.redeem(Service.linkToken(expiring), "late-device-01", "expired@example.org").expectError(410, "LINK_EXPIRED");
        id(ask(Service.linkToken(expiring), "expired@example.org"));

        Map<String, String> reasons = new LinkedHashMap<>();
        for (Map<String, Object> r : pending(room)) {
            reasons.put((String) r.get("email"), (String) r.get("reason"));
            assertEquals("PENDING", r.get("status"));
            assertEquals("My link stopped working, please let me in.", r.get("message"));
        }
        assertEquals(Map.of("used@example.org", "LINK_ALREADY_USED", "locked@example.org", "INVITE_LOCKED",
                "replaced@example.org", "LINK_REPLACED", "late.guest@example.org", "GUEST_LINK_EXHAUSTED",
                "expired@example.org", "LINK_EXPIRED"), reasons);
    }

    @Test
    void theSameAskTwiceIsOneRequestAndAdmitGivesANewLinkWhileTheOldStaysRefused() {
        String room = openRoom("admit");
        Service.Invited used = service.redeemedInvite(room, "ada@example.org", "SPEAKER", "ada-laptop-01");
        String first = id(ask(used.token(), "ada@example.org"));
        String again = id(ask(used.token(), "ADA@example.org "));
        assertEquals(first, again);
        List<Map<String, Object>> listed = pending(room);
        assertEquals(1, listed.size());
        assertEquals("Gia", listed.get(0).get("firstName"));
        assertEquals("PENDING", status(used.token(), first).expect(200).json().get("status"));
        assertNull(status(used.token(), first).json().get("token"));

        Response admitted = service.call("POST", "/rooms/" + room + "/join-requests/" + first + "/admit",
                service.token(Service.OWNER), Map.of("role", "VIEWER")).expect(200);
        String newToken = Service.linkToken(admitted);
        assertEquals("ada@example.org", admitted.obj("invite").get("email"));
        assertNotEquals(used.id(), Service.inviteId(admitted));
        // the requester's page learns it, with the new link
        Response st = status(used.token(), first).expect(200);
        assertEquals("ADMITTED", st.json().get("status"));
        assertEquals(newToken, st.json().get("token"));
        // the new link works on a new device; the old stays refused there
        service.redeem(newToken, "ada-phone-0002", "ada@example.org").expect(200);
        service.redeem(used.token(), "ada-phone-0002", "ada@example.org").expectError(409, "LINK_ALREADY_USED");
        assertEquals(0, pending(room).size());
        // answered once: neither admit nor decline again
        service.call("POST", "/rooms/" + room + "/join-requests/" + first + "/admit", service.token(Service.OWNER), null)
                .expectError(409, "JOIN_REQUEST_ANSWERED");
        service.call("POST", "/rooms/" + room + "/join-requests/" + first + "/decline", service.token(Service.OWNER), null)
                .expectError(409, "JOIN_REQUEST_ANSWERED");
        // a new request of the same email may be made again once the first was answered
        assertNotEquals(first, id(ask(used.token(), "ada@example.org")));
    }

    @Test
    void aDeclinedRequestIsToldToTheRequesterAndCannotBeAdmitted() {
        String room = openRoom("decline");
        Service.Invited used = service.redeemedInvite(room, "bo@example.org", "VIEWER", "bo-laptop-001");
        String id = id(ask(used.token(), "bo@example.org"));
        Response declined = service.call("POST", "/rooms/" + room + "/join-requests/" + id + "/decline",
                service.token(Service.OWNER), null).expect(200);
        assertEquals("DECLINED", declined.obj("joinRequest").get("status"));
        service.call("POST", "/rooms/" + room + "/join-requests/" + id + "/decline", service.token(Service.OWNER), null)
                .expect(200);
        service.call("POST", "/rooms/" + room + "/join-requests/" + id + "/admit", service.token(Service.OWNER), null)
                .expectError(409, "JOIN_REQUEST_ANSWERED");
        Response st = status(used.token(), id).expect(200);
        assertEquals("DECLINED", st.json().get("status"));
        assertNull(st.json().get("token"));
        List<Map<String, Object>> all = service.call("GET", "/rooms/" + room + "/join-requests",
                service.token(Service.OWNER), null).expect(200).list("joinRequests");
        assertEquals(1, all.size());
        assertEquals("DECLINED", all.get(0).get("status"));
        // another link's token does not read this request
        Service.Invited other = service.redeemedInvite(room, "cy@example.org", "VIEWER", "cy-laptop-001");
        status(other.token(), id).expectError(404, "JOIN_REQUEST_NOT_FOUND");
    }

    @Test
    void aRequestWithoutARefusedTokenIsRefused() {
        String room = openRoom("refused");
        Response fresh = service.invite(room, "dee@example.org", "VIEWER");
        ask(Service.linkToken(fresh), "dee@example.org").expectError(409, "JOIN_REQUEST_NOT_NEEDED");
        ask("not-a-token", "dee@example.org").expectError(400, "LINK_INVALID");
        Response revoked = service.invite(room, "rev@example.org", "VIEWER");
        service.call("DELETE", "/rooms/" + room + "/invites/" + Service.inviteId(revoked), service.token(Service.OWNER), null)
                .expect(200);
        ask(Service.linkToken(revoked), "rev@example.org").expectError(410, "INVITE_REVOKED");
        String guest = GuestLinksTest.guestToken(service.call("POST", "/rooms/" + room + "/guest-links",
                service.token(Service.OWNER), GuestLinksTest.linkBody("Open", 10, null)).expect(201));
        ask(guest, "g@example.org").expectError(409, "JOIN_REQUEST_NOT_NEEDED");
        Response noToken = service.call("POST", "/invites/join-requests", null, Map.of("email", "x@example.org"))
                .expectError(400, "INVALID_REQUEST");
        assertTrue(noToken.body().contains("\"token\""), noToken.body());
        Map<String, Object> longMessage = new LinkedHashMap<>();
        longMessage.put("token", Service.linkToken(fresh));
        longMessage.put("email", "dee@example.org");
        longMessage.put("message", "x".repeat(501));
        service.call("POST", "/invites/join-requests", null, longMessage).expectError(400, "INVALID_REQUEST");
        assertEquals(0, pending(room).size());
        service.call("GET", "/rooms/" + room + "/join-requests", service.token("stranger@example.org"), null)
                .expectError(403, "NOT_ROOM_MANAGER");
    }

    @Test
    void asksAreLimitedPerCaller() {
        String room = openRoom("limited");
        Service.Invited used = service.redeemedInvite(room, "flood@example.org", "VIEWER", "flood-device-1");
        String from = "203.0.113.77";
        for (int i = 0; i < 20; i++) {
            ask(used.token(), "flood" + i + "@example.org", from).expect(202);
        }
        Response limited = ask(used.token(), "flood21@example.org", from).expectError(429, "RATE_LIMITED");
        assertNotNull(limited.header("Retry-After"));
        ask(used.token(), "flood21@example.org", "203.0.113.78").expect(202);
    }

    @Test
    void theListIsPagedLikeInvites() {
        String room = openRoom("paged");
        Service.Invited used = service.redeemedInvite(room, "page@example.org", "VIEWER", "page-device-1");
        for (int i = 0; i < 5; i++) {
            id(ask(used.token(), "p" + i + "@example.org"));
        }
        Response page1 = service.call("GET", "/rooms/" + room + "/join-requests?status=PENDING&limit=2",
                service.token(Service.OWNER), null).expect(200);
        assertEquals(2, page1.list("joinRequests").size());
        String cursor = (String) page1.json().get("nextCursor");
        assertNotNull(cursor);
        int seen = 2;
        while (cursor != null) {
            Response next = service.call("GET", "/rooms/" + room + "/join-requests?status=PENDING&limit=2&cursor="
                    + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8), service.token(Service.OWNER), null).expect(200);
            seen += next.list("joinRequests").size();
            cursor = (String) next.json().get("nextCursor");
        }
        assertEquals(5, seen);
        service.call("GET", "/rooms/" + room + "/join-requests?cursor=forged", service.token(Service.OWNER), null)
                .expectError(400, "INVALID_REQUEST");
    }
}
