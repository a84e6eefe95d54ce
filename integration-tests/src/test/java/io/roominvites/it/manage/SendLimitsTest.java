package io.roominvites.it.manage;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Concurrently;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send limits (contract v3, "Send limits, erasure and export"): invites created (single or bulk row) and emails
 * resent count against the manager's and the room's rolling 24 hours; over either, 429 RATE_LIMITED with
 * {@code Retry-After} and {@code details}; a resend waits out the cool-down; exact under concurrency.
 */
class SendLimitsTest extends ServiceTest {
    private static final String TEMPLATE = "room-invite";
    private final AtomicInteger sent = new AtomicInteger();

    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, new EmailGateway() {
            @Override
            public boolean templateExists(String templateName) {
                return TEMPLATE.equals(templateName);
            }

            @Override
            public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
                return SendOutcome.sent("message-" + sent.incrementAndGet());
            }
        });
    }

    private void limits(int perManager, int perRoom, int cooldownSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("emailTemplateName", TEMPLATE);
        body.put("linkBaseUrl", "https://events.example.com/join");
        body.put("sendLimits", Map.of("perManagerPerDay", perManager, "perRoomPerDay", perRoom,
                "resendCooldownSeconds", cooldownSeconds));
        service.call("PUT", "/admin/settings", service.adminToken(), body).expect(200);
    }

    private static final AtomicInteger MANAGERS = new AtomicInteger();
    /** This test's manager (a co-owner of its rooms): each test has a ledger of its own (one instance runs them all). */
    private String manager;

    @BeforeEach
    void newManager() {
        manager = "manager-" + MANAGERS.incrementAndGet() + "@example.org";
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(30), Duration.ofDays(3), true, List.of(manager), List.of(), List.of());
        return room;
    }

    private Service.Response create(String room, String email, boolean sendEmail) {
        return service.call("POST", Manage.invites(room), service.token(manager),
                Service.inviteBody(email, "Gia", "Guest", "VIEWER", sendEmail));
    }

    private Service.Response resend(String room, String id) {
        return service.call("POST", Manage.invite(room, id) + "/resend", service.token(manager), null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Service.Response r) {
        return (Map<String, Object>) r.obj("error").get("details");
    }

    private static long retryAfter(Service.Response r) {
        return Long.parseLong(r.header("Retry-After"));
    }

    @Test
    void twentyRacingCreatesWithTenLeftCreateExactlyTen() {
        limits(15, 1000, 0);
        String room = room("limit-race");
        for (int i = 0; i < 5; i++) {
            create(room, "early-" + i + "@example.org", false).expect(201);
        }
        List<Callable<Service.Response>> racers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String email = "racer-" + i + "@example.org";
            racers.add(() -> create(room, email, false));
        }
        List<Service.Response> answers = Concurrently.releaseAtOnce(racers);
        long created = answers.stream().filter(a -> a.status() == 201).count();
        long limited = answers.stream().filter(a -> a.status() == 429).count();
        assertEquals(10, created, answers::toString);
        assertEquals(10, limited, answers::toString);
        for (Service.Response a : answers) {
            if (a.status() == 429) {
                a.expectError(429, "RATE_LIMITED");
                assertEquals("perManagerPerDay", details(a).get("limit"), a::toString);
                long wait = retryAfter(a);
                assertEquals(wait, ((Number) details(a).get("retryAfterSeconds")).longValue());
                // the oldest of the 15 leaves the window a day after it was booked (within the minute it was booked)
                assertTrue(wait > 23 * 3600 && wait <= 24 * 3600, a::toString);
                assertTrue(a.obj("error").get("message").toString().contains("Try again in"), a::toString);
            }
        }
        assertEquals(15, Manage.allInviteIds(service, room).size(), "exactly the limit, under the race");
    }

    @Test
    void aBulkOfThirtyWithTenLeftCreatesTenAndRefusesTwentyRowsAlone() {
        limits(1000, 12, 0);
        String room = room("limit-bulk");
        create(room, "first@example.org", false).expect(201);
        create(room, "second@example.org", false).expect(201);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(new LinkedHashMap<>(Map.of("email", "row-" + i + "@example.org", "firstName", "Row", "lastName",
                    "N" + i, "role", "VIEWER")));
        }
        Service.Response r = service.bulk(room, Map.of("invites", rows, "sendEmail", false), Map.of()).expect(200);
        assertEquals(10L, ((Number) r.json().get("created")).longValue(), r::toString);
        assertEquals(20L, ((Number) r.json().get("failed")).longValue(), r::toString);
        List<Map<String, Object>> results = r.list("results");
        for (int i = 0; i < 30; i++) {
            Map<String, Object> row = results.get(i);
            if (i < 10) {
                assertEquals("CREATED", row.get("status"), row::toString);
            } else {
                assertEquals("FAILED", row.get("status"), row::toString);
                @SuppressWarnings("unchecked")
                Map<String, Object> error = (Map<String, Object>) row.get("error");
                assertEquals("RATE_LIMITED", error.get("code"), row::toString);
                assertTrue(error.get("message").toString().contains("This room has had 12"), row::toString);
            }
        }
        assertEquals(12, Manage.allInviteIds(service, room).size());
        // the room is full for the day: a single create says so, by the room's limit
        Service.Response full = create(room, "third@example.org", false).expectError(429, "RATE_LIMITED");
        assertEquals("perRoomPerDay", details(full).get("limit"));
    }

    @Test
    void aResendWaitsOutTheCooldownAndCounts() {
        limits(3, 1000, 60);
        String room = room("limit-resend");
        String id = Service.inviteId(create(room, "cool@example.org", true).expect(201));

        Service.Response early = resend(room, id).expectError(429, "RATE_LIMITED");
        assertEquals("resendCooldown", details(early).get("limit"));
        long wait = retryAfter(early);
        assertTrue(wait >= 1 && wait <= 60, early::toString);
        assertTrue(early.obj("error").get("message").toString().startsWith("This invitation was emailed moments ago"),
                early::toString);

        service.advance(Duration.ofSeconds(wait));
        resend(room, id).expect(200); // the manager's second send of the day
        service.advance(Duration.ofSeconds(61));
        resend(room, id).expect(200); // the third
        service.advance(Duration.ofSeconds(61));
        Service.Response over = resend(room, id).expectError(429, "RATE_LIMITED");
        assertEquals("perManagerPerDay", details(over).get("limit"), over::toString);
        assertEquals(3, sent.get(), "the refused resends sent nothing");
    }

    @Test
    void theWindowRollsOnADayLater() {
        limits(2, 1000, 0);
        String room = room("limit-roll");
        create(room, "a@example.org", false).expect(201);
        service.advance(Duration.ofHours(12));
        create(room, "b@example.org", false).expect(201);
        Service.Response full = create(room, "c@example.org", false).expectError(429, "RATE_LIMITED");
        long wait = retryAfter(full);
        // the first booking leaves the window 12 hours from now (to the minute)
        assertTrue(wait > 11 * 3600 + 58 * 60 && wait <= 12 * 3600, full::toString);
        service.advance(Duration.ofSeconds(wait));
        create(room, "c@example.org", false).expect(201);
        create(room, "d@example.org", false).expectError(429, "RATE_LIMITED");
    }

    @Test
    void settingsTakeAndShowTheLimitsAndRefuseBadOnes() {
        limits(7, 8, 9);
        Map<String, Object> shown = service.call("GET", "/admin/settings", service.adminToken(), null).expect(200).obj("sendLimits");
        assertEquals(Map.of("perManagerPerDay", 7L, "perRoomPerDay", 8L, "resendCooldownSeconds", 9L), numbers(shown));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("linkBaseUrl", "https://events.example.com/join");
        body.put("sendLimits", Map.of("perManagerPerDay", 0, "resendCooldownSeconds", 86_401));
        Service.Response bad = service.call("PUT", "/admin/settings", service.adminToken(), body)
                .expectError(400, "INVALID_REQUEST");
        assertTrue(bad.body().contains("sendLimits.perManagerPerDay") && bad.body().contains("sendLimits.resendCooldownSeconds"),
                bad::toString);
        body.put("sendLimits", "lots");
        service.call("PUT", "/admin/settings", service.adminToken(), body).expectError(400, "INVALID_REQUEST");

        // absent: the contract's defaults
        body.remove("sendLimits");
        Map<String, Object> saved = service.call("PUT", "/admin/settings", service.adminToken(), body).expect(200).obj("sendLimits");
        assertEquals(Map.of("perManagerPerDay", 500L, "perRoomPerDay", 2000L, "resendCooldownSeconds", 60L), numbers(saved));
    }

    private static Map<String, Long> numbers(Map<String, Object> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }
}
