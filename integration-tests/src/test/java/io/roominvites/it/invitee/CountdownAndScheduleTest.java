package io.roominvites.it.invitee;

import io.roominvites.it.invitee.Invitee.PendingAndEntered;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.listed;
import static io.roominvites.it.invitee.Invitee.number;
import static io.roominvites.it.invitee.Invitee.pendingAndEntered;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;
import static io.roominvites.it.invitee.Invitee.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Before the start: the countdown, the details a link shows, and a redeem that consumes nothing. The room's
 * schedule as its links see it (moved, over).
 */
class CountdownAndScheduleTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    @Test
    void previewCountsDownToTheStartAndShowsNothingPersonal() {
        String room = Service.roomId("countdown");
        Response roomAnswer = service.room(room, Duration.ofMinutes(10));
        String token = Service.linkToken(service.invite(room, "Guest@Example.org", "SPEAKER"));

        Response first = preview(service, token, null, null).expect(200);
        Map<String, Object> p = first.json();
        assertEquals(Set.of("state", "next", "startsAt", "endsAt", "secondsUntilStart", "room", "invitee"), p.keySet(),
                "the preview's members: " + first);
        assertEquals("NOT_STARTED", p.get("state"));
        assertEquals("WAIT", p.get("next"));
        assertEquals(roomAnswer.json().get("startsAt"), p.get("startsAt"));
        assertEquals(roomAnswer.json().get("endsAt"), p.get("endsAt"));
        long s1 = number(p, "secondsUntilStart");
        assertTrue(s1 > 590 && s1 <= 600, "about ten minutes to go: " + s1);
        // (v3) the room's zone (UTC: the room names none) and the invitee's language (the site's default)
        assertEquals(Map.of("roomId", room, "title", "Next-Level Growth: Practical Strategies That Work",
                "description", "A focused 45-minute session.", "timeZone", "UTC"), first.obj("room"));
        assertEquals(Map.of("firstName", "Gia", "role", "SPEAKER", "locale", "en"), first.obj("invitee"));
        String raw = first.body().toLowerCase(java.util.Locale.ROOT);
        assertFalse(raw.contains("guest@example.org") || raw.contains("@"), "no email in the preview: " + raw);
        assertFalse(first.body().contains("Guest\""), "no last name in the preview");

        // signed in with the invited email, or on any device: still WAIT before the start
        assertEquals("WAIT", preview(service, token, "device-early-1", service.token(GUEST)).expect(200).json().get("next"));

        service.advance(Duration.ofMinutes(4));
        long s2 = number(preview(service, token, "device-early-1", null).expect(200).json(), "secondsUntilStart");
        assertTrue(s2 <= s1 - 240 && s2 >= s1 - 245, "the countdown follows the clock: " + s1 + " then " + s2);

        service.advance(Duration.ofSeconds(s2 - 3));
        Response almost = preview(service, token, null, null).expect(200);
        assertEquals("NOT_STARTED", almost.json().get("state"));
        assertTrue(number(almost.json(), "secondsUntilStart") >= 1 && number(almost.json(), "secondsUntilStart") <= 3,
                almost::toString);

        service.advance(Duration.ofSeconds(5));
        Response open = preview(service, token, null, null).expect(200);
        assertEquals("OPEN", open.json().get("state"));
        assertEquals("LOBBY", open.json().get("next"));
        assertEquals(0L, number(open.json(), "secondsUntilStart"));
    }

    @Test
    void redeemBeforeTheStartConsumesNothing() {
        String room = Service.roomId("early");
        Response roomAnswer = service.room(room, Duration.ofMinutes(10));
        Invited guest = new Invited(room, service.invite(room, GUEST, "VIEWER"));
        String token = guest.token();

        Response refused = expectError(redeem(service, token, "device-early-a", GUEST, null), 409, "SESSION_NOT_STARTED");
        assertEquals(roomAnswer.json().get("startsAt"), refused.obj("error").get("startsAt"), "the error carries startsAt");
        // signed in with the invited email: the same answer
        expectError(redeem(service, token, "device-early-a", null, service.token(GUEST)), 409, "SESSION_NOT_STARTED");
        // no proof at all, and wrong emails: the session not having started comes first, and nothing is counted
        expectError(redeem(service, token, "device-early-b", null, null), 409, "SESSION_NOT_STARTED");
        for (int i = 0; i < 6; i++) {
            expectError(redeem(service, token, "device-early-b", "wrong" + i + "@example.org", null), 409,
                    "SESSION_NOT_STARTED");
        }

        Map<String, Object> listed = listed(service, guest);
        assertEquals("PENDING", listed.get("status"));
        assertNull(listed.get("redeemedAt"));
        assertNull(stored(service, guest).deviceId(), "not bound to any device");
        assertEquals(0, stored(service, guest).failedEmailAttempts(), "no wrong email counted before the start");

        service.advance(Duration.ofMinutes(11));
        // a device other than the ones that tried early may enter: nothing was bound
        Response wrongOnce = expectError(redeem(service, token, "device-early-c", "wrong@example.org", null), 403,
                "EMAIL_MISMATCH");
        assertEquals(4L, number(wrongOnce.obj("error"), "attemptsLeft"), "all five attempts were still left");
        Invitee.expectEntered(redeem(service, token, "device-early-c", GUEST, null), "VIEWER");
        expectError(redeem(service, token, "device-early-a", GUEST, null), 409, "LINK_ALREADY_USED");
    }

    @Test
    void movingTheRoomLaterMovesItsExistingLinksAtOnce() {
        Invited guest = service.invitedTo(Service.roomId("moved"), Duration.ofMinutes(10), GUEST, "VIEWER");
        String room = guest.room();
        String token = guest.token();

        Instant newStart = service.clock().instant().plus(Duration.ofMinutes(60)).truncatedTo(ChronoUnit.SECONDS);
        Response moved = putRoom(room, "Moved: Growth Strategies", newStart, newStart.plus(Duration.ofHours(1)));

        Response p = preview(service, token, null, null).expect(200);
        assertEquals(newStart.toString(), p.json().get("startsAt"), "the link follows the new schedule at once");
        assertEquals(moved.json().get("endsAt"), p.json().get("endsAt"));
        assertEquals("Moved: Growth Strategies", p.obj("room").get("title"));
        long s = number(p.json(), "secondsUntilStart");
        assertTrue(s > 3590 && s <= 3600, "counting down to the new start: " + s);

        // the old start has passed; the new one has not
        service.advance(Duration.ofMinutes(11));
        assertEquals("NOT_STARTED", preview(service, token, null, null).expect(200).json().get("state"));
        Response refused = expectError(redeem(service, token, "device-moved-1", GUEST, null), 409, "SESSION_NOT_STARTED");
        assertEquals(newStart.toString(), refused.obj("error").get("startsAt"));

        // moved earlier again (open now): the link opens at once
        Instant openStart = service.clock().instant().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
        putRoom(room, "Moved: Growth Strategies", openStart, openStart.plus(Duration.ofHours(1)));
        Invitee.expectEntered(redeem(service, token, "device-moved-1", GUEST, null), "VIEWER");

        // moved later after the device entered: the bound device waits again, with the new start
        Instant later = service.clock().instant().plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
        putRoom(room, "Moved: Growth Strategies", later, later.plus(Duration.ofHours(1)));
        Response waiting = preview(service, token, "device-moved-1", null).expect(200);
        assertEquals("NOT_STARTED", waiting.json().get("state"));
        assertEquals("WAIT", waiting.json().get("next"));
        assertEquals(later.toString(), waiting.json().get("startsAt"));
        assertEquals(later.toString(),
                expectError(redeem(service, token, "device-moved-1", null, null), 409, "SESSION_NOT_STARTED")
                        .obj("error").get("startsAt"));
        service.advance(Duration.ofMinutes(31));
        Invitee.expectEntered(redeem(service, token, "device-moved-1", null, null), "VIEWER");
    }

    @Test
    void anEndedSessionPreviewsAsEndedAndRefusesRedeem() {
        // the room opened ten minutes ago: open for 50 more minutes
        PendingAndEntered invites = pendingAndEntered(service, "ended", Duration.ofMinutes(-10), GUEST,
                "second@example.org", "device-ended-1");
        String pendingToken = invites.pendingToken();
        String enteredToken = invites.enteredToken();

        service.advance(Duration.ofMinutes(51));
        for (String device : new String[]{null, "device-ended-1"}) {
            Response p = preview(service, pendingToken, device, null).expect(200);
            assertEquals("ENDED", p.json().get("state"));
            assertTrue(p.json().containsKey("next") && p.json().get("next") == null, "next is null once ended: " + p);
            assertEquals(0L, number(p.json(), "secondsUntilStart"));
        }
        Response boundPreview = preview(service, enteredToken, "device-ended-1", null).expect(200);
        assertEquals("ENDED", boundPreview.json().get("state"));
        assertNull(boundPreview.json().get("next"));

        expectError(redeem(service, pendingToken, "device-ended-2", GUEST, null), 410, "SESSION_ENDED");
        expectError(redeem(service, pendingToken, "device-ended-2", null, service.token(GUEST)), 410, "SESSION_ENDED");
        expectError(redeem(service, enteredToken, "device-ended-1", null, null), 410, "SESSION_ENDED");
        expectError(redeem(service, pendingToken, "device-ended-2", "wrong@example.org", null), 410, "SESSION_ENDED");
        assertEquals(0, stored(service, invites.pending()).failedEmailAttempts());
    }

    private Response putRoom(String roomId, String title, Instant start, Instant end) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("description", "A focused 45-minute session.");
        body.put("startsAt", start.toString());
        body.put("endsAt", end.toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        body.put("coOwners", List.of());
        body.put("coEditors", List.of());
        body.put("coPublishers", List.of());
        return service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), body).expect(200);
    }
}
