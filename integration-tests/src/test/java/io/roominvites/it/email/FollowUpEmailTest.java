package io.roominvites.it.email;

import io.roominvites.email.EmailQueue;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.events.EventType;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.local.LocalReminderSchedules;
import io.roominvites.local.MemoryEventPublisher;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calendar updates, cancellations and reminders (docs/api.md, "Calendar, reminders and the access code"), end to end
 * on the table's change stream, the follow-up queue, the email queue and SES v2 (aws-ses-v2-local): a reschedule of a
 * room of 300 emailed invites is one write on the request path and 300 updates after it, each once however often the
 * queues deliver; a revoke is one cancellation; reminders fire on the runner's clock at the right moments, once, to
 * the right invites, move with the room and stop with its delete. Each .ics is read back by biweekly.
 */
class FollowUpEmailTest extends ServiceTest {
    private static final int INVITES = 300;

    /** The .ics read by ical.js (Mozilla's, run by node: testing/ical-parser), independently of biweekly. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> icalJs(StoredEmail m) throws Exception {
        java.nio.file.Path parser = io.roominvites.testing.NpmPackage.findUp("testing/ical-parser");
        io.roominvites.testing.NpmPackage.ensureInstalled(parser, "ical.js", "2.2.1", io.roominvites.testing.NpmPackage.defaultNpm());
        Process node = new ProcessBuilder("node", "parse.mjs").directory(parser.toFile()).redirectErrorStream(true).start();
        node.getOutputStream().write(m.attachments().getFirst().content());
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(node.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "parse.mjs did not finish");
        Map<String, Object> parsed = io.roominvites.json.Json.parseObject(out);
        assertEquals(Boolean.TRUE, parsed.get("ok"), out);
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyEvent(Map<String, Object> parsed) {
        List<Map<String, Object>> events = (List<Map<String, Object>>) parsed.get("events");
        assertEquals(1, events.size());
        return events.getFirst();
    }

    @Override
    protected Service createService(Backend backend) {
        SesV2Client ses = EmailSupport.preparedSesClient(backend);
        for (EmailTemplate t : EmailTemplate.defaults()) {
            SesEmailGateway.ensureTemplate(ses, t);
        }
        return new Service(backend, new SesEmailGateway(ses, EmailSupport.FROM, null, Duration.ofSeconds(60),
                java.time.Clock.systemUTC()), o -> {
            o.lifecycleEvents = true;
            o.streamPollInterval = Duration.ofMillis(50);
        });
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440 * 7);
    }

    private Service.Response putRoom(String roomId, Instant start, String title, List<Integer> reminders) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("description", "A focused session.");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        body.put("coOwners", List.of());
        body.put("coEditors", List.of());
        body.put("coPublishers", List.of());
        if (reminders != null) {
            body.put("reminderMinutesBefore", reminders);
        }
        return service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), body);
    }

    /** The links of the last {@link #emailedInvites} batch, by email. */
    private final Map<String, String> links = new java.util.concurrent.ConcurrentHashMap<>();
    /** The invite ids of the {@link #emailedInvites} batches, by email. */
    private final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();

