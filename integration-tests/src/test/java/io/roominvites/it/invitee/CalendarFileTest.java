package io.roominvites.it.invitee;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.json.Json;
import io.roominvites.testing.EmulatorBackend;
import io.roominvites.testing.NpmPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /invites/calendar} (contract v3) on DynamoDB Local: the link's session as an iCalendar file, read back by
 * the library that wrote it (biweekly) and by an independent parser (ical.js, Mozilla's, run by node): the room's
 * instants, a UID stable for the invite, a SEQUENCE that rises when the room moves, the join link as URL; refused as the
 * link's preview is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CalendarFileTest {
    static final Path PARSER = NpmPackage.findUp("testing/ical-parser");

    private Service service;

    @BeforeAll
    void start() {
        NpmPackage.ensureInstalled(PARSER, "ical.js", "2.2.1", NpmPackage.defaultNpm());
        service = new Service(EmulatorBackend.shared(), EmailGateway.NONE, false);
        service.enableInvitations();
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    private Service.Response calendar(String token) {
        return service.call("POST", "/invites/calendar", null, Map.of("token", token));
    }

    @Test
    void theSessionAsOneEventWithAStableUidASequenceThatRisesAndTheJoinLink() throws Exception {
        String room = Service.roomId("calendar");
        service.room(room, Duration.ofHours(3), Duration.ofMinutes(90), true, List.of(), List.of(), List.of());
        Service.Invited invite = new Service.Invited(room, service.invite(room, "cal@example.org", "SPEAKER"));
        Map<String, Object> roomView = service.call("GET", "/rooms/" + room + "/invite-options", service.token(Service.OWNER), null)
                .expect(200).json();
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) roomView.get("room");
        Instant start = Instant.parse(String.valueOf(r.get("startsAt")));
        Instant end = Instant.parse(String.valueOf(r.get("endsAt")));

        Service.Response first = calendar(invite.token()).expect(200);
        assertTrue(first.header("Content-Type").startsWith("text/calendar"), first.header("Content-Type"));
        assertTrue(first.header("Content-Disposition").contains("invite.ics"));
        assertTrue(first.body().contains("\r\n"), "CRLF line ends");
        ICalendar ical = Biweekly.parse(first.body()).first();
        assertEquals("PUBLISH", ical.getMethod().getValue());
        VEvent e = ical.getEvents().getFirst();
        assertEquals(invite.id() + "@room-invites", e.getUid().getValue());
        assertEquals(start, e.getDateStart().getValue().toInstant());
        assertEquals(end, e.getDateEnd().getValue().toInstant());
        assertEquals(r.get("title"), e.getSummary().getValue());
        assertTrue(e.getUrl().getValue().endsWith("#invite=" + invite.token()), e.getUrl().getValue());
        int sequence = e.getSequence().getValue();

        Map<String, Object> independent = icalJs(first.body());
        assertEquals("PUBLISH", independent.get("method"));
        assertEquals("2.0", independent.get("version"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ev = ((List<Map<String, Object>>) independent.get("events")).getFirst();
        assertEquals(invite.id() + "@room-invites", ev.get("uid"));
        assertEquals(start.toString(), Instant.parse(String.valueOf(ev.get("start"))).toString());
        assertEquals(end, Instant.parse(String.valueOf(ev.get("end"))));
        assertEquals((long) sequence, ((Number) ev.get("sequence")).longValue());
        assertTrue(String.valueOf(ev.get("url")).endsWith(invite.token()));

        // the room moves a day later: the same UID, a higher SEQUENCE, the new instants
        service.clock().advance(Duration.ofSeconds(2));
        Instant movedStart = Instant.parse(String.valueOf(service.room(room, Duration.ofHours(27), Duration.ofMinutes(90), true,
                List.of(), List.of(), List.of()).json().get("startsAt")));
        Map<String, Object> moved = icalJs(calendar(invite.token()).expect(200).body());
        @SuppressWarnings("unchecked")
        Map<String, Object> mv = ((List<Map<String, Object>>) moved.get("events")).getFirst();
        assertEquals(invite.id() + "@room-invites", mv.get("uid"));
        assertTrue(((Number) mv.get("sequence")).longValue() > sequence, "SEQUENCE rises: " + mv + " after " + sequence);
        assertEquals(movedStart, Instant.parse(String.valueOf(mv.get("start"))));
        assertTrue(movedStart.isAfter(start.plus(Duration.ofHours(23))), movedStart + " after " + start);
    }

    @Test
    void refusedAsThePreviewIs() {
        String room = Service.roomId("calendar-refused");
        service.room(room, Duration.ofHours(1), Duration.ofMinutes(60), true, List.of(), List.of(), List.of());
        Service.Invited invite = new Service.Invited(room, service.invite(room, "gone@example.org", "VIEWER"));
        service.call("DELETE", "/rooms/" + room + "/invites/" + invite.id(), service.token(Service.OWNER), null).expect(200);
        Service.Response revoked = calendar(invite.token());
        assertEquals(410, revoked.status(), revoked.body());
        assertTrue(revoked.body().contains("INVITE_REVOKED"), revoked.body());
        Service.Response damaged = calendar("not-a-token");
        assertEquals(400, damaged.status(), damaged.body());
        assertTrue(damaged.body().contains("LINK_INVALID"), damaged.body());
        assertEquals(400, service.call("POST", "/invites/calendar", null, Map.of()).status());
    }

    /** The file read by ical.js (testing/ical-parser/parse.mjs): its one JSON line. */
    private static Map<String, Object> icalJs(String ics) throws Exception {
        Process node = new ProcessBuilder("node", "parse.mjs").directory(PARSER.toFile()).redirectErrorStream(true).start();
        node.getOutputStream().write(ics.getBytes(StandardCharsets.UTF_8));
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "parse.mjs did not finish");
        Map<String, Object> result = Json.parseObject(out.substring(out.lastIndexOf('\n') + 1));
        assertEquals(Boolean.TRUE, result.get("ok"), out);
        assertNotNull(result.get("events"));
        return result;
    }
}
