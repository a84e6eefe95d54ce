package io.roominvites.it.email;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An email never points at an invite that was not stored, and one request never emails twice: the invite is written
 * first (its email QUEUED), the email sent after, and its outcome recorded. A crash between the two leaves an invite
 * that says its email was not sent, and resend sends it. Racing requests with one Idempotency-Key email once; racing
 * resends never pass the cap.
 */
class EmailAfterTheWriteTest extends ServiceTest {
    private static final String TEMPLATE = "room-invite";
    private final List<String> sent = new CopyOnWriteArrayList<>();
    /** While set, a send dies as a crashed process would: after the write, before any outcome is recorded. */
    private volatile boolean crash;

    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, new EmailGateway() {
            @Override
            public boolean templateExists(String templateName) {
                return TEMPLATE.equals(templateName);
            }

            @Override
            public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
                if (crash) {
                    throw new IllegalStateException("the container died while sending");
                }
                sent.add(to + " " + templateData.get("inviteLink"));
                return SendOutcome.sent("message-" + sent.size());
            }
        });
    }

    @Override
    protected void afterStart() {
        service.settings(true, TEMPLATE, List.of(), 1440);
    }

    private Service.Response create(String room, String email, String key) {
        return service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody(email, "Gia", "Guest", "VIEWER", true), key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> listed(String room, String inviteId) {
        List<Map<String, Object>> invites = (List<Map<String, Object>>) service.call("GET", "/rooms/" + room + "/invites",
                service.token(Service.OWNER), null).expect(200).json().get("invites");
        return invites.stream().filter(i -> inviteId.equals(i.get("inviteId"))).findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCrashBetweenTheWriteAndTheEmailLeavesItQueuedAndResendSendsIt() {
        String room = Service.roomId("email-crash");
        service.room(room, Duration.ofMinutes(30));
        crash = true;
        Service.Response died = create(room, "crash@example.org", "crash-key");
        crash = false;
        assertEquals(500, died.status(), died.body());
        assertEquals(List.of(), sent, "nothing was sent");

        // the invite exists and says its email was not sent
        List<Map<String, Object>> invites = (List<Map<String, Object>>) service.call("GET", "/rooms/" + room + "/invites",
                service.token(Service.OWNER), null).expect(200).json().get("invites");
        assertEquals(1, invites.size());
        String id = (String) invites.getFirst().get("inviteId");
        assertEquals("QUEUED", ((Map<String, Object>) invites.getFirst().get("emailDelivery")).get("status"));

        // the client's retry with the same key replays the stored invite without emailing from a second request
        Service.Response replay = create(room, "crash@example.org", "crash-key").expect(201);
        assertEquals(id, Service.inviteId(replay));
        assertEquals(List.of(), sent);

        Service.Response resent = service.call("POST", "/rooms/" + room + "/invites/" + id + "/resend",
                service.token(Service.OWNER), null).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"));
        assertEquals(1, sent.size());
        assertTrue(sent.getFirst().contains(Service.linkToken(resent)), "the email carries the stored invite's link");
        Map<String, Object> delivery = (Map<String, Object>) listed(room, id).get("emailDelivery");
        assertEquals("SENT", delivery.get("status"));
        assertEquals(2, ((Number) delivery.get("attempts")).intValue(), "the queued attempt that died, then the resend");
    }

    @Test
    void racingCreatesWithOneKeyStoreAndEmailOneInvite() throws Exception {
        String room = Service.roomId("email-race");
        service.room(room, Duration.ofMinutes(30));
        int before = sent.size();
        List<Callable<Service.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(() -> create(room, "race@example.org", "race-key"));
        }
        List<Service.Response> answers = atOnce(tasks);
        String id = null;
        for (Service.Response r : answers) {
            r.expect(201);
            String answered = Service.inviteId(r);
            if (id == null) {
                id = answered;
            }
            assertEquals(id, answered, "every racing request answers the one invite");
        }
        assertEquals(1, sent.size() - before, "one email for one invite: " + sent);
    }

    @Test
    @SuppressWarnings("unchecked")
    void racingResendsNeverPassTheCap() throws Exception {
        String room = Service.roomId("email-cap");
        service.room(room, Duration.ofMinutes(30));
        String id = Service.inviteId(create(room, "cap@example.org", null).expect(201));
        int before = sent.size();
        List<Callable<Service.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            tasks.add(() -> service.call("POST", "/rooms/" + room + "/invites/" + id + "/resend",
                    service.token(Service.OWNER), null));
        }
        int ok = 0;
        for (Service.Response r : atOnce(tasks)) {
            if (r.status() == 200) {
                ok++;
            } else if (r.status() == 429) {
                r.expectError(429, "RATE_LIMITED");
            } else {
                r.expectError(503, "SERVICE_UNAVAILABLE"); // gave up after bounded retries: nothing sent for it
            }
        }
        int emails = sent.size() - before;
        assertEquals(ok, emails, "every successful resend sent one email, no other did");
        assertTrue(emails <= 9, "the first send and at most nine resends: " + emails);
        Map<String, Object> delivery = (Map<String, Object>) listed(room, id).get("emailDelivery");
        assertTrue(((Number) delivery.get("attempts")).intValue() <= 10, delivery.toString());

        // then one at a time up to the cap, whatever the race left: the contract's 10 sends exactly, then 429
        for (int i = 0; i < 20; i++) {
            Service.Response r = service.call("POST", "/rooms/" + room + "/invites/" + id + "/resend",
                    service.token(Service.OWNER), null);
            if (r.status() == 429) {
                r.expectError(429, "RATE_LIMITED");
                break;
            }
            r.expect(200);
        }
        assertEquals(9, sent.size() - before, "the first send and exactly nine resends");
        delivery = (Map<String, Object>) listed(room, id).get("emailDelivery");
        assertEquals(10, ((Number) delivery.get("attempts")).intValue(), delivery.toString());
    }

    private static <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return t.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }
}
