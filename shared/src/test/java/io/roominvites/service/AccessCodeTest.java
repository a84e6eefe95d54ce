package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import io.roominvites.testkit.InProcessService.Invited;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.roominvites.testkit.InProcessService.GUEST;
import static io.roominvites.testkit.InProcessService.LAPTOP;
import static io.roominvites.testkit.InProcessService.OWNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access code (contract v3, {@code POST /invites/code}): shown with every link (create, bulk, resend, reissue, the
 * email's template data), exchanged with the room and the email for the invite's current link token; any wrong part
 * the same 404 CODE_INVALID; failures limited per caller and per room (429 with Retry-After); a reissue replaces it.
 */
class AccessCodeTest {
    private static final Pattern SHOWN = Pattern.compile("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    private static final String ROOM = "code-room";

    private final InProcessService s = InProcessService.withRoom(ROOM, Duration.ofMinutes(-5));

    private Answer exchange(String ip, String room, String email, String code) {
        return s.callFrom(ip, "POST", "/invites/code", null, Map.of("roomId", room, "email", email, "code", code), Map.of());
    }

    private static String code(Answer created) {
        return created.text("accessCode");
    }

    @Test
    void theCodeOfTheLinkIsShownAndExchangedForItsTokenWhichOpensTheInvite() {
        Invited invite = s.invite(ROOM, GUEST, "SPEAKER");
        String code = code(invite.created());
        assertTrue(SHOWN.matcher(code).matches(), code);
        // typed as a person types it: lower case, spaces, no dash, O for 0 and I or L for 1
        String typed = " " + code.toLowerCase(Locale.ROOT).replace("-", " ").replace('0', 'o').replace('1', 'l') + " ";
        String token = exchange("198.51.100.7", ROOM, "Guest@Example.org", typed).expect(200).text("token");
        s.preview(token, LAPTOP, null).expect(200);
        s.redeem(token, LAPTOP, GUEST, null).expect(200);
        assertTrue(s.call("GET", "/rooms/" + ROOM + "/invites", s.token(OWNER), null).raw().body().contains(invite.id()));
        assertTrue(!s.call("GET", "/rooms/" + ROOM + "/invites", s.token(OWNER), null).raw().body().contains(code),
                "never in lists");
    }

    @Test
    void aWrongRoomEmailOrCodeIsTheSameAnswer() {
        Invited invite = s.invite(ROOM, GUEST, "VIEWER");
        String code = code(invite.created());
        s.room("other-room", Duration.ofMinutes(-5));
        String wrongCode = code.charAt(0) == 'A' ? "B" + code.substring(1) : "A" + code.substring(1);
        Set<String> answers = new HashSet<>();
        for (Answer a : List.of(exchange("198.51.100.8", "other-room", GUEST, code),
                exchange("198.51.100.8", ROOM, "someone.else@example.org", code),
                exchange("198.51.100.8", ROOM, GUEST, wrongCode),
                exchange("198.51.100.8", ROOM, GUEST, "not a code"),
                exchange("198.51.100.8", "no-such-room", GUEST, code))) {
            Map<String, Object> error = a.error(404, "CODE_INVALID");
            answers.add(error.get("code") + "|" + error.get("message"));
        }
        assertEquals(1, answers.size(), "one answer whichever part is wrong: " + answers);
        assertEquals(400, exchange("198.51.100.8", ROOM, "not-an-email", code).status());
        assertEquals(List.of("code"), s.call("POST", "/invites/code", null, Map.of("roomId", ROOM, "email", GUEST)).invalidFields());
    }

    @Test
    void resendKeepsTheCodeReissueReplacesItAndTheOldOneStopsWorking() {
        s.settings(Map.of("emailTemplateName", "invite-email"));
        s.email.withTemplate("invite-email");
        Answer created = s.call("POST", "/rooms/" + ROOM + "/invites", s.token(OWNER),
                Map.of("email", GUEST, "firstName", "Gia", "lastName", "Guest", "role", "VIEWER", "sendEmail", true)).expect(201);
        Invited invite = new Invited(created);
        String code = code(created);
        assertEquals(code, s.email.sent().getLast().data().get("accessCode"), "the email shows the code");
        s.advance(Duration.ofMinutes(2)); // past the resend cool-down
        assertEquals(code, code(s.manage(invite, "resend", null).expect(200)), "a resend keeps it");
        String reissued = code(s.manage(invite, "reissue", Map.of()).expect(200));
        assertNotEquals(code, reissued);
        exchange("198.51.100.9", ROOM, GUEST, code).error(404, "CODE_INVALID");
        String token = exchange("198.51.100.9", ROOM, GUEST, reissued).expect(200).text("token");
        s.preview(token, LAPTOP, null).expect(200);
    }

    @Test
    void aRevokedInvitesCodeGivesItsLinkWhichSaysRevokedAndAnErasedOnesIsInvalid() {
        Invited revoked = s.invite(ROOM, GUEST, "VIEWER");
        s.revoke(revoked, OWNER).expect(200);
        String token = exchange("198.51.100.10", ROOM, GUEST, code(revoked.created())).expect(200).text("token");
        s.preview(token, LAPTOP, null).error(410, "INVITE_REVOKED");

        Invited erased = s.invite(ROOM, "erase.me@example.org", "VIEWER");
        s.call("POST", "/admin/erasures", s.adminToken(), Map.of("email", "erase.me@example.org")).expect(202);
        s.runErasureJobs();
        exchange("198.51.100.10", ROOM, "erase.me@example.org", code(erased.created())).error(404, "CODE_INVALID");
    }

    @Test
    void failuresAreLimitedPerCallerAndPerRoom() {
        Invited invite = s.invite(ROOM, GUEST, "VIEWER");
        String code = code(invite.created());
        for (int i = 0; i < CodeExchange.PER_CALLER_PER_DAY; i++) {
            exchange("203.0.113.1", ROOM, GUEST, "0000-000" + (i % 10)).error(404, "CODE_INVALID");
        }
        Answer limited = exchange("203.0.113.1", ROOM, GUEST, code);
        Map<String, Object> error = limited.error(429, "RATE_LIMITED");
        long wait = Long.parseLong(limited.header("Retry-After"));
        assertTrue(wait > 23 * 3600 && wait <= 24 * 3600, "the oldest failure leaves the 24 h window: " + wait);
        assertTrue(error.get("message").toString().contains("Try again in"), error.toString());
        // another caller is not held back by this one
        exchange("203.0.113.2", ROOM, GUEST, code).expect(200);
        // a day later the caller may try again
        s.advance(Duration.ofHours(24).plusMinutes(1));
        exchange("203.0.113.1", ROOM, GUEST, code).expect(200);
    }

    @Test
    void aRoomTakesAtMostItsWrongCodesADayFromEveryoneTogether() {
        Invited invite = s.invite(ROOM, GUEST, "VIEWER");
        int callers = CodeExchange.PER_ROOM_PER_DAY / CodeExchange.PER_CALLER_PER_DAY;
        for (int c = 0; c < callers; c++) {
            for (int i = 0; i < CodeExchange.PER_CALLER_PER_DAY; i++) {
                exchange("10.0." + c + ".1", ROOM, GUEST, "0000-0000").error(404, "CODE_INVALID");
            }
        }
        exchange("192.0.2.200", ROOM, GUEST, code(invite.created())).error(429, "RATE_LIMITED");
        s.room("quiet-room", Duration.ofMinutes(-5));
        Invited elsewhere = s.invite("quiet-room", GUEST, "VIEWER");
        exchange("192.0.2.200", "quiet-room", GUEST, code(elsewhere.created())).expect(200);
    }
}
