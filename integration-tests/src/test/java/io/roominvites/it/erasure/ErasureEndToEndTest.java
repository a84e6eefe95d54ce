package io.roominvites.it.erasure;

import io.roominvites.domain.Emails;
import io.roominvites.domain.Invite;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.email.EmailGateway;
import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.it.support.Service;
import io.roominvites.json.Json;
import io.roominvites.local.MemoryEventPublisher;
import io.roominvites.service.Ids;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An erasure end to end on DynamoDB Local, with the stream consumer the local runner runs (history and events): after
 * it, a scan of the whole table finds neither the address nor its masked form, the links answer INVITE_REVOKED, and
 * the events after it carry no email. Then 2,000 invites of one person in 50 rooms, erased and measured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureEndToEndTest {
    private static final String TEMPLATE = "RoomInvitation";
    /** As an administrator types it. */
    private static final String PERSON = "Zed.Person@Example.NET";
    private static final String ADDRESS = "zed.person@example.net";
    private static final String OTHER = "keep.this@example.org";

    /** Sends, but the first send to {@link #ADDRESS} fails with a provider error quoting the address (as SES's do). */
    private static final class QuotingEmail implements EmailGateway {
        private int sent;
        private boolean failedOnce;

        @Override
        public boolean templateExists(String templateName) {
            return true;
        }

        @Override
        public synchronized SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
            if (to.equals(ADDRESS) && !failedOnce) {
                failedOnce = true;
                return SendOutcome.failed("Email address is not verified: " + to);
            }
            return SendOutcome.sent("msg-" + (++sent));
        }
    }

    private Service service;
    private MemoryEventPublisher bus;

    @BeforeAll
    void start() {
        service = new Service(EmulatorBackend.shared(), new QuotingEmail(), true);
        bus = service.services().events().publisher();
        service.settings(true, TEMPLATE, List.of(), 1440);
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    private String owner() {
        return service.token(Service.OWNER);
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(2), true, List.of(), List.of(), List.of());
        return room;
    }

    private Service.Response create(String room, String email, boolean send, Map<String, String> headers) {
        return service.call("POST", "/rooms/" + room + "/invites", owner(),
                Service.inviteBody(email, "Zed", "Person", "VIEWER", send), headers).expect(201);
    }

    private List<LifecycleEvent> eventsOf(String inviteId) {
        List<LifecycleEvent> out = new ArrayList<>();
        for (MemoryEventPublisher.Published p : bus.events()) {
            if (inviteId.equals(p.event().inviteId())) {
                out.add(p.event());
            }
        }
        return out;
    }

    /** Waits until every invite has an event of {@code type} (the stream consumer polls): fails after 20 s. */
    private void awaitEvent(List<String> inviteIds, EventType type) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        for (String id : inviteIds) {
            while (eventsOf(id).stream().noneMatch(e -> e.type() == type)) {
                assertTrue(System.currentTimeMillis() < deadline, "no " + type + " event for " + id + ": " + eventsOf(id));
                Thread.sleep(20);
            }
        }
    }

    /** Every item of the table, each attribute's value as text, lower case. */
    private List<String> scanTable() {
        List<String> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = service.services().dynamoDb().scan(b -> b.tableName(service.services().store().tableName())
                    .consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                out.add(item.toString().toLowerCase(Locale.ROOT));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** The items of {@code room}'s requests to join and its pending-request markers, as text. */
    private List<String> joinItems(String room) {
        String lower = room.toLowerCase(Locale.ROOT);
        return scanTable().stream().filter(i -> i.contains("pk=attributevalue(s=joinreq#" + lower + ")")
                || i.contains("pk=attributevalue(s=joinpend#" + lower + "#")).toList();
    }

    private Map<String, Object> erasure(String id) {
        return service.call("GET", "/admin/erasures/" + id, service.adminToken(), null).expect(200).json();
    }

    @Test
    void afterAnErasureNothingInTheTableHoldsTheAddressAndItsLinksAndEventsAreClean() throws Exception {
        String a = room("era");
        String b = room("erb");
        String c = room("erc");
        Service.Response failed = create(a, ADDRESS, true, Map.of()); // the provider's error quotes the address
        Service.Response emailed = create(a, PERSON, true, Map.of("Idempotency-Key", "zed-a-1"));
        assertEquals("FAILED", ((Map<?, ?>) ((Map<?, ?>) failed.json().get("invite")).get("emailDelivery")).get("status"));
        Service.Response redeemed = create(b, ADDRESS, false, Map.of());
        service.call("POST", "/invites/redeem", null, Map.of("token", linkToken(redeemed), "deviceId", "laptop-0001",
                "email", ADDRESS)).expect(200);
        Service.Response revoked = create(c, ADDRESS, false, Map.of());
        service.call("DELETE", "/rooms/" + c + "/invites/" + inviteId(revoked), owner(), null).expect(200);
        // a bulk with a key: its plan is kept 24 h (rows, ids, errors), and holds no address
        List<Map<String, Object>> rows = List.of(
                new LinkedHashMap<>(Map.of("email", ADDRESS, "firstName", "Zed", "lastName", "Person", "role", "VIEWER")),
                new LinkedHashMap<>(Map.of("email", ADDRESS, "firstName", "Zed", "lastName", "Again", "role", "VIEWER")),
                new LinkedHashMap<>(Map.of("email", OTHER, "firstName", "Kee", "lastName", "Pthis", "role", "VIEWER")));
        Service.Response bulk = service.bulk(b, Map.of("invites", rows, "sendEmail", false), Map.of("Idempotency-Key", "bulk-zed"))
                .expect(200);
        String bulkId = null;
        for (Object o : (List<?>) bulk.json().get("results")) {
            Map<?, ?> r = (Map<?, ?>) o;
            if (r.get("invite") instanceof Map<?, ?> inv && ADDRESS.equals(inv.get("email"))) {
                bulkId = String.valueOf(inv.get("inviteId"));
            }
        }
        service.call("PUT", "/admin/users/" + ADDRESS, service.adminToken(), Map.of("firstName", "Zed", "lastName", "Person"))
                .expect(200);
        // the person's link used on another device: they ask to be let in, with a message naming them (PENDING)
        Service.Response used = service.call("POST", "/invites/redeem", null, Map.of("token", linkToken(redeemed),
                "deviceId", "phone-0002", "email", ADDRESS));
        assertEquals(409, used.status(), used.body());
        Map<String, Object> ask = new LinkedHashMap<>();
        ask.put("token", linkToken(redeemed));
        ask.put("email", PERSON);
        ask.put("message", "Zed.Person here, my laptop broke: please let me in.");
        String joinRequest = String.valueOf(service.call("POST", "/invites/join-requests", null, ask).expect(202).json()
                .get("joinRequestId"));
        // and with a colleague's link, used on the colleague's laptop, they ask in another room
        Service.Response colleague = create(c, "ann.colleague@example.org", false, Map.of());
        service.call("POST", "/invites/redeem", null, Map.of("token", linkToken(colleague), "deviceId", "ann-laptop-01",
                "email", "ann.colleague@example.org")).expect(200);
        Map<String, Object> askAgain = new LinkedHashMap<>(ask);
        askAgain.put("token", linkToken(colleague));
        service.call("POST", "/invites/join-requests", null, askAgain).expect(202);
        awaitEvent(List.of(inviteId(colleague)), EventType.JOIN_REQUESTED);
        // and they enter a guest link with the address, typing a name found nowhere else
        Service.Response guestLink = service.call("POST", "/rooms/" + a + "/guest-links", owner(),
                Map.of("label", "Open house", "maxUses", 5)).expect(201);
        String guestToken = String.valueOf(guestLink.json().get("link")).replaceFirst("^.*#guest=", "");
        Map<String, Object> guest = new LinkedHashMap<>(Map.of("token", guestToken, "deviceId", "guest-device-01",
                "firstName", "Zoltan", "lastName", "Quuxley", "email", PERSON));
        service.call("POST", "/guest/redeem", null, guest).expect(200);
        List<String> persons = List.of(inviteId(emailed), inviteId(failed), inviteId(redeemed), inviteId(revoked), bulkId);
        awaitEvent(persons, EventType.INVITE_CREATED);
        awaitEvent(List.of(inviteId(redeemed)), EventType.INVITE_REDEEMED);
        String masked = Emails.mask(ADDRESS).toLowerCase(Locale.ROOT);
        assertTrue(scanTable().stream().anyMatch(i -> i.contains(ADDRESS)), "the seeding stored the address");
        assertTrue(scanTable().stream().anyMatch(i -> i.contains(masked)), "and its masked form (history)");
        assertTrue(scanTable().stream().anyMatch(i -> i.contains("zoltan")), "and the name the guest typed");
        assertEquals(2, joinItems(b).size(), "a pending request and its marker: " + joinItems(b));

        Service.Response started = service.call("POST", "/admin/erasures", service.adminToken(), Map.of("email", PERSON))
                .expect(202);
        int eventsBefore = bus.events().size();
        assertEquals(ADDRESS, started.json().get("email"));
        String id = String.valueOf(started.json().get("erasureId"));
        assertTrue(service.services().erasureQueue().drain(service.services().app().erasures()) >= 1);
        Map<String, Object> done = erasure(id);
        assertEquals("DONE", done.get("status"), done::toString);
        assertEquals(5L, done.get("invitesErased"));
        assertEquals(3L, done.get("roomsTouched"));
        awaitEvent(persons, EventType.INVITEE_ERASED);
        // the request's removal reaches the stream consumer too, which takes the requester out of the colleague's history
        long until = System.currentTimeMillis() + 20_000;
        while (history(c, inviteId(colleague)).get(2).get("actor") != null) {
            assertTrue(System.currentTimeMillis() < until, "the colleague's history still names the requester");
            Thread.sleep(20);
        }

        // nothing with the address, whole or masked, anywhere in the table
        for (String item : scanTable()) {
            assertFalse(item.contains(ADDRESS), "an item still holds the address: " + item);
            assertFalse(item.contains("zed.person"), "an item still holds the address's local part: " + item);
            assertFalse(item.contains(masked), "an item still holds the masked address: " + item);
        }
        // another person's invite is untouched
        assertTrue(scanTable().stream().anyMatch(i -> i.contains(OTHER)));
        // the request to join is gone, with its room's marker of a pending request (a hash of the address)
        assertFalse(scanTable().stream().anyMatch(i -> i.contains("zoltan") || i.contains("quuxley")), "the guest's name");
        assertEquals(List.of(), joinItems(b), "no request to join and no pending marker is left");
        assertEquals(List.of(), service.call("GET", "/rooms/" + b + "/join-requests", owner(), null).expect(200)
                .list("joinRequests"));
        service.call("POST", "/rooms/" + b + "/join-requests/" + joinRequest + "/admit", owner(), null)
                .expectError(404, "JOIN_REQUEST_NOT_FOUND");
        // the guest keeps the use they took (the link's count stays exact): the same device enters again, none taken
        Map<String, Object> listedLink = service.call("GET", "/rooms/" + a + "/guest-links", owner(), null).expect(200)
                .list("guestLinks").getFirst();
        assertEquals(4L, ((Number) listedLink.get("usesLeft")).longValue(), listedLink.toString());
        guest.remove("email");
        guest.put("firstName", "Guest");
        guest.put("lastName", "Again");
        service.call("POST", "/guest/redeem", null, guest).expect(200);
        assertEquals(4L, ((Number) service.call("GET", "/rooms/" + a + "/guest-links", owner(), null).expect(200)
                .list("guestLinks").getFirst().get("usesLeft")).longValue());

        for (Service.Response r : List.of(emailed, failed, redeemed, revoked)) {
            Service.Response preview = service.call("POST", "/invites/preview", null, Map.of("token", linkToken(r),
                    "deviceId", "laptop-0001"));
            assertEquals(410, preview.status(), preview.body());
            assertTrue(preview.body().contains("INVITE_REVOKED"), preview.body());
        }
        // one Invitee Erased per invite; nothing published since the erasure carries the address, masked or not
        for (String invite : persons) {
            assertEquals(1, eventsOf(invite).stream().filter(e -> e.type() == EventType.INVITEE_ERASED).count());
        }
        for (MemoryEventPublisher.Published p : bus.events().subList(eventsBefore, bus.events().size())) {
            String detail = Json.write(p.event().detail()).toLowerCase(Locale.ROOT);
            assertFalse(detail.contains(masked) || detail.contains(ADDRESS), "an event after the erasure: " + detail);
            if (p.event().type() == EventType.INVITEE_ERASED) {
                assertNull(p.event().invitee());
                assertNull(p.event().actor());
            }
        }
        // the history keeps what happened and when, and no one's personal data but the manager's
        List<Map<String, Object>> history = history(b, inviteId(redeemed));
        assertEquals(List.of("Invite Created", "Invite Redeemed", "Join Requested", "Invite Revoked", "Invitee Erased"),
                history.stream().map(e -> e.get("type")).toList());
        assertNull(history.get(1).get("actor"), "the invitee's own entry names no one: " + history);
        assertNull(history.get(2).get("actor"), "nor their request to join: " + history);
        // the colleague's invite is theirs and stays whole; the request the person made with its link names no one
        List<Map<String, Object>> colleagues = history(c, inviteId(colleague));
        assertEquals(List.of("Invite Created", "Invite Redeemed", "Join Requested"),
                colleagues.stream().map(e -> e.get("type")).toList());
        assertNull(colleagues.get(2).get("actor"), colleagues.toString());
        assertEquals("ann.colleague@example.org", service.listed(c, inviteId(colleague)).get("email"));
        // erasing again is harmless: a new erasure that finds nothing
        String again = String.valueOf(service.call("POST", "/admin/erasures", service.adminToken(),
                Map.of("email", ADDRESS)).expect(202).json().get("erasureId"));
        service.services().erasureQueue().drain(service.services().app().erasures());
        assertEquals(0L, erasure(again).get("invitesErased"));
        assertEquals("DONE", erasure(again).get("status"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> history(String room, String inviteId) {
        return (List<Map<String, Object>>) service.call("GET", "/rooms/" + room + "/invites/" + inviteId + "/history", owner(),
                null).expect(200).json().get("events");
    }

    private static String inviteId(Service.Response created) {
        return String.valueOf(((Map<?, ?>) created.json().get("invite")).get("inviteId"));
    }

    private static String linkToken(Service.Response created) {
        String link = String.valueOf(created.json().get("link"));
        return link.substring(link.indexOf("#invite=") + "#invite=".length());
    }

    /**
     * 2,000 invites of one person in 50 rooms (written as a bulk create writes them, 40 a room), erased through the API
     * and the job; the time printed. No stream consumer here: the figure is the job's own (the relay's scrub on each
     * erased invite comes after, off its path).
     */
    @Test
    void twoThousandInvitesOfOnePersonInFiftyRoomsAreErasedAndMeasured() throws Exception {
        try (Service quiet = new Service(EmulatorBackend.shared(), EmailGateway.NONE, false)) {
            quiet.settings(true, TEMPLATE, List.of(), 1440);
            String person = "many.rooms@example.net";
            Ids ids = new Ids();
            Instant now = quiet.clock().instant().truncatedTo(ChronoUnit.MILLIS);
            for (int r = 0; r < 50; r++) {
                String roomId = Service.roomId("erase-scale");
                quiet.room(roomId, Duration.ofMinutes(30), Duration.ofHours(2), true, List.of(), List.of(), List.of());
                Room room = quiet.services().store().findRoom(roomId).orElseThrow();
                List<Invite> invites = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    invites.add(Invite.created(ids.newInviteId(now), roomId, person, "Many", "Rooms", Role.VIEWER, now,
                            Service.OWNER, "Olivia Owner", now.plus(Duration.ofDays(1)), 1, null));
                }
                assertEquals(40, quiet.services().store().putInvites(room, invites).written());
            }
            long t0 = System.nanoTime();
            String id = String.valueOf(quiet.call("POST", "/admin/erasures", quiet.adminToken(), Map.of("email", person))
                    .expect(202).json().get("erasureId"));
            int runs = quiet.services().erasureQueue().drain(quiet.services().app().erasures());
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> done = quiet.call("GET", "/admin/erasures/" + id, quiet.adminToken(), null).expect(200).json();
            assertEquals("DONE", done.get("status"));
            assertEquals(2000L, done.get("invitesErased"));
            assertEquals(50L, done.get("roomsTouched"));
            System.out.printf(Locale.ROOT, "erasure: 2000 invites of one person in 50 rooms erased in %.1f s "
                    + "(%d job run(s), %.2f ms an invite, DynamoDB Local)%n", seconds, runs, seconds * 1000 / 2000);
        }
    }
}
