package io.roominvites.it.events;

import io.roominvites.email.EmailGateway;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.it.support.Service;
import io.roominvites.local.LocalStreamConsumer;
import io.roominvites.local.MemoryEventPublisher;
import io.roominvites.testing.EmulatorBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle events end to end on DynamoDB Local's stream: requests through the API, the stream consumer the local
 * runner runs (the same relay as the deployed function), events published into memory. Each lifecycle step produces
 * exactly its events, in order per invite; the delay from a write's answer to its event is measured and printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleEventsEndToEndTest {
    private static final String TEMPLATE = "RoomInvitation";
    private static final long WAIT_MS = 15_000;

    /** An email gateway that sends, or fails the next sends when asked. */
    private static final class ScriptedEmail implements EmailGateway {
        final AtomicInteger failNext = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();

        @Override
        public boolean templateExists(String templateName) {
            return true;
        }

        @Override
        public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
            if (failNext.getAndDecrement() > 0) {
                return SendOutcome.failed("The email service refused the message.");
            }
            return SendOutcome.sent("msg-" + sent.incrementAndGet());
        }
    }

    private final ScriptedEmail email = new ScriptedEmail();
    private Service service;
    private MemoryEventPublisher bus;
    private final List<Long> delaysMicros = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() {
        service = new Service(EmulatorBackend.shared(), email, true);
        bus = service.services().events().publisher();
        service.settings(true, TEMPLATE, List.of(), 1440);
    }

    @AfterAll
    void stop() throws Exception {
        if (!delaysMicros.isEmpty()) {
            List<Long> d = new ArrayList<>(delaysMicros);
            Collections.sort(d);
            System.out.printf("lifecycle events: write answered -> event published on DynamoDB Local's stream "
                            + "(poll every 50 ms): n=%d, p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", d.size(),
                    d.get(d.size() / 2) / 1000.0, d.get(Math.min(d.size() - 1, d.size() * 9 / 10)) / 1000.0,
                    d.getLast() / 1000.0);
        }
        if (service != null) {
            service.close();
        }
    }

    private String owner() {
        return service.token(Service.OWNER);
    }

    /** The events published for {@code key} (an invite id, or a room id for room events), oldest first. */
    private List<LifecycleEvent> eventsOf(String key) {
        List<LifecycleEvent> out = new ArrayList<>();
        for (MemoryEventPublisher.Published p : bus.events()) {
            LifecycleEvent e = p.event();
            if (key.equals(e.inviteId()) || (e.inviteId() == null && key.equals(e.roomId()))) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> types(List<LifecycleEvent> events) {
        return events.stream().map(e -> e.type().detailType()).toList();
    }

    /**
     * Runs {@code step} (a write through the API), then waits until {@code key} has exactly {@code expected} events;
     * records the delay from the step's answer to the last of them. Answers the new events.
     */
    private List<LifecycleEvent> step(String key, Runnable write, List<String> expectedNew) throws InterruptedException {
        int before = eventsOf(key).size();
        write.run();
        long answered = System.nanoTime();
        // a step that must tell nothing is given time to tell something, had it done so (the stream is polled every 50 ms)
        long deadline = System.currentTimeMillis() + (expectedNew.isEmpty() ? 1000 : WAIT_MS);
        List<LifecycleEvent> now = eventsOf(key);
        while ((expectedNew.isEmpty() || now.size() < before + expectedNew.size()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
            now = eventsOf(key);
        }
        List<LifecycleEvent> added = now.subList(before, now.size());
        assertEquals(expectedNew, types(added), "the events of this step for " + key + " (all: " + types(now) + ")");
        if (added.isEmpty()) {
            return added;
        }
        LifecycleEvent last = added.getLast();
        for (MemoryEventPublisher.Published p : bus.events()) {
            if (p.event() == last) {
                delaysMicros.add(Math.max(0, (p.publishedNanos() - answered) / 1000));
            }
        }
        return added;
    }

    @Test
    @Order(1)
    void eachLifecycleStepProducesExactlyItsEventsInOrder() throws Exception {
        String room = Service.roomId("events");
        step(room, () -> service.room(room, Duration.ofMinutes(-5)), List.of("Room Changed"));

        Map<String, Object> body = Service.inviteBody("gia.guest@example.org", "Gia", "Guest", "SPEAKER", true);
        Service.Response[] created = new Service.Response[1];
        // the invite's id is known only from the answer: wait on the room's invites through the answer below
        created[0] = service.call("POST", "/rooms/" + room + "/invites", owner(), body).expect(201);
        String id = Service.inviteId(created[0]);
        String path = "/rooms/" + room + "/invites/" + id;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (eventsOf(id).size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(List.of("Invite Created", "Invite Emailed"), types(eventsOf(id)));
        LifecycleEvent first = eventsOf(id).getFirst();
        assertEquals(Map.of("emailMasked", "g***@example.org"), first.detail().get("invitee"));
        assertEquals(Map.of("emailMasked", "o***@example.com"), first.detail().get("actor"));
        assertEquals("SPEAKER", first.detail().get("role"));
        assertEquals(1, first.detail().get("linkVersion"));
        String link = Service.linkToken(created[0]);
        assertFalse(String.valueOf(bus.events()).contains(link), "no link token in any event");
        assertFalse(String.valueOf(bus.events()).contains("gia.guest@example.org"), "the invitee's email is masked");

        email.failNext.set(1);
        step(id, () -> service.call("POST", path + "/resend", owner(), null).expect(200), List.of("Invite Email Failed"));
        String[] token = new String[1];
        step(id, () -> token[0] = Service.linkToken(service.call("POST", path + "/reissue", owner(), Map.of()).expect(200)),
                List.of("Invite Reissued"));
        assertEquals(2, eventsOf(id).getLast().detail().get("linkVersion"));
        step(id, () -> service.redeem(token[0], "device-one-1234", "gia.guest@example.org").expect(200),
                List.of("Invite Redeemed"));
        step(id, () -> service.redeem(token[0], "device-one-1234", null).expect(200), List.of("Invite Reentered"));
        List<LifecycleEvent> promoted = step(id, () -> service.call("POST", path + "/promote", owner(),
                Map.of("role", "MODERATOR")).expect(200), List.of("Invite Promoted"));
        assertEquals("SPEAKER", promoted.getFirst().detail().get("previousRole"));
        assertEquals("MODERATOR", promoted.getFirst().detail().get("role"));
        step(id, () -> service.call("POST", path + "/release-device", owner(), null).expect(200),
                List.of("Invite Device Released"));
        step(id, () -> service.call("DELETE", path, owner(), null).expect(200), List.of("Invite Revoked"));
        step(id, () -> service.call("DELETE", path, owner(), null).expect(200), List.of()); // revoking again: no write

        // a second invite: wrong emails, and the fifth locks it
        String other = Service.inviteId(service.invite(room, "alan@example.org", "VIEWER"));
        String otherToken = null;
        deadline = System.currentTimeMillis() + WAIT_MS;
        while (eventsOf(other).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        for (MemoryEventPublisher.Published p : bus.events()) {
            if (other.equals(p.event().inviteId())) {
                assertEquals("Invite Created", p.event().type().detailType());
            }
        }
        Service.Response listed = service.call("GET", "/rooms/" + room + "/invites?limit=10", owner(), null).expect(200);
        assertEquals(2, listed.list("invites").size());
        // the reissue's own event is awaited first: the lock below must find only its own
        java.util.concurrent.atomic.AtomicReference<String> reissuedLink = new java.util.concurrent.atomic.AtomicReference<>();
        step(other, () -> reissuedLink.set(Service.linkToken(service.call("POST", "/rooms/" + room + "/invites/" + other
                + "/reissue", owner(), Map.of()).expect(200))), List.of("Invite Reissued"));
        otherToken = reissuedLink.get();
        String t = otherToken;
        for (int i = 1; i < 5; i++) {
            service.redeem(t, "device-two-1234", "wrong@example.org").expect(403);
        }
        step(other, () -> service.redeem(t, "device-two-1234", "wrong@example.org").expect(403), List.of("Invite Locked"));
        assertEquals(List.of("Invite Created", "Invite Reissued", "Invite Locked"), types(eventsOf(other)));
        assertNull(eventsOf(other).getLast().detail().get("actor"));

        // the room: a change of its title, then its deletion
        step(room, () -> service.call("PUT", "/admin/rooms/" + room, service.adminToken(), Map.of(
                "title", "A new title", "description", "A focused 45-minute session.",
                "startsAt", service.clock().instant().minusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                "endsAt", service.clock().instant().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                "chatAndCollaborationEnabled", true, "owner", Service.OWNER)).expect(200), List.of("Room Changed"));
        step(room, () -> service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204),
                List.of("Room Deleted"));

        List<String> all = types(eventsOf(id));
        assertEquals(List.of("Invite Created", "Invite Emailed", "Invite Email Failed", "Invite Reissued",
                "Invite Redeemed", "Invite Reentered", "Invite Promoted", "Invite Device Released", "Invite Revoked"), all);
        assertEquals(List.of("Room Changed", "Room Changed", "Room Deleted"), types(eventsOf(room)));
        System.out.println("lifecycle events seen end to end: " + all + " " + types(eventsOf(other)) + " "
                + types(eventsOf(room)));
    }

    @Test
    @Order(2)
    void theHistoryRouteShowsTheSameEventsOldestFirstToManagersOnly() throws Exception {
        String room = Service.roomId("history");
        service.room(room, Duration.ofMinutes(-5));
        String id = Service.inviteId(service.call("POST", "/rooms/" + room + "/invites", owner(),
                Service.inviteBody("ada@example.org", "Ada", "Lovelace", "VIEWER", true)).expect(201));
        String path = "/rooms/" + room + "/invites/" + id;
        service.call("POST", path + "/promote", owner(), Map.of("role", "SPEAKER")).expect(200);
        service.call("DELETE", path, owner(), null).expect(200);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<Map<String, Object>> history = List.of();
        while (history.size() < 4 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
            history = service.call("GET", path + "/history", owner(), null).expect(200).list("events");
        }
        assertEquals(List.of("Invite Created", "Invite Emailed", "Invite Promoted", "Invite Revoked"),
                history.stream().map(e -> e.get("type")).toList());
        Map<String, Object> promoted = history.get(2);
        assertEquals(Map.of("emailMasked", "o***@example.com"), promoted.get("actor"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) promoted.get("details");
        assertEquals("VIEWER", details.get("previousRole"));
        assertEquals("SPEAKER", details.get("role"));
        assertTrue(String.valueOf(promoted.get("at")).endsWith("Z"));
        assertFalse(String.valueOf(history).contains("ada@example.org"), "emails masked in the history");

        service.call("GET", path + "/history", service.token("stranger@example.org"), null).expect(403);
        service.call("GET", path + "/history", null, null).expect(401);
        service.call("GET", "/rooms/" + room + "/invites/01ARZ3NDEKTSV4RRFFQ69G5FAV/history", owner(), null).expect(404);
    }

    /** The repository's recorded SES events (events/ses/). */
    private static final java.nio.file.Path SES_EVENTS = java.nio.file.Path.of(System.getProperty("project.root", ".."))
            .resolve("events/ses");

    @Test
    @Order(4)
    void eachRecordedSesEventUpdatesItsInviteAndPublishesItsEventAndAnUnknownMessageIsIgnoredAndCounted() throws Exception {
        String room = Service.roomId("ses");
        service.room(room, Duration.ofMinutes(-5));
        String[][] cases = {
                {"delivery.json", "DELIVERED", "Invite Email Delivered", null},
                {"bounce-mailbox-does-not-exist.json", "BOUNCED", "Invite Email Bounced", "mailbox does not exist"},
                {"complaint.json", "COMPLAINED", "Invite Email Complained", "marked as spam (abuse)"},
                {"delivery-delay.json", "DELAYED", null, "mailbox full, still trying"}};
        for (String[] c : cases) {
            Service.Response created = service.call("POST", "/rooms/" + room + "/invites", owner(),
                    Service.inviteBody("gia.guest@example.org", "Gia", "Guest", "VIEWER", true)).expect(201);
            String id = Service.inviteId(created);
            String messageId = String.valueOf(created.obj("email").get("messageId"));
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (eventsOf(id).size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(2);
            }
            String event = java.nio.file.Files.readString(SES_EVENTS.resolve(c[0])).replace("${MESSAGE_ID}", messageId);
            List<String> expected = c[2] == null ? List.of() : List.of(c[2]);
            List<LifecycleEvent> added = step(id, () -> assertEquals("RECORDED",
                    service.call("POST", "/dev/ses-event", null, event).expect(200).json().get("result")), expected);
            if (c[3] != null && !added.isEmpty()) {
                assertEquals(c[3], added.getFirst().detail().get("reason"));
                assertNull(added.getFirst().detail().get("actor"));
            }
            Map<String, Object> delivery = cast(service.listed(room, id).get("emailDelivery"));
            assertEquals(c[1], delivery.get("lastEvent"), c[0]);
            assertEquals(c[3], delivery.get("lastEventDetail"), c[0]);
            // the same report again: nothing new
            assertEquals("ALREADY_RECORDED",
                    service.call("POST", "/dev/ses-event", null, event).expect(200).json().get("result"));
        }
        long unknownBefore = ((Number) service.call("POST", "/dev/ses-event", null,
                java.nio.file.Files.readString(SES_EVENTS.resolve("delivery.json")).replace("${MESSAGE_ID}", "no-such-message"))
                .expect(200).json().get("unknownMessages")).longValue();
        Map<String, Object> again = service.call("POST", "/dev/ses-event", null,
                java.nio.file.Files.readString(SES_EVENTS.resolve("bounce-mailbox-does-not-exist.json"))
                        .replace("${MESSAGE_ID}", "no-such-message-either")).expect(200).json();
        assertEquals("UNKNOWN_MESSAGE", again.get("result"));
        assertEquals(unknownBefore + 1, ((Number) again.get("unknownMessages")).longValue());
        service.call("POST", "/dev/ses-event", null, Map.of("hello", "world")).expect(400);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    @Order(3)
    void aPublishFailureIsRetriedWithoutHoldingUpTheRequestAndAPoisonRecordIsDeadLetteredAlone() throws Exception {
        LocalStreamConsumer consumer = service.services().events().consumer();
        String room = Service.roomId("retry");
        service.room(room, Duration.ofMinutes(-5));
        long retriedBefore = consumer.retried();
        bus.refuseNext(1);
        long started = System.nanoTime();
        String id = Service.inviteId(service.invite(room, "grace@example.org", "VIEWER"));
        long requestMicros = (System.nanoTime() - started) / 1000;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        // the consumer counts a retry after the relay returns, and the refusal may fall on another record of the
        // same batch (then this invite's event is out before the count moves): wait for both
        while ((eventsOf(id).isEmpty() || consumer.retried() == retriedBefore) && System.currentTimeMillis() < deadline) {
            Thread.sleep(2);
        }
        assertEquals(List.of("Invite Created"), types(eventsOf(id)), "published once, after the refusal");
        assertTrue(consumer.retried() > retriedBefore, "the refused event's record was delivered again");
        System.out.printf("create answered in %.1f ms while its event was refused once and retried%n", requestMicros / 1000.0);

        // a record no relay can read (an invite item this store never writes): retried, then dead-lettered alone
        long deadBefore = consumer.deadLettered();
        service.services().dynamoDb().putItem(b -> b.tableName(service.services().store().tableName()).item(Map.of(
                "pk", AttributeValue.fromS("INVITE#" + room + "#01ARZ3NDEKTSV4RRFFQ69G5FAV"),
                "sk", AttributeValue.fromS("#INVITE"), "role", AttributeValue.fromS("NOT-A-ROLE"))));
        String after = Service.inviteId(service.invite(room, "alan@example.org", "VIEWER"));
        deadline = System.currentTimeMillis() + WAIT_MS;
        while ((eventsOf(after).isEmpty() || consumer.deadLettered() == deadBefore) && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(List.of("Invite Created"), types(eventsOf(after)), "the writes after the poison record are told");
        assertEquals(deadBefore + 1, consumer.deadLettered());
    }

    /**
     * Issue 17, item 3: overlapping resends settle their attempts in any order; every attempt that was emailed is one
     * Invite Emailed event on the bus and one entry in the history, none lost and none twice.
     */
    @Test
    @Order(5)
    void everyEmailOfRacingResendsIsOneEventAndOneHistoryEntry() throws Exception {
        String room = Service.roomId("racing-resends");
        service.room(room, Duration.ofHours(1));
        Service.Response created = service.call("POST", "/rooms/" + room + "/invites", owner(),
                Service.inviteBody("racer@example.org", "Rae", "Racer", "VIEWER", true)).expect(201);
        String id = Service.inviteId(created);
        String path = "/rooms/" + room + "/invites/" + id;
        List<java.util.concurrent.Callable<Integer>> resends = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            resends.add(() -> service.call("POST", path + "/resend", owner(), null).status());
        }
        List<Integer> statuses = io.roominvites.it.support.Concurrently.releaseAtOnce(resends);
        long sentByResends = statuses.stream().filter(s -> s == 200).count();
        assertTrue(sentByResends >= 1, "some resends went through: " + statuses);
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 429), "a resend is sent or refused by the cap: " + statuses);

        Map<String, Object> invite = service.call("GET", "/rooms/" + room + "/invites", owner(), null).expect(200)
                .list("invites").getFirst();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) ((Map<String, Object>) invite.get("emailDelivery"))
                .getOrDefault("history", List.of());
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<LifecycleEvent> emailed = List.of();
        while (System.currentTimeMillis() < deadline) {
            emailed = eventsOf(id).stream().filter(e -> e.type().detailType().equals("Invite Emailed")).toList();
            if (emailed.size() >= 1 + sentByResends) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(300); // time for a duplicate to show, had one been published
        emailed = eventsOf(id).stream().filter(e -> e.type().detailType().equals("Invite Emailed")).toList();
        assertEquals(1 + sentByResends, emailed.size(), "one Invite Emailed per email sent (the create's and "
                + sentByResends + " resends'); attempts stored: " + attempts.size());
        assertEquals(emailed.size(), emailed.stream().map(LifecycleEvent::eventId).distinct().count(), "distinct ids");
        long inHistory = service.call("GET", path + "/history", owner(), null).expect(200).list("events").stream()
                .filter(e -> "Invite Emailed".equals(e.get("type"))).count();
        assertEquals(emailed.size(), inHistory, "the history has every one of them once");
    }
}