    private List<String> emailedInvites(String room, String prefix, int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Map.of("email", EmailSupport.uniqueEmail(prefix + i), "firstName", "Gia", "lastName", "Guest",
                    "role", "VIEWER"));
        }
        Service.Response r = service.bulk(room, Map.of("invites", rows, "sendEmail", true), Map.of()).expect(200);
        service.drainEmailQueue();
        List<String> to = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            to.add((String) rows.get(i).get("email"));
            links.put(to.get(i), String.valueOf(r.list("results").get(i).get("link")));
            ids.put(to.get(i), String.valueOf(((Map<?, ?>) r.list("results").get(i).get("invite")).get("inviteId")));
        }
        assertEquals(n, r.list("results").size());
        return to;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Runs the follow-up queue and then the email queue until both are empty (as their functions do in AWS). */
    private void drainFollowUps() {
        while (service.services().followUpQueue().size() > 0 || service.services().emailQueue().size() > 0) {
            service.services().followUpQueue().drain(service.services().followUps());
            service.drainEmailQueue();
        }
    }

    private List<StoredEmail> mail(String to, String subjectPrefix) {
        return EmailSupport.mailTo(backend, to).stream().filter(m -> m.subject().startsWith(subjectPrefix)).toList();
    }

    private long events(EventType type, String roomId) {
        return service.services().events().publisher().events().stream().map(MemoryEventPublisher.Published::event)
                .filter(e -> e.type() == type && roomId.equals(e.roomId())).count();
    }

    private static biweekly.component.VEvent ics(StoredEmail m, String method) {
        assertEquals(1, m.attachments().size(), m.subject());
        StoredEmail.Attachment a = m.attachments().getFirst();
        assertEquals("invite.ics", a.fileName());
        assertTrue(a.contentType().contains("method=" + method), a.contentType());
        biweekly.ICalendar calendar = biweekly.Biweekly.parse(new String(a.content(), StandardCharsets.UTF_8)).first();
        assertEquals(method, calendar.getMethod().getValue());
        return calendar.getEvents().getFirst();
    }

    @Test
    void aRescheduleIsOneWriteThenOneUpdateForEachEmailedInviteAndARevokeOneCancellation() throws Exception {
        String room = Service.roomId("follow-ups");
        Instant start = service.clock().instant().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        putRoom(room, start, "Quarterly review", List.of()).expect(200);
        List<String> to = emailedInvites(room, "resched", INVITES);
        assertEquals(1, mail(to.getFirst(), "You're invited").size());

        // the reschedule: the same DynamoDB calls as for a room without invites (one write, one read of the caller)
        Instant moved = start.plus(Duration.ofHours(2));
        service.calls().reset();
        putRoom(room, moved, "Quarterly review", List.of()).expect(200);
        List<String> calls = service.calls().calls();
        assertTrue(calls.size() <= 3, "the request stays O(1): " + calls);

        await("the room's change on the stream", () -> service.services().followUpQueue().size() > 0);
        String fanOut = service.services().followUpQueue().pending().getFirst();
        drainFollowUps();
        // at least once: the fan-out delivered again, and every email job again, two senders at once
        service.services().followUpQueue().enqueue(fanOut);
        service.services().followUpQueue().drain(service.services().followUps());
        List<String> jobs = service.services().emailQueue().pending();
        assertEquals(INVITES, jobs.stream().mapToInt(m -> EmailQueue.jobs(m).size()).sum(), "a job an invite");
        assertTrue(jobs.stream().allMatch(m -> EmailQueue.jobs(m).size() <= 10), "at most ten jobs a message");
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Callable<Integer>> twice = List.of(() -> service.drainEmailQueue(), () -> {
                for (String m : jobs) {
                    service.services().app().queuedEmails().sendMessage(m);
                }
                return jobs.size();
            });
            for (Future<Integer> f : pool.invokeAll(twice)) {
                f.get();
            }
        }
        long sequence = -1;
        for (String address : to) {
            List<StoredEmail> updates = mail(address, "Updated: ");
            assertEquals(1, updates.size(), "one update: " + address);
            biweekly.component.VEvent e = ics(updates.getFirst(), "REQUEST");
            assertEquals(java.util.Date.from(moved), e.getDateStart().getValue());
            sequence = e.getSequence().getValue();
        }
        await("300 Invite Calendar Updated events", () -> events(EventType.INVITE_CALENDAR_UPDATED, room) == INVITES);
        // the same update read by an independent parser: the method, UID, SEQUENCE and the new start
        Map<String, Object> updateJs = icalJs(mail(to.get(7), "Updated: ").getFirst());
        assertEquals("REQUEST", updateJs.get("method"));
        assertEquals(ids.get(to.get(7)) + "@room-invites", onlyEvent(updateJs).get("uid"));
        assertEquals(sequence, ((Number) onlyEvent(updateJs).get("sequence")).longValue());
        assertEquals(moved, Instant.parse(String.valueOf(onlyEvent(updateJs).get("start"))));

        // a revoke: one cancellation, METHOD:CANCEL, the same UID, a higher SEQUENCE
        String revokedTo = to.get(7);
        String inviteId = inviteIdOf(room, revokedTo);
        service.call("DELETE", "/rooms/" + room + "/invites/" + inviteId, service.token(Service.OWNER), null).expect(200);
        await("the revoke's cancellation job", () -> service.services().emailQueue().size() > 0);
        String cancelJob = service.services().emailQueue().pending().getFirst();
        drainFollowUps();
        service.services().app().queuedEmails().sendMessage(cancelJob); // delivered again: nothing more
        List<StoredEmail> cancels = mail(revokedTo, "Cancelled: ");
        assertEquals(1, cancels.size());
        biweekly.component.VEvent cancelled = ics(cancels.getFirst(), "CANCEL");
        assertEquals(inviteId + "@room-invites", cancelled.getUid().getValue());
        assertTrue(cancelled.getSequence().getValue() > sequence, "raised: " + cancelled.getSequence().getValue());
        assertEquals("CANCELLED", cancelled.getStatus().getValue());
        Map<String, Object> cancelJs = icalJs(cancels.getFirst());
        assertEquals("CANCEL", cancelJs.get("method"));
        assertEquals(inviteId + "@room-invites", onlyEvent(cancelJs).get("uid"));
        assertEquals("CANCELLED", onlyEvent(cancelJs).get("status"));
        assertTrue(((Number) onlyEvent(cancelJs).get("sequence")).longValue() > sequence);
        await("one Invite Calendar Cancelled", () -> events(EventType.INVITE_CALENDAR_CANCELLED, room) == 1);

        // the room deleted: a cancellation to every other emailed invite, none again to the revoked one
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        await("the delete on the stream", () -> service.services().followUpQueue().size() > 0);
        drainFollowUps();
        for (String address : to) {
            assertEquals(1, mail(address, "Cancelled: ").size(), "one cancellation: " + address);
        }
        await("a cancellation event an invite", () -> events(EventType.INVITE_CALENDAR_CANCELLED, room) == INVITES);
    }

    private String inviteIdOf(String room, String email) {
        return ids.get(email);
    }

    @Test
    void remindersFireOnTheClockOnceToTheRightInvitesMoveWithTheRoomAndStopWithItsDelete() throws Exception {
        String room = Service.roomId("reminders");
        Instant now = service.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        putRoom(room, now.minus(Duration.ofMinutes(1)), "Launch", null).expect(200); // open: the invitees may enter
        List<String> to = emailedInvites(room, "remind", 6);
        // revoked; redeemed then revoked; bounced; two pending; one redeemed (still reminded); one never emailed
        service.redeem(Service.tokenOf(links.get(to.get(1))), "device-1", to.get(1)).expect(200);
        service.redeem(Service.tokenOf(links.get(to.get(5))), "device-5", to.get(5)).expect(200);
        for (String revoked : List.of(to.get(0), to.get(1))) {
            service.call("DELETE", "/rooms/" + room + "/invites/" + inviteIdOf(room, revoked), service.token(Service.OWNER),
                    null).expect(200);
        }
        bounce(room, inviteIdOf(room, to.get(2)));
        service.invite(room, EmailSupport.uniqueEmail("never-emailed"), "VIEWER");

        // rescheduled to two days from now: the site's reminders, a day and an hour before
        Instant start = now.plus(Duration.ofDays(2));
        putRoom(room, start, "Launch", null).expect(200);
        LocalReminderSchedules schedules = service.services().reminders();
        await("two schedules", () -> start.minus(Duration.ofMinutes(60)).equals(scheduled(room, 60)));
        assertEquals(start.minus(Duration.ofMinutes(1440)), scheduled(room, 1440));

        // moved by a reschedule: three hours later
        Instant moved = start.plus(Duration.ofHours(3));
        putRoom(room, moved, "Launch", null).expect(200);
        await("the schedules moved", () -> moved.minus(Duration.ofMinutes(60)).equals(scheduled(room, 60)));
        assertEquals(moved.minus(Duration.ofMinutes(1440)), scheduled(room, 1440));
        drainFollowUps(); // the calendar updates of the changes above

        // the old moment passes: nothing; the new day-before moment: one reminder each to the three still invited
        service.clock().advance(Duration.between(service.clock().instant(), start.minus(Duration.ofMinutes(1440))).plusSeconds(1));
        drainFollowUps();
        for (String address : to) {
            assertEquals(0, mail(address, "Reminder: ").size(), "not yet: " + address);
        }
        service.clock().advance(Duration.ofHours(3));
        await("the day-before reminder fired", () -> service.services().followUpQueue().size() > 0);
        String fired = service.services().followUpQueue().pending().getFirst();
        drainFollowUps();
        service.services().followUpQueue().enqueue(fired); // Scheduler delivers at least once
        drainFollowUps();
        assertEquals(0, mail(to.get(0), "Reminder: ").size(), "revoked");
        assertEquals(0, mail(to.get(1), "Reminder: ").size(), "redeemed, then revoked");
        assertEquals(0, mail(to.get(2), "Reminder: ").size(), "bounced");
        for (String address : to.subList(3, 6)) {
            List<StoredEmail> reminders = mail(address, "Reminder: ");
            assertEquals(1, reminders.size(), "one reminder: " + address);
            assertTrue(reminders.getFirst().text().contains(EmailSupport.linkIn(reminders.getFirst().text())),
                    "with the link");
        }
        await("three Invite Reminded", () -> events(EventType.INVITE_REMINDED, room) == 3);

        // deleted before the hour-before moment: its schedules go, nothing fires
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        await("the schedules deleted", () -> scheduled(room, 60) == null && scheduled(room, 1440) == null);
        drainFollowUps();
        service.clock().advance(Duration.between(service.clock().instant(), moved));
        drainFollowUps();
        for (String address : to.subList(3, 6)) {
            assertEquals(1, mail(address, "Reminder: ").size(), "none after the delete: " + address);
        }
    }

    private Instant scheduled(String room, int minutesBefore) {
        LocalReminderSchedules.Schedule s = service.services().reminders().schedules().get(room + "/" + minutesBefore);
        return s == null ? null : s.at();
    }

    /** An SES bounce report for the invite's latest message, through the feedback use case (as EventBridge hands it). */
    private void bounce(String room, String inviteId) throws java.io.IOException {
        Map<String, Object> listed = service.listed(room, inviteId);
        @SuppressWarnings("unchecked")
        Map<String, Object> delivery = (Map<String, Object>) listed.get("emailDelivery");
        assertEquals("SENT", delivery.get("status"));
        String event = java.nio.file.Files.readString(DefaultTemplateDeploymentTest.root()
                .resolve("events/ses/bounce-mailbox-does-not-exist.json")).replace("${MESSAGE_ID}",
                String.valueOf(delivery.get("messageId")));
        assertEquals("RECORDED", service.call("POST", "/dev/ses-event", null, event).expect(200).json().get("result"));
    }
}
