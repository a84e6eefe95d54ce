package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11's edges: who is refused first, and names that would display as something else. */
class InputEdgesTest extends ServiceTest {
    private static final String ROOM = "input-edges";

    @Override
    protected void afterStart() {
        service.enableInvitations();
        service.room(ROOM, Duration.ofMinutes(10));
    }

    @Test
    void aNonAdminDeletingAMalformedRoomIdIsRefusedAsANonAdminFirst() {
        service.call("DELETE", "/admin/rooms/bad%21id", service.token(Service.OWNER), null).expectError(403, "FORBIDDEN");
        service.call("DELETE", "/admin/rooms/bad%21id", null, null).expectError(401, "UNAUTHENTICATED");
        // an administrator learns what is wrong with the id
        service.call("DELETE", "/admin/rooms/bad%21id", service.adminToken(), null).expectError(400, "INVALID_REQUEST");
    }

    @Test
    void textDirectionAndInvisibleCharactersInNamesAreRefusedWithAFieldError() {
        for (String sneaky : List.of("Ada\u202egnp.exe", "Ada\u2066x\u2069", "Ada\u200fL", "A\u200bda", "\ufeffAda", "Ada\u061c")) {
            Service.Response r = service.call("POST", "/rooms/" + ROOM + "/invites", service.token(Service.OWNER),
                    Service.inviteBody("bidi@example.org", sneaky, "Lovelace", "VIEWER", false)).expectError(400, "INVALID_REQUEST");
            assertEquals(List.of("firstName"), fields(r), r.toString());
        }
        Map<String, Object> room = new java.util.LinkedHashMap<>();
        room.put("title", "Growth\u202e");
        room.put("startsAt", "2030-01-01T10:00:00Z");
        room.put("endsAt", "2030-01-01T11:00:00Z");
        room.put("chatAndCollaborationEnabled", true);
        room.put("owner", Service.OWNER);
        Service.Response r = service.call("PUT", "/admin/rooms/" + Service.roomId("bidi"), service.adminToken(), room)
                .expectError(400, "INVALID_REQUEST");
        assertEquals(List.of("title"), fields(r), r.toString());
        service.call("PUT", "/admin/users/bidi@example.org", service.adminToken(), Map.of("firstName", "Ada", "lastName", "\u202dL"))
                .expectError(400, "INVALID_REQUEST");
        // nothing was stored
        assertTrue(service.call("GET", "/rooms/" + ROOM + "/invites", service.token(Service.OWNER), null).expect(200)
                .list("invites").stream().noneMatch(i -> "bidi@example.org".equals(i.get("email"))));
    }

    /** The names in the error's {@code fields} list. */
    @SuppressWarnings("unchecked")
    private static List<Object> fields(Service.Response r) {
        return ((List<Map<String, Object>>) r.obj("error").get("fields")).stream().map(f -> f.get("field")).toList();
    }

    @Test
    void joinersThatScriptsAndEmojiNeedStayAllowed() {
        // ZWNJ in a Persian name, ZWJ in an emoji sequence
        Service.Response r = service.call("POST", "/rooms/" + ROOM + "/invites", service.token(Service.OWNER),
                Service.inviteBody("zwnj@example.org", "\u0645\u06cc\u200c\u062f\u0627\u0646\u0645", "\ud83d\udc69\u200d\ud83d\udcbb",
                        "VIEWER", false)).expect(201);
        assertEquals("\u0645\u06cc\u200c\u062f\u0627\u0646\u0645", r.obj("invite").get("firstName"));
    }
}
