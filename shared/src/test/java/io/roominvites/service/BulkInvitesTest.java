package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk invites (POST /rooms/{roomId}/invites/bulk): up to 500 rows, each failing on its own, a retry following its plan. */
class BulkInvitesTest {
    private final InProcessService service = new InProcessService();

    @BeforeEach
    void roomAndSettings() {
        service.settings(Map.of("blockedDomains", List.of("blocked.example"), "linkMaxDevices", 3));
        service.room("growth", Duration.ofDays(1));
    }

    private Answer bulk(List<?> rows, Map<String, String> headers) {
        return service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), Map.of("invites", rows), headers);
    }

    private static Map<String, Object> row(String email, String role, Object maxDevices) {
        Map<String, Object> row = new LinkedHashMap<>(inviteBody(email, role));
        if (maxDevices != null) {
            row.put("maxDevices", maxDevices);
        }
        return row;
    }

    private static List<Map<String, Object>> rows(int count) {
        List<Map<String, Object>> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            out.add(row("guest" + i + "@example.org", "VIEWER", null));
        }
        return out;
    }

    private int stored() {
        return service.store.listInvites("growth", null, 100, null, service.clock.instant()).invites().size();
    }

    @SuppressWarnings("unchecked")
    private static String errorCode(Map<String, Object> result) {
        return (String) ((Map<String, Object>) result.get("error")).get("code");
    }

    @SuppressWarnings("unchecked")
    private static Object errorField(Map<String, Object> result) {
        List<Map<String, Object>> fields = (List<Map<String, Object>>) ((Map<String, Object>) result.get("error")).get("fields");
        return fields == null ? null : fields.getFirst().get("field");
    }

    @Test
    void eachRowIsCreatedOrFailsOnItsOwn() {
        Map<String, Object> noRole = row("dora@example.org", "VIEWER", null);
        noRole.remove("role");
        Answer a = bulk(List.of(row("ada@example.org", "VIEWER", null), row("not-an-email", "VIEWER", null),
                row("ADA@example.org", "SPEAKER", null), row("eve@blocked.example", "VIEWER", null),
                row("carl@example.org", "VIEWER", 4), noRole, row("bob@example.org", "SPEAKER", 2)), Map.of()).expect(200);
        assertEquals(2L, a.json().get("created"));
        assertEquals(5L, a.json().get("failed"));
        List<Map<String, Object>> results = a.list("results");
        for (int i = 0; i < results.size(); i++) {
            assertEquals((long) (i + 1), results.get(i).get("row"), "every row answered, in order");
        }
        assertEquals("CREATED", results.get(0).get("status"));
        assertEquals("email", errorField(results.get(1)));
        assertEquals("email", errorField(results.get(2)), "a duplicate of row 1");
        assertTrue(((Map<?, ?>) results.get(2).get("error")).get("message").toString().contains("row 1"));
        assertEquals("DOMAIN_BLOCKED", errorCode(results.get(3)));
        assertEquals("maxDevices", errorField(results.get(4)));
        assertEquals("role", errorField(results.get(5)));
        assertEquals("CREATED", results.get(6).get("status"));
        assertEquals(2L, ((Map<?, ?>) results.get(6).get("invite")).get("maxDevices"));
        assertTrue(results.get(6).get("link").toString().startsWith(InProcessService.JOIN_PAGE + "#invite="));
        assertEquals(2, stored());
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheSameInvitesAndCreatesNoMore() {
        List<Map<String, Object>> batch = List.of(row("ada@example.org", "VIEWER", null), row("bad", "VIEWER", null),
                row("bob@example.org", "VIEWER", null));
        Answer first = bulk(batch, Map.of("Idempotency-Key", "upload-1")).expect(200);
        assertNull(first.header("Idempotent-Replayed"));
        service.advance(Duration.ofMinutes(3));
        Answer retry = bulk(batch, Map.of("Idempotency-Key", "upload-1")).expect(200);
        assertEquals("true", retry.header("Idempotent-Replayed"));
        for (int i = 0; i < 3; i++) {
            Map<String, Object> was = first.list("results").get(i);
            Map<String, Object> now = retry.list("results").get(i);
            assertEquals(was.get("status"), now.get("status"));
            if ("CREATED".equals(was.get("status"))) {
                assertEquals(((Map<?, ?>) was.get("invite")).get("inviteId"), ((Map<?, ?>) now.get("invite")).get("inviteId"));
            }
        }
        assertEquals(2, stored());
    }

    @Test
    void aKeyUsedForAnotherRequestIsAConflict() {
        bulk(rows(2), Map.of("Idempotency-Key", "upload-1")).expect(200);
        bulk(rows(3), Map.of("Idempotency-Key", "upload-1")).error(409, "IDEMPOTENCY_CONFLICT");
        service.call("POST", "/rooms/growth/invites", service.token(OWNER), inviteBody("x@example.org", "VIEWER"),
                Map.of("Idempotency-Key", "single-1")).expect(201);
        bulk(rows(1), Map.of("Idempotency-Key", "single-1")).error(409, "IDEMPOTENCY_CONFLICT");
        assertEquals(3, stored());
    }

    @Test
    void aBatchHasOneTo500Rows() {
        Answer full = bulk(rows(500), Map.of()).expect(200);
        assertEquals(500L, full.json().get("created"));
        assertEquals(500, service.store.findInvites("growth", full.list("results").stream()
                .map(r -> (String) ((Map<?, ?>) r.get("invite")).get("inviteId")).toList()).size());
        assertEquals(List.of("invites"), bulk(rows(501), Map.of()).invalidFields());
        assertEquals(List.of("invites"), bulk(List.of(), Map.of()).invalidFields());
    }

    @Test
    void aCsvUploadIsReadLikeJsonRows() {
        String csv = "email,firstName,lastName,role\r\nada@example.org,Ada,Lovelace,VIEWER\r\n\"bob@example.org\",Bob,\"B, Jr.\",SPEAKER\r\n";
        Answer a = service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), csv,
                Map.of("Content-Type", "text/csv; charset=utf-8")).expect(200);
        assertEquals(2L, a.json().get("created"));
        assertEquals("B, Jr.", ((Map<?, ?>) a.list("results").get(1).get("invite")).get("lastName"));
        service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), "mail,first,last,role\r\na,b,c,d\r\n",
                Map.of("Content-Type", "text/csv")).error(400, "INVALID_REQUEST");
    }

    @Test
    void withoutAnEmailQueueABatchEmailsAtMost20Invitations() {
        service.email.withTemplate("invite-email");
        service.settings(Map.of("emailTemplateName", "invite-email"));
        Map<String, Object> many = Map.of("invites", rows(21), "sendEmail", true);
        assertEquals(List.of("sendEmail"),
                service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), many).invalidFields());
        assertEquals(0, stored());
        Answer few = service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER),
                Map.of("invites", rows(20), "sendEmail", true)).expect(200);
        assertEquals(20L, few.json().get("created"));
        assertEquals(20, service.email.sent().size());
    }

    @Test
    void aBatchIsRefusedWholeWhereOneInviteWouldBe() {
        service.call("POST", "/rooms/growth/invites/bulk", service.token("stranger@example.org"),
                Map.of("invites", rows(1))).error(403, "NOT_ROOM_MANAGER");
        service.advance(Duration.ofDays(2));
        bulk(rows(1), Map.of()).error(410, "SESSION_ENDED");
        assertEquals(0, stored());
    }
}
