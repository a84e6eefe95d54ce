package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Site administration (/admin/...): settings and their bounds, rooms (a deleted one stays deleted), the directory. */
class AdminRoutesTest {
    private final InProcessService service = new InProcessService();

    private Answer putSettings(Map<String, Object> changes) {
        Map<String, Object> body = new HashMap<>(Map.of("inviteToMediaEnabled", true, "linkBaseUrl",
                InProcessService.JOIN_PAGE));
        body.putAll(changes);
        return service.call("PUT", "/admin/settings", service.adminToken(), body);
    }

    @Test
    void aNewSiteHasInvitationsOffAndDayLongSingleDeviceLinks() {
        Map<String, Object> settings = service.call("GET", "/admin/settings", service.adminToken(), null).expect(200).json();
        assertEquals(false, settings.get("inviteToMediaEnabled"));
        assertEquals(1440L, settings.get("linkTtlMinutes"));
        assertEquals(1L, settings.get("linkMaxDevices"));
        assertEquals(List.of(), settings.get("blockedDomains"));
    }

    @Test
    void savedSettingsAreAnsweredAndReadBackWithDomainsNormalised() {
        Answer saved = putSettings(Map.of("blockedDomains", List.of("@Blocked.Example", "spam.example"),
                "linkTtlMinutes", 90, "linkMaxDevices", 4, "emailTemplateName", "invite-email")).expect(200);
        assertEquals(List.of("blocked.example", "spam.example"), saved.json().get("blockedDomains"));
        assertEquals(saved.json(), service.call("GET", "/admin/settings", service.adminToken(), null).expect(200).json());
    }

    @Test
    void aLinkLastsFrom5MinutesTo30DaysForOneTo50Devices() {
        putSettings(Map.of("linkTtlMinutes", 5, "linkMaxDevices", 1)).expect(200);
        putSettings(Map.of("linkTtlMinutes", 43200, "linkMaxDevices", 50)).expect(200);
        assertEquals(List.of("linkTtlMinutes"), putSettings(Map.of("linkTtlMinutes", 4)).invalidFields());
        assertEquals(List.of("linkTtlMinutes"), putSettings(Map.of("linkTtlMinutes", 43201)).invalidFields());
        assertEquals(List.of("linkMaxDevices"), putSettings(Map.of("linkMaxDevices", 0)).invalidFields());
        assertEquals(List.of("linkMaxDevices"), putSettings(Map.of("linkMaxDevices", 51)).invalidFields());
    }

    @Test
    void theJoinPageIsHttpsWithoutAFragment() {
        putSettings(Map.of("linkBaseUrl", "http://localhost:3000/join")).expect(200);
        for (String bad : List.of("http://events.example.com/join", "https://events.example.com/join#x", "join")) {
            assertEquals(List.of("linkBaseUrl"), putSettings(Map.of("linkBaseUrl", bad)).invalidFields(), bad);
        }
        assertEquals(List.of("blockedDomains"), putSettings(Map.of("blockedDomains", List.of("not a domain"))).invalidFields());
    }

    @Test
    void onlySiteAdministratorsAdminister() {
        String manager = service.token(OWNER);
        service.call("GET", "/admin/settings", manager, null).error(403, "FORBIDDEN");
        service.call("PUT", "/admin/settings", manager, Map.of()).error(403, "FORBIDDEN");
        service.call("DELETE", "/admin/rooms/growth", manager, null).error(403, "FORBIDDEN");
        service.call("PUT", "/admin/users/ada%40example.org", manager, Map.of()).error(403, "FORBIDDEN");
    }

    @Test
    void aRoomIsWrittenWholeWithItsManagersNormalised() {
        Answer room = service.room("growth", Duration.ofDays(1), Map.of("owner", "Owner@Example.COM",
                "coEditors", List.of("Ed@Example.org", "ed@example.org"))).expect(200);
        assertEquals(OWNER, room.text("owner"));
        assertEquals(List.of("ed@example.org"), room.json().get("coEditors"));
        assertEquals("2026-11-23T19:00:00Z", room.text("updatedAt"));
        assertEquals("2026-11-24T19:00:00Z", room.text("startsAt"));
        assertTrue(service.store.findRoom("growth").orElseThrow().isManager("ED@example.org"));
    }

    @Test
    void aRoomEndsAfterItStartsAndHasAnIdOfUpTo64SafeCharacters() {
        Map<String, Object> backwards = Map.of("startsAt", "2026-11-24T19:00:00Z", "endsAt", "2026-11-24T19:00:00Z");
        Answer a = service.call("PUT", "/admin/rooms/growth", service.adminToken(), backwards);
        assertTrue(a.invalidFields().contains("endsAt"), a::toString);
        String tooLong = "r".repeat(65);
        assertEquals(List.of("roomId"), service.call("DELETE", "/admin/rooms/" + tooLong, service.adminToken(), null)
                .invalidFields());
        service.room("r".repeat(64), Duration.ofDays(1));
    }

    @Test
    void aDeletedRoomStaysDeleted() {
        service.room("growth", Duration.ofDays(1));
        service.call("DELETE", "/admin/rooms/growth", service.adminToken(), null).expect(204);
        service.call("DELETE", "/admin/rooms/growth", service.adminToken(), null).expect(204);
        Map<String, Object> body = Map.of("title", "Again", "startsAt", "2026-11-24T19:00:00Z",
                "endsAt", "2026-11-24T20:00:00Z", "chatAndCollaborationEnabled", true, "owner", OWNER);
        service.call("PUT", "/admin/rooms/growth", service.adminToken(), body).error(410, "ROOM_DELETED");
        service.call("DELETE", "/admin/rooms/nowhere", service.adminToken(), null).error(404, "ROOM_NOT_FOUND");
        service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null).error(410, "ROOM_DELETED");
    }

    @Test
    void directoryUsersAreSuggestedToTheRoomsManagers() {
        service.room("growth", Duration.ofDays(1));
        Answer put = service.call("PUT", "/admin/users/Grace%40Example.org", service.adminToken(),
                Map.of("firstName", "Grace", "lastName", "Hopper")).expect(200);
        assertEquals("grace@example.org", put.text("email"));
        assertEquals(List.of("email"), service.call("PUT", "/admin/users/not-an-email", service.adminToken(),
                Map.of("firstName", "A", "lastName", "B")).invalidFields());

        String path = "/rooms/growth/invitee-suggestions?q=";
        List<Map<String, Object>> users = service.call("GET", path + "hop", service.token(OWNER), null).expect(200)
                .list("users");
        assertEquals(List.of(Map.of("email", "grace@example.org", "firstName", "Grace", "lastName", "Hopper")), users);
        assertEquals(List.of(), service.call("GET", path, service.token(OWNER), null).expect(200).list("users"));
        assertEquals(List.of("q"), service.call("GET", path + "a".repeat(255), service.token(OWNER), null).invalidFields());
        service.call("GET", path + "hop", service.token("stranger@example.org"), null).error(403, "NOT_ROOM_MANAGER");
    }
}
