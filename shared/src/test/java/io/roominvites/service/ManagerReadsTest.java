package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a room's managers read: the invite form's options and the room's invites, a page at a time. */
class ManagerReadsTest {
    private final InProcessService service = InProcessService.withRoom("growth", Duration.ofMinutes(10));

    private Answer list(String query) {
        return service.call("GET", "/rooms/growth/invites" + query, service.token(OWNER), null);
    }

    private static List<String> emails(Answer page) {
        return page.list("invites").stream().map(i -> (String) i.get("email")).toList();
    }

    /** Invites a1..a{count}@example.org, one a second, so a later one is newer. */
    private void invite(int count) {
        for (int i = 1; i <= count; i++) {
            service.invite("growth", "a" + i + "@example.org", "VIEWER");
            service.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void theInviteFormSaysWhatItOffersAndWhy() {
        Map<String, Object> options = service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null)
                .expect(200).json();
        assertEquals(true, options.get("canInvite"));
        assertEquals(List.of(), options.get("reasons"));
        assertEquals(5L, options.get("lobbyAttempts"));
        assertEquals(1440L, options.get("linkTtlMinutes"));
        assertEquals(List.of("VIEWER", "SPEAKER", "MODERATOR"),
                ((List<?>) options.get("roles")).stream().map(r -> ((Map<?, ?>) r).get("id")).toList());

        service.settings(Map.of("inviteToMediaEnabled", false));
        service.room("growth", Duration.ofHours(-2), Map.of("chatAndCollaborationEnabled", false));
        Map<String, Object> closed = service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null)
                .expect(200).json();
        assertEquals(false, closed.get("canInvite"));
        assertEquals(List.of("FEATURE_DISABLED", "CHAT_AND_COLLABORATION_DISABLED", "SESSION_ENDED"), closed.get("reasons"));
    }

    @Test
    void invitesAreListedNewestFirstAPageAtATime() {
        invite(5);
        Answer first = list("?limit=2").expect(200);
        assertEquals(List.of("a5@example.org", "a4@example.org"), emails(first));
        List<String> all = new ArrayList<>(emails(first));
        String cursor = first.text("nextCursor");
        while (cursor != null) {
            Answer page = list("?limit=2&cursor=" + cursor).expect(200);
            all.addAll(emails(page));
            cursor = page.text("nextCursor");
        }
        assertEquals(List.of("a5@example.org", "a4@example.org", "a3@example.org", "a2@example.org", "a1@example.org"), all);
        assertNull(list("").expect(200).text("nextCursor"), "25 a page by default");
    }

    @Test
    void aStatusFilterListsThatStatusOnly() {
        invite(3);
        String second = service.store.listInvites("growth", null, 10, null, service.clock.instant()).invites().get(1)
                .inviteId();
        service.call("DELETE", "/rooms/growth/invites/" + second, service.token(OWNER), null).expect(200);
        assertEquals(List.of("a2@example.org"), emails(list("?status=revoked").expect(200)));
        assertEquals(List.of("a3@example.org", "a1@example.org"), emails(list("?status=PENDING").expect(200)));
        service.advance(Duration.ofDays(1));
        assertEquals(List.of("a3@example.org", "a1@example.org"), emails(list("?status=EXPIRED").expect(200)));
        assertEquals(List.of(), emails(list("?status=PENDING").expect(200)));
    }

    @Test
    void aPageHoldsOneTo100AndACursorOnlyContinuesItsOwnListing() {
        invite(3);
        list("?limit=1").expect(200);
        list("?limit=100").expect(200);
        for (String bad : List.of("0", "101", "ten", "-1")) {
            assertEquals(List.of("limit"), list("?limit=" + bad).invalidFields(), bad);
        }
        assertEquals(List.of("status"), list("?status=LOCKED").invalidFields());
        String cursor = list("?limit=1").text("nextCursor");
        assertEquals(List.of("cursor"), list("?limit=1&status=PENDING&cursor=" + cursor).invalidFields());
        assertEquals(List.of("cursor"), list("?cursor=forged").invalidFields());
    }
}
