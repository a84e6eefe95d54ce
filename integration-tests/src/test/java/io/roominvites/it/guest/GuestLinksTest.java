package io.roominvites.it.guest;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest links through the HTTP router on each backend: create, list, revoke, the room's limit of active links, expiry,
 * preview and redeem by guests, uses never past maxUses under a race, and tokens that do not open as invite links.
 */
class GuestLinksTest extends ServiceTest {

    @BeforeEach
    void enabled() {
        service.enableInvitations();
    }

    private String openRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        return room;
    }

    static Map<String, Object> linkBody(String label, Integer maxUses, String expiresAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("label", label);
        if (maxUses != null) {
            body.put("maxUses", maxUses);
        }
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        return body;
    }

    private Response create(String room, Map<String, Object> body) {
        return service.call("POST", "/rooms/" + room + "/guest-links", service.token(Service.OWNER), body);
    }

    static String guestToken(Response created) {
        String link = (String) created.json().get("link");
        assertTrue(link.startsWith("https://events.example.com/join#guest="), link);
        return link.substring(link.indexOf("#guest=") + "#guest=".length());
    }

    private Response redeem(String token, String device, String email) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("deviceId", device);
        body.put("firstName", "Gail");
        body.put("lastName", "Guest");
        if (email != null) {
            body.put("email", email);
        }
        return service.call("POST", "/guest/redeem", null, body);
    }

    private Response preview(String token) {
        return service.call("POST", "/guest/preview", null, Map.of("token", token));
    }

    private Map<String, Object> listed(String room, String id) {
        for (Map<String, Object> l : service.call("GET", "/rooms/" + room + "/guest-links", service.token(Service.OWNER), null)
                .expect(200).list("guestLinks")) {
            if (id.equals(l.get("guestLinkId"))) {
                return l;
            }
        }
        throw new AssertionError("guest link " + id + " is not listed");
    }

    @Test
    void twoHundredDevicesRacingOnALinkOfFiftyLetExactlyFiftyIn() {
        String room = openRoom("race");
        Response created = create(room, linkBody("Webinar audience", 50, null)).expect(201);
        String token = guestToken(created);
        String id = (String) created.obj("guestLink").get("guestLinkId");
        List<Callable<Response>> racers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String device = "race-device-" + String.format("%04d", i);
            racers.add(() -> redeem(token, device, null));
        }
        long started = System.nanoTime();
        List<Response> answers = releaseAtOnce(racers);
        long ms = (System.nanoTime() - started) / 1_000_000;
        int entered = 0;
        int exhausted = 0;
        List<String> enteredDevices = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i);
            if (r.status() == 200) {
                entered++;
                enteredDevices.add("race-device-" + String.format("%04d", i));
            } else {
                assertEquals(409, r.status(), r.body());
                assertEquals("GUEST_LINK_EXHAUSTED", r.code(), r.body());
                exhausted++;
            }
        }
        System.out.println("[guest-link race] 200 devices on a link of 50: " + entered + " entered, " + exhausted
                + " GUEST_LINK_EXHAUSTED, in " + ms + " ms (" + backend + ")");
        assertEquals(50, entered);
        assertEquals(150, exhausted);
        Map<String, Object> link = listed(room, id);
        assertEquals(50, ((Number) link.get("uses")).intValue());
        assertEquals(0, ((Number) link.get("usesLeft")).intValue());
        assertEquals("EXHAUSTED", link.get("status"));
        // the 201st device is refused; a device that entered comes back and uses none
        redeem(token, "race-device-late-201", null).expectError(409, "GUEST_LINK_EXHAUSTED");
        preview(token).expectError(409, "GUEST_LINK_EXHAUSTED");
        redeem(token, enteredDevices.get(0), null).expect(200);
        assertEquals(50, ((Number) listed(room, id).get("uses")).intValue());
    }

    @Test
    void aGuestPreviewsThenEntersAsAViewerWithAGuestAccessToken() {
        String room = openRoom("enter");
        Response created = create(room, linkBody("Partners", 3, null)).expect(201);
        Map<String, Object> gl = created.obj("guestLink");
        assertEquals("VIEWER", gl.get("role"));
        assertEquals(3, ((Number) gl.get("maxUses")).intValue());
        assertEquals(0, ((Number) gl.get("uses")).intValue());
        String token = guestToken(created);
        Response pv = preview(token).expect(200);
        assertEquals("OPEN", pv.json().get("state"));
        assertEquals("LOBBY", pv.json().get("next"));
        assertNull(pv.json().get("invitee"));
        assertEquals("Partners", pv.obj("guestLink").get("label"));
        assertEquals(3, ((Number) pv.obj("guestLink").get("usesLeft")).intValue());
        Response in = redeem(token, "guest-laptop-01", "gail@example.org").expect(200);
        assertEquals("VIEWER", in.json().get("role"));
        String claims = Service.jwsPayload((String) in.json().get("accessToken"));
        assertTrue(claims.contains("\"guest\":true"), claims);
        assertTrue(claims.contains("\"role\":\"VIEWER\""), claims);
        assertTrue(claims.contains("\"name\":\"Gail Guest\""), claims);
        // the same device again uses nothing
        redeem(token, "guest-laptop-01", null).expect(200);
        assertEquals(1, ((Number) listed(room, (String) gl.get("guestLinkId")).get("uses")).intValue());
        assertEquals(2, ((Number) preview(token).expect(200).obj("guestLink").get("usesLeft")).intValue());
    }

    @Test
    void atMostThreeActiveLinksPerRoomAndARevokedLinkFreesItsPlaceAndAnswersInviteRevoked() {
        String room = openRoom("limit");
        List<String> ids = new ArrayList<>();
        String firstToken = null;
        for (int i = 0; i < 3; i++) {
            Response c = create(room, linkBody("Link " + i, null, null)).expect(201);
            ids.add((String) c.obj("guestLink").get("guestLinkId"));
            if (i == 0) {
                firstToken = guestToken(c);
            }
        }
        create(room, linkBody("Fourth", null, null)).expectError(409, "GUEST_LINK_LIMIT");
        Response revoked = service.call("DELETE", "/rooms/" + room + "/guest-links/" + ids.get(0),
                service.token(Service.OWNER), null).expect(200);
        assertEquals("REVOKED", revoked.obj("guestLink").get("status"));
        assertNotEquals(null, revoked.obj("guestLink").get("revokedAt"));
        // revoking again is no error
        service.call("DELETE", "/rooms/" + room + "/guest-links/" + ids.get(0), service.token(Service.OWNER), null).expect(200);
        preview(firstToken).expectError(410, "INVITE_REVOKED");
        redeem(firstToken, "guest-after-revoke", null).expectError(410, "INVITE_REVOKED");
        create(room, linkBody("Fourth", null, null)).expect(201);
        create(room, linkBody("Fifth", null, null)).expectError(409, "GUEST_LINK_LIMIT");
        assertEquals(4, service.call("GET", "/rooms/" + room + "/guest-links", service.token(Service.OWNER), null)
                .expect(200).list("guestLinks").size());
    }

    @Test
    void racingCreatesNeverMakeAFourthActiveLink() {
        String room = openRoom("create-race");
        List<Callable<Response>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String label = "Racer " + i;
            racers.add(() -> create(room, linkBody(label, null, null)));
        }
        int created = 0;
        for (Response r : releaseAtOnce(racers)) {
            if (r.status() == 201) {
                created++;
            } else if (r.status() != 503) {
                r.expectError(409, "GUEST_LINK_LIMIT");
            }
        }
        assertTrue(created <= 3, created + " links created");
        assertEquals(created, service.call("GET", "/rooms/" + room + "/guest-links", service.token(Service.OWNER), null)
                .expect(200).list("guestLinks").size());
    }

    @Test
    void anExpiredLinkAnswersLinkExpiredAndNoLongerCountsAgainstTheLimit() {
        String room = openRoom("expiry");
        String soon = service.clock().instant().plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Response c = create(room, linkBody("Short", 10, soon)).expect(201);
        assertEquals(soon, c.obj("guestLink").get("expiresAt"));
        String token = guestToken(c);
        create(room, linkBody("Two", null, null)).expect(201);
        create(room, linkBody("Three", null, null)).expect(201);
        create(room, linkBody("Four", null, null)).expectError(409, "GUEST_LINK_LIMIT");
        redeem(token, "guest-before-expiry", null).expect(200);
        service.advance(Duration.ofMinutes(11));
        preview(token).expectError(410, "LINK_EXPIRED");
        redeem(token, "guest-after-expiry", null).expectError(410, "LINK_EXPIRED");
        assertEquals("EXPIRED", listed(room, (String) c.obj("guestLink").get("guestLinkId")).get("status"));
        create(room, linkBody("Four", null, null)).expect(201);
    }

    @Test
    void aGuestLinkTokenIsNoInviteLinkAndAnInviteLinkIsNoGuestLink() {
        String room = openRoom("kinds");
        String guest = guestToken(create(room, linkBody("Kinds", 5, null)).expect(201));
        Response invite = service.invite(room, "ada@example.org", "VIEWER");
        String inviteToken = Service.linkToken(invite);
        service.preview(guest, null).expectError(400, "LINK_INVALID");
        service.redeem(guest, "kinds-device-01", "ada@example.org").expectError(400, "LINK_INVALID");
        preview(inviteToken).expectError(400, "LINK_INVALID");
        redeem(inviteToken, "kinds-device-02", null).expectError(400, "LINK_INVALID");
        // and a guest token tampered with (its payload changed) is refused
        String[] parts = guest.split("\\.");
        String forged = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        preview(forged).expectError(400, "LINK_INVALID");
        // both still work where they belong
        preview(guest).expect(200);
        service.preview(inviteToken, null).expect(200);
    }

    @Test
    void badInputIsA400WithFieldsAndOnlyManagersManageLinks() {
        String room = openRoom("input");
        Response bad = create(room, Map.of("maxUses", 0)).expectError(400, "INVALID_REQUEST");
        assertTrue(bad.body().contains("\"label\"") && bad.body().contains("\"maxUses\""), bad.body());
        create(room, linkBody("Too many", 10_001, null)).expectError(400, "INVALID_REQUEST");
        create(room, linkBody("Past", null, "2020-01-01T00:00:00Z")).expectError(400, "INVALID_REQUEST");
        service.call("POST", "/rooms/" + room + "/guest-links", service.token("stranger@example.org"),
                linkBody("Nope", null, null)).expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", "/rooms/" + room + "/guest-links", service.token("stranger@example.org"), null)
                .expectError(403, "NOT_ROOM_MANAGER");
        String token = guestToken(create(room, linkBody("Input", 5, null)).expect(201));
        Response noName = service.call("POST", "/guest/redeem", null, Map.of("token", token, "deviceId", "input-device-1"))
                .expectError(400, "INVALID_REQUEST");
        assertTrue(noName.body().contains("\"firstName\""), noName.body());
        service.call("POST", "/guest/redeem", null, Map.of("token", token, "deviceId", "x", "firstName", "A",
                "lastName", "B")).expectError(400, "INVALID_REQUEST");
        service.call("DELETE", "/rooms/" + room + "/guest-links/not-an-id", service.token(Service.OWNER), null)
                .expectError(404, "GUEST_LINK_NOT_FOUND");
    }

    @Test
    void aBlockedDomainIsRefusedAndBeforeTheStartTheGuestWaits() {
        service.settings(true, null, List.of("blocked.example"), 1440);
        try {
            String room = openRoom("blocked");
            String token = guestToken(create(room, linkBody("Blocked", 5, null)).expect(201));
            redeem(token, "blocked-device-1", "eve@blocked.example").expectError(403, "DOMAIN_BLOCKED");
            redeem(token, "blocked-device-1", "eve@fine.example").expect(200);
        } finally {
            service.enableInvitations();
        }
        String later = Service.roomId("later");
        service.room(later, Duration.ofHours(2));
        String token = guestToken(create(later, linkBody("Later", 5, null)).expect(201));
        Response pv = preview(token).expect(200);
        assertEquals("WAIT", pv.json().get("next"));
        assertTrue(((Number) pv.json().get("secondsUntilStart")).longValue() > 7000);
        Response early = redeem(token, "early-device-1", null).expectError(409, "SESSION_NOT_STARTED");
        assertTrue(early.body().contains("startsAt"), early.body());
        assertEquals(5, ((Number) preview(token).expect(200).obj("guestLink").get("usesLeft")).intValue());
    }
}
