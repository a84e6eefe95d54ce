package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local runner's outbox in headless Chromium: an invitation email's {@code invite.ics}, then the calendar update a
 * reschedule sends and the cancellation a revoke sends, each opened from the outbox and parsed back (biweekly) into
 * the summary a calendar would read: method, UID, SEQUENCE rising, the new start. All of it on the runner's own
 * stream consumer, follow-up queue and email queue, as in AWS.
 */
class OutboxCalendarTest {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static Service.Response putRoom(Service service, String room, Instant start) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Quarterly Roadmap Review");
        body.put("description", "Where the roadmap stands, and what moves next quarter.");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        body.put("coOwners", List.of());
        body.put("coEditors", List.of());
        body.put("coPublishers", List.of());
        return service.call("PUT", "/admin/rooms/" + room, service.adminToken(), body).expect(200);
    }

    /** Opens the newest outbox email whose subject starts with {@code subject}, then its calendar attachment's page. */
    private static Map<String, String> openCalendar(Browser b, String subject, String to) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            b.get(Pages.api() + "/dev/outbox?format=html");
            List<org.openqa.selenium.WebElement> rows = b.driver.findElements(org.openqa.selenium.By.cssSelector("tbody tr"));
            for (org.openqa.selenium.WebElement row : rows) {
                if (row.getText().contains(to) && row.getText().contains(subject)) {
                    row.findElement(org.openqa.selenium.By.linkText("invite.ics")).click();
                    b.awaitText("h1", "Calendar attachment", 10);
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (org.openqa.selenium.WebElement tr : b.driver.findElements(org.openqa.selenium.By.cssSelector("tbody tr"))) {
                        fields.put(tr.findElement(org.openqa.selenium.By.tagName("th")).getText(),
                                tr.findElement(org.openqa.selenium.By.tagName("td")).getText());
                    }
                    return fields;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + subject + "\" email to " + to + " in the outbox");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theInvitationsCalendarFileThenAnUpdateAndACancellationAreReadBackFromTheOutbox() {
        Service service = Pages.service();
        String room = Service.roomId("outbox-ics");
        // an address of this run only: the outbox folder keeps earlier runs' emails
        String to = "cal.reader." + Long.toString(System.currentTimeMillis(), 36) + "." + room.toLowerCase(java.util.Locale.ROOT)
                + "@example.org";
        Instant start = service.clock().instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        putRoom(service, room, start);
        Service.Response created = service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody(to, "Cal", "Reader", "VIEWER", true)).expect(201);
        assertEquals("SENT", created.obj("email").get("status"), created.body());
        String uid = Service.inviteId(created) + "@room-invites";
        try (Browser b = Browser.open()) {
            Map<String, String> invitation = openCalendar(b, "You're invited", to);
            assertEquals("REQUEST", invitation.get("Method"));
            assertEquals(uid, invitation.get("UID"));
            assertEquals(SHOWN.format(start), invitation.get("Starts"));
            assertEquals("Quarterly Roadmap Review", invitation.get("Summary"));
            assertEquals(to, invitation.get("Attendee"));
            assertTrue(invitation.get("Organizer").endsWith("<invites@room-invites.local>"),
                    "the sender is the organizer (RFC 5546): " + invitation.get("Organizer"));
            b.screenshot("outbox-invite-ics");
            long first = Long.parseLong(invitation.get("Sequence"));

            // rescheduled: the update comes through the stream, the follow-up queue and the email queue
            Instant moved = start.plus(Duration.ofHours(2));
            putRoom(service, room, moved);
            Map<String, String> update = openCalendar(b, "Updated: ", to);
            assertEquals("REQUEST", update.get("Method"));
            assertEquals(uid, update.get("UID"), "the same entry");
            assertEquals(SHOWN.format(moved), update.get("Starts"));
            assertTrue(Long.parseLong(update.get("Sequence")) > first, "SEQUENCE raised: " + update);
            b.screenshot("outbox-calendar-update");

            // revoked: the cancellation
            service.call("DELETE", "/rooms/" + room + "/invites/" + Service.inviteId(created), service.token(Service.OWNER), null)
                    .expect(200);
            Map<String, String> cancel = openCalendar(b, "Cancelled: ", to);
            assertEquals("CANCEL", cancel.get("Method"));
            assertEquals("CANCELLED", cancel.get("Status"));
            assertEquals(uid, cancel.get("UID"));
            assertTrue(Long.parseLong(cancel.get("Sequence")) > Long.parseLong(update.get("Sequence")), "raised again: " + cancel);
            b.screenshot("outbox-calendar-cancel");
        }
    }
}
