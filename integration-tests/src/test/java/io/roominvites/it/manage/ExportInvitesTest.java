package io.roominvites.it.manage;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /rooms/{roomId}/invites/export} (contract v3): every invite of the room exactly once, newest first, in
 * pages that follow each other by the {@code Link} header; CSV cells a spreadsheet would run as formulas prefixed.
 */
class ExportInvitesTest extends ServiceTest {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    @BeforeEach
    void invitationsOn() {
        service.enableInvitations();
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(30), Duration.ofHours(2), true, List.of(), List.of(), List.of());
        return room;
    }

    private void bulk(String room, int from, int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(new LinkedHashMap<>(Map.of("email", "person-" + i + "@example.org", "firstName", "Person",
                    "lastName", "N" + i, "role", "VIEWER")));
        }
        Service.Response r = service.bulk(room, Map.of("invites", rows, "sendEmail", false), Map.of()).expect(200);
        assertEquals((long) count, ((Number) r.json().get("created")).longValue());
    }

    /** Every page of the export, in order. */
    private List<Service.Response> pages(String room, String format) {
        List<Service.Response> out = new ArrayList<>();
        String path = Manage.invites(room) + "/export?format=" + format;
        while (path != null) {
            Service.Response r = service.call("GET", path, service.token(Service.OWNER), null).expect(200);
            out.add(r);
            String link = r.header("Link");
            Matcher m = link == null ? null : NEXT.matcher(link);
            path = m != null && m.find() ? m.group(1) : null;
            assertTrue(out.size() < 100, "the pages end");
        }
        return out;
    }

    private static List<CsvRecord> parse(String csv) {
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
            return reader.stream().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tenThousandInvitesEachExactlyOnceNewestFirst() {
        String room = room("export-10k");
        for (int b = 0; b < 20; b++) {
            bulk(room, b * 500, 500);
        }
        long started = System.nanoTime();
        List<Service.Response> pages = pages(room, "csv");
        long millis = (System.nanoTime() - started) / 1_000_000;
        StringBuilder file = new StringBuilder();
        long bytes = 0;
        for (Service.Response p : pages) {
            assertTrue(p.header("Content-Type").startsWith("text/csv"), p::toString);
            assertTrue(p.header("Content-Disposition").contains("invites-" + room + ".csv"));
            bytes += p.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertTrue(p.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 6_000_000,
                    "each page within Lambda's 6 MB answer");
            file.append(p.body());
        }
        assertEquals(5, pages.size(), "2,000 a page");
        List<CsvRecord> records = parse(file.toString());
        assertEquals("inviteId", records.getFirst().getField(0), "one header line, on the first page");
        assertEquals(10_001, records.size());
        List<String> header = records.getFirst().getFields();
        int status = header.indexOf("status");
        int emailStatus = header.indexOf("emailStatus");
        int erased = header.indexOf("erased");
        Set<String> ids = new HashSet<>();
        Set<String> emails = new HashSet<>();
        String previous = null;
        for (CsvRecord r : records.subList(1, records.size())) {
            assertTrue(ids.add(r.getField(0)), "once: " + r.getField(0));
            emails.add(r.getField(1));
            assertEquals("PENDING", r.getField(status));
            assertEquals("NOT_REQUESTED", r.getField(emailStatus));
            assertEquals("false", r.getField(erased));
            if (previous != null) {
                assertTrue(previous.compareTo(r.getField(0)) > 0, "newest first");
            }
            previous = r.getField(0);
        }
        assertEquals(10_000, emails.size());
        System.out.printf("export of 10,000 invites: %d pages, %d bytes of CSV, %d ms%n", pages.size(), bytes, millis);
    }

    @Test
    void formulaCellsArePrefixedAndJsonLinesShowTheListingsInvite() {
        String room = room("export-formula");
        for (String name : List.of("=SUM(A1:A9)", "+1 555", "-10", "@cmd")) {
            Map<String, Object> body = Service.inviteBody("f" + Math.abs(name.hashCode()) + "@example.org", name, "Safe",
                    "VIEWER", false);
            service.call("POST", Manage.invites(room), service.token(Service.OWNER), body).expect(201);
        }
        List<CsvRecord> records = parse(pages(room, "csv").getFirst().body());
        Set<String> firstNames = new HashSet<>();
        for (CsvRecord r : records.subList(1, records.size())) {
            firstNames.add(r.getField(2));
        }
        assertEquals(Set.of("'=SUM(A1:A9)", "'+1 555", "'-10", "'@cmd"), firstNames);

        Service.Response jsonl = pages(room, "jsonl").getFirst();
        assertTrue(jsonl.header("Content-Type").startsWith("application/jsonl"), jsonl::toString);
        String[] lines = jsonl.body().split("\n");
        assertEquals(4, lines.length);
        Set<String> raw = new HashSet<>();
        for (String line : lines) {
            Map<String, Object> invite = parseJson(line);
            raw.add((String) invite.get("firstName")); // JSON Lines keep the value as it is
            assertEquals(room, invite.get("roomId"));
        }
        assertEquals(Set.of("=SUM(A1:A9)", "+1 555", "-10", "@cmd"), raw);
    }

    @Test
    void onlyTheRoomsManagersExportAndTheFormatIsChecked() {
        String room = room("export-who");
        service.invite(room, "someone@example.org", "VIEWER");
        service.call("GET", Manage.invites(room) + "/export", service.token("stranger@example.org"), null)
                .expectError(403, "NOT_ROOM_MANAGER");
        service.call("GET", Manage.invites(room) + "/export", null, null).expectError(401, "UNAUTHENTICATED");
        service.call("GET", Manage.invites(room) + "/export?format=xlsx", service.token(Service.OWNER), null)
                .expectError(400, "INVALID_REQUEST");
        Service.Response csv = service.call("GET", Manage.invites(room) + "/export", service.token(Service.OWNER), null)
                .expect(200);
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), "CSV by default");
        assertNull(csv.header("Link"), "one page");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseJson(String line) {
        try {
            return Json.parseObject(line);
        } catch (java.text.ParseException e) {
            throw new AssertionError(line, e);
        }
    }
}
