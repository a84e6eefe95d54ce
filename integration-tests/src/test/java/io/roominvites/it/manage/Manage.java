package io.roominvites.it.manage;

import io.roominvites.it.support.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the manager- and admin-side tests. */
final class Manage {
    static final String CO_OWNER = "co.owner@example.com";
    static final String CO_EDITOR = "co.editor@example.com";
    static final String CO_PUBLISHER = "co.publisher@example.com";
    static final String STRANGER = "stranger@example.com";

    /** The invite fields the contract lists. */
    static final Set<String> INVITE_FIELDS = Set.of("inviteId", "roomId", "email", "firstName", "lastName", "role",
            "status", "createdAt", "createdBy", "expiresAt", "redeemedAt", "revokedAt");

    private Manage() {
    }

    static String invites(String roomId) {
        return "/rooms/" + roomId + "/invites";
    }

    static String invite(String roomId, String inviteId) {
        return "/rooms/" + roomId + "/invites/" + inviteId;
    }

    /** Asserts a 400 INVALID_REQUEST whose {@code fields} name every one of {@code fields} (and only those). */
    static void expectFields(Service.Response r, String... fields) {
        r.expectError(400, "INVALID_REQUEST");
        Set<String> named = fieldNames(r);
        assertEquals(Set.of(fields), named, () -> "fields of " + r);
    }

    @SuppressWarnings("unchecked")
    static Set<String> fieldNames(Service.Response r) {
        Object list = r.obj("error").get("fields");
        assertNotNull(list, () -> "no fields in " + r);
        Set<String> named = new java.util.HashSet<>();
        for (Map<String, Object> f : (List<Map<String, Object>>) list) {
            assertTrue(f.get("field") instanceof String, () -> "field name in " + r);
            assertTrue(f.get("problem") instanceof String p && !p.isBlank(), () -> "problem text in " + r);
            named.add((String) f.get("field"));
        }
        return named;
    }

    /** Every invite id of a room, newest first, through all pages. */
    static List<String> allInviteIds(Service service, String roomId) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 50; page++) {
            String path = invites(roomId) + "?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
            Service.Response r = service.call("GET", path, service.token(Service.OWNER), null).expect(200);
            for (Map<String, Object> i : r.list("invites")) {
                ids.add((String) i.get("inviteId"));
            }
            cursor = (String) r.json().get("nextCursor");
            if (cursor == null) {
                return ids;
            }
        }
        return fail("more than 50 pages");
    }

    /** The calls that write to DynamoDB among those recorded. */
    static List<String> writes(Service service) {
        return service.calls().calls().stream()
                .filter(c -> c.contains("Put") || c.contains("Update") || c.contains("Delete") || c.contains("TransactWrite")
                        || c.contains("BatchWrite"))
                .toList();
    }

    /** Runs a refused request and asserts it wrote nothing at all (no invite, no idempotency record). */
    static Service.Response refusedWithoutWrites(Service service, String roomId, java.util.function.Supplier<Service.Response> request) {
        List<String> before = allInviteIds(service, roomId);
        service.calls().reset();
        Service.Response r = request.get();
        assertEquals(List.of(), writes(service), () -> "a refused request wrote to DynamoDB: " + r);
        assertEquals(before, allInviteIds(service, roomId), "the invites changed after a refused request");
        return r;
    }

    /** The claims of the link token in a create answer. */
    static Map<String, Object> linkClaims(Service.Response created) {
        try {
            return io.roominvites.json.Json.parseObject(Service.jwsPayload(Service.linkToken(created)));
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    static void assertNoLeak(Service.Response r) {
        String body = r.body() == null ? "" : r.body();
        for (String s : List.of("Exception", "java.", "at io.", "software.amazon", "DynamoDb", "ValidationException")) {
            assertFalse(body.contains(s), () -> "internal detail '" + s + "' in " + body);
        }
    }
}
