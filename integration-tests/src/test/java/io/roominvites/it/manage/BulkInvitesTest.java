package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /rooms/{roomId}/invites/bulk: up to 500 rows as JSON or CSV, each checked and created on its own with its own
 * result; duplicates within the batch reported; the same Idempotency-Key creates nothing twice; written in
 * transactions of up to 100 items.
 */
class BulkInvitesTest extends ServiceTest {
    private static final Map<String, String> CSV = Map.of("Content-Type", "text/csv; charset=utf-8");

    @BeforeEach
    void invitationsOn() {
        service.settings(true, null, List.of("blocked.example"), 1440);
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(30));
        return room;
    }

    private static Map<String, Object> row(String email, String first, String last, String role) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", email);
        m.put("firstName", first);
        m.put("lastName", last);
        m.put("role", role);
        return m;
    }

    private static Map<String, Object> body(List<Map<String, Object>> rows) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("invites", rows);
        b.put("sendEmail", false);
        return b;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Map<String, Object> result) {
        return (Map<String, Object>) result.get("error");
    }

    @SuppressWarnings("unchecked")
    private static Set<String> fieldsOf(Map<String, Object> result) {
        Set<String> out = new HashSet<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) error(result).get("fields")) {
            out.add((String) f.get("field"));
        }
        return out;
    }

    private static void assertCreated(Map<String, Object> result, String email, String role) {
        assertEquals("CREATED", result.get("status"), result::toString);
        @SuppressWarnings("unchecked")
        Map<String, Object> invite = (Map<String, Object>) result.get("invite");
        assertEquals(email, invite.get("email"));
        assertEquals(role, invite.get("role"));
        assertEquals("PENDING", invite.get("status"));
        assertTrue(((String) result.get("link")).startsWith("https://events.example.com/join#invite="), result::toString);
        assertNull(result.get("error"));
    }

    private static void assertFailed(Map<String, Object> result, String code) {
        assertEquals("FAILED", result.get("status"), result::toString);
        assertEquals(code, error(result).get("code"), result::toString);
        assertTrue(error(result).get("message") instanceof String m && !m.isBlank(), result::toString);
        assertNull(result.get("invite"));
        assertNull(result.get("link"));
    }

    @Test
    void eachRowIsCheckedAndCreatedOnItsOwn() {
        String room = room("bulk-rows");
        Map<String, Object> tooMany = row("devices@example.org", "Dev", "Ices", "VIEWER");
        tooMany.put("maxDevices", 2); // the site allows 1
        Service.Response r = service.bulk(room, body(List.of(
                row("ada@example.org", "Ada", "Lovelace", "VIEWER"),
                row("not-an-email", "Bad", "Email", "VIEWER"),
                row("grace@example.org", "Grace", "Hopper", "ADMIRAL"),
                row(" ADA@Example.org ", "Ada", "Again", "SPEAKER"),
                row("eve@blocked.example", "Eve", "E", "VIEWER"),
                tooMany,
                row("alan@example.org", "Alan", "Turing", "MODERATOR"))), Map.of()).expect(200);
        assertEquals(2L, ((Number) r.json().get("created")).longValue(), r::toString);
        assertEquals(5L, ((Number) r.json().get("failed")).longValue());
        List<Map<String, Object>> results = r.list("results");
        assertEquals(7, results.size());
        for (int i = 0; i < 7; i++) {
            assertEquals((long) i + 1, ((Number) results.get(i).get("row")).longValue());
        }
        assertCreated(results.get(0), "ada@example.org", "VIEWER");
        assertFailed(results.get(1), "INVALID_REQUEST");
        assertEquals(Set.of("email"), fieldsOf(results.get(1)));
        assertFailed(results.get(2), "INVALID_REQUEST");
        assertEquals(Set.of("role"), fieldsOf(results.get(2)));
        assertFailed(results.get(3), "INVALID_REQUEST");
        assertTrue(((String) error(results.get(3)).get("message")).contains("row 1"), results.get(3)::toString);
        assertTrue(((String) error(results.get(3)).get("message")).startsWith("Duplicate"), results.get(3)::toString);
        assertFailed(results.get(4), "DOMAIN_BLOCKED");
        assertFailed(results.get(5), "INVALID_REQUEST");
        assertEquals(Set.of("maxDevices"), fieldsOf(results.get(5)));
        assertCreated(results.get(6), "alan@example.org", "MODERATOR");

        // the created rows are real invites with working links; nothing else was written
        assertEquals(2, Manage.allInviteIds(service, room).size());
        service.room(room, Duration.ofMinutes(-1));
        String link = (String) results.get(6).get("link");
        service.redeem(Service.tokenOf(link), "bulk-device-1", "alan@example.org").expect(200);
    }

    @Test
    void aCsvExportWithABomQuotesAndCrlfLineEnds() {
        String room = room("bulk-csv");
        String csv = "\uFEFFemail,firstName,lastName,role\r\n"
                + "obrien@example.org,\"Conan\",\"O'Brien, Jr.\",VIEWER\r\n"
                + "quote@example.org,\"Say \"\"Hi\"\"\",Quoted,SPEAKER\r\n"
                + "\"multi@example.org\",\"Two\nLines\",Name,MODERATOR\r\n"
                + "zoe@example.org,Zoë,Ünïcode,viewer\r\n"
                + "short@example.org,Short\r\n"
                + "\r\n";
        Service.Response r = service.bulk(room, csv, CSV).expect(200);
        List<Map<String, Object>> results = r.list("results");
        assertEquals(5, results.size(), r::toString);
        assertCreated(results.get(0), "obrien@example.org", "VIEWER");
        assertEquals("O'Brien, Jr.", invite(results.get(0)).get("lastName"));
        assertEquals("Say \"Hi\"", invite(results.get(1)).get("firstName"));
        assertEquals("Two\nLines", invite(results.get(2)).get("firstName"));
        assertEquals("Zoë", invite(results.get(3)).get("firstName"));
        assertEquals("Ünïcode", invite(results.get(3)).get("lastName"));
        assertEquals("VIEWER", invite(results.get(3)).get("role"));
        assertFailed(results.get(4), "INVALID_REQUEST");
        assertEquals(Set.of("row"), fieldsOf(results.get(4)));
        assertEquals(Map.of("status", "NOT_REQUESTED"), invite(results.get(0)).get("emailDelivery"));

        // the same with LF line ends, no BOM, and a maxDevices column
        service.settingsWithMaxDevices(3);
        String lf = "email,firstName,lastName,role,maxDevices\nlf@example.org,Line,Feed,VIEWER,3\nlf2@example.org,Line,Two,VIEWER,\n";
        List<Map<String, Object>> lfResults = service.bulk(room, lf, CSV).expect(200).list("results");
        assertCreated(lfResults.get(0), "lf@example.org", "VIEWER");
        assertEquals(3L, ((Number) invite(lfResults.get(0)).get("maxDevices")).longValue());
        assertEquals(1L, ((Number) invite(lfResults.get(1)).get("maxDevices")).longValue());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> invite(Map<String, Object> result) {
        return (Map<String, Object>) result.get("invite");
    }

    @Test
    void aBadBatchIsRefusedAsAWholeAndWritesNothing() {
        String room = room("bulk-bad");
        Manage.refusedWithoutWrites(service, room, () -> service.bulk(room, "email,first,last,role\na@example.org,A,B,VIEWER\n",
                CSV)).expectError(400, "INVALID_REQUEST");
        Manage.refusedWithoutWrites(service, room, () -> service.bulk(room, "email,firstName,lastName,role\n", CSV))
                .expectError(400, "INVALID_REQUEST");
        // an unclosed quote runs to the end of the file: that row has one field, and fails on its own
        Service.Response unclosed = Manage.refusedWithoutWrites(service, room, () -> service.bulk(room,
                "email,firstName,lastName,role\n\"unclosed@example.org,A,B,VIEWER\nnext@example.org,N,X,VIEWER\n", CSV))
                .expect(200);
        assertFailed(unclosed.list("results").getFirst(), "INVALID_REQUEST");
        assertEquals(Set.of("row"), fieldsOf(unclosed.list("results").getFirst()));
        Manage.expectFields(service.bulk(room, Map.of("invites", List.of()), Map.of()), "invites");
        Manage.expectFields(service.bulk(room, Map.of("invites", "ada@example.org"), Map.of()), "invites");
        Manage.expectFields(service.bulk(room, Map.of("sendEmail", false), Map.of()), "invites");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            rows.add(row("over" + i + "@example.org", "O", "Ver", "VIEWER"));
        }
        Manage.expectFields(Manage.refusedWithoutWrites(service, room, () -> service.bulk(room, body(rows), Map.of())),
                "invites");
        Manage.expectFields(Manage.refusedWithoutWrites(service, room, () -> service.call("POST",
                "/rooms/" + room + "/invites/bulk?sendEmail=maybe", service.token(Service.OWNER),
                "email,firstName,lastName,role\na@example.org,A,B,VIEWER\n", CSV)), "sendEmail");
        Manage.refusedWithoutWrites(service, room, () -> service.bulk(room, "{\"invites\": [", Map.of()))
                .expectError(400, "INVALID_REQUEST");
    }

    @Test
    void theRoomsRulesAndTheManagerAreCheckedOnceForTheBatch() {
        String room = room("bulk-who");
        List<Map<String, Object>> rows = List.of(row("one@example.org", "One", "O", "VIEWER"));
        service.call("POST", "/rooms/" + room + "/invites/bulk", service.token(Manage.STRANGER), body(rows))
                .expectError(403, "NOT_ROOM_MANAGER");
        Map<String, Object> send = body(rows);
        send.put("sendEmail", true);
        Manage.refusedWithoutWrites(service, room, () -> service.bulk(room, send, Map.of()))
                .expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        service.bulk(Service.roomId("bulk-nowhere"), body(rows), Map.of()).expectError(404, "ROOM_NOT_FOUND");
        String closed = Service.roomId("bulk-cc");
        service.room(closed, Duration.ofMinutes(30), Duration.ofHours(1), false, List.of(), List.of(), List.of());
        Manage.refusedWithoutWrites(service, closed, () -> service.bulk(closed, body(rows), Map.of()))
                .expectError(409, "CHAT_AND_COLLABORATION_DISABLED");
    }

    @Test
    void theSameIdempotencyKeyCreatesNothingTwice() {
        String room = room("bulk-idem");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            rows.add(row(i % 40 == 7 ? "bad-" + i : "idem" + i + "@example.org", "Id", "Em", "VIEWER"));
        }
        Map<String, String> key = Map.of("Idempotency-Key", "bulk-key-1");
        Service.Response first = service.bulk(room, body(rows), key).expect(200);
        assertNull(first.header("Idempotent-Replayed"));
        Service.Response again = service.bulk(room, body(rows), key).expect(200);
        assertEquals("true", again.header("Idempotent-Replayed"));
        assertEquals(ids(first), ids(again), "the same rows, the same invites");
        assertEquals(first.json().get("failed"), again.json().get("failed"));
        assertEquals(117, Manage.allInviteIds(service, room).size());

        Map<String, Object> other = body(rows.subList(0, 5));
        service.bulk(room, other, key).expectError(409, "IDEMPOTENCY_CONFLICT");
        service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody("single@example.org", "VIEWER"), key).expectError(409, "IDEMPOTENCY_CONFLICT");

        // concurrent requests with one key: one batch of invites, the same answer for all
        String raced = room("bulk-idem-race");
        Map<String, String> raceKey = Map.of("Idempotency-Key", "bulk-race-key");
        List<Callable<Service.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(() -> service.bulk(raced, body(rows), raceKey));
        }
        List<Service.Response> answers = releaseAtOnce(tasks);
        List<String> expected = null;
        for (Service.Response a : answers) {
            a.expect(200);
            if (expected == null) {
                expected = ids(a);
            }
            assertEquals(expected, ids(a), "every racer answers the same invites");
        }
        assertEquals(117, expected.stream().filter(id -> id != null).count());
        assertEquals(117, Manage.allInviteIds(service, raced).size(), "created once");
        assertEquals(Set.copyOf(Manage.allInviteIds(service, raced)),
                Set.copyOf(expected.stream().filter(id -> id != null).toList()));
    }

    /** Each row's invite id, or null for a failed row. */
    private static List<String> ids(Service.Response r) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> result : r.list("results")) {
            out.add(result.get("invite") == null ? null : (String) invite(result).get("inviteId"));
        }
        return out;
    }

    @Test
    void fiveHundredRowsWithGoodAndBadOnesAreWrittenInTransactionsOfAHundredItems() {
        String room = room("bulk-500");
        List<Map<String, Object>> rows = new ArrayList<>();
        int bad = 0;
        for (int i = 0; i < 500; i++) {
            if (i % 10 == 3) {
                rows.add(row("broken-" + i + "@", "Bro", "Ken", "VIEWER"));
                bad++;
            } else if (i % 25 == 24) {
                rows.add(row("row" + (i - 2) + "@example.org", "Dup", "Licate", "VIEWER")); // never a broken row
                bad++;
            } else {
                rows.add(row("row" + i + "@example.org", "Row", "N" + i, i % 3 == 0 ? "SPEAKER" : "VIEWER"));
            }
        }
        int good = 500 - bad;
        service.calls().reset();
        service.capacity().reset();
        long started = System.nanoTime();
        Service.Response r = service.bulk(room, body(rows), Map.of("Idempotency-Key", "bulk-500")).expect(200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals((long) good, ((Number) r.json().get("created")).longValue(), () -> r.body().substring(0, 2000));
        assertEquals((long) bad, ((Number) r.json().get("failed")).longValue());
        List<String> calls = service.calls().calls();
        long transactions = calls.stream().filter("DynamoDb:TransactWriteItems"::equals).count() - 1;
        assertEquals((good + 98) / 99, transactions, "one transaction per 99 invites (and the send booking): " + calls);
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:BatchGetItem", "DynamoDb:TransactWriteItems",
                        "DynamoDb:PutItem"), calls.subList(0, 4),
                "the room and the key in one read, the send ledgers read and booked for every row at once, then the"
                        + " batch's plan claims the key");
        assertEquals("DynamoDb:PutItem", calls.getLast(), "the plan marked done");
        assertEquals(4 + transactions + 1, calls.size(), calls::toString);
        assertEquals(good, Manage.allInviteIds(service, room).size());
        System.out.printf("bulk of 500 rows (%d created, %d failed): %d ms on the local runner; DynamoDB calls %s;"
                + " %.0f capacity units reported for the invite transactions%n", good, bad, millis, calls.size(),
                service.capacity().units());
        assertNotNull(r.list("results").get(3).get("error"));
    }
}
