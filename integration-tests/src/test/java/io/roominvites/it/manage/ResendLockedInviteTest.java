package io.roominvites.it.manage;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resends that would email a link that can't work are refused. After 5 wrong emails an invite is locked for good:
 * "the manager creates a new one" (README). Emailing it again would send the invitee a link that can only answer
 * INVITE_LOCKED, so the resend is refused and says why. And blocked domains are checked again on every send: an invite
 * created before its domain was blocked is not emailed again (403 DOMAIN_BLOCKED).
 */
class ResendLockedInviteTest extends ServiceTest {
    private static final String TEMPLATE = "room-invite";
    private final List<String> sentTo = new CopyOnWriteArrayList<>();

    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, new EmailGateway() {
            @Override
            public boolean templateExists(String templateName) {
                return TEMPLATE.equals(templateName);
            }

            @Override
            public SendOutcome send(String to, String templateName, Map<String, Object> templateData) {
                sentTo.add(to);
                return SendOutcome.sent("message-" + sentTo.size());
            }
        });
    }

    @Override
    protected void afterStart() {
        service.settings(true, TEMPLATE, List.of(), 1440);
    }

    private Service.Response resend(String room, String inviteId) {
        return service.call("POST", Manage.invite(room, inviteId) + "/resend", service.token(Service.OWNER), null);
    }

    @Test
    void aLockedInviteIsNotEmailedAgain() {
        String room = Service.roomId("resend-locked");
        service.room(room, Duration.ofMinutes(-5));
        String guest = "locked-guest@example.org";
        Service.Response created = service.invite(room, guest, "VIEWER");
        String id = Service.inviteId(created);
        String token = Service.linkToken(created);

        // a resend of a usable invite works
        resend(room, id).expect(200);
        assertEquals(1, sentTo.stream().filter(guest::equals).count());

        for (int i = 0; i < 5; i++) {
            service.redeem(token, "device-locked-" + i, "intruder" + i + "@example.org").expectError(403, "EMAIL_MISMATCH");
        }
        service.redeem(token, "device-locked-9", guest).expectError(423, "INVITE_LOCKED");

        Service.Response refused = resend(room, id).expectError(409, "INVITE_NOT_ACTIVE");
        String message = (String) refused.obj("error").get("message");
        assertTrue(message.contains("locked") && message.contains("Reissue"), refused::toString);
        assertEquals(1, sentTo.stream().filter(guest::equals).count(), "no email with a link that can only answer INVITE_LOCKED");
    }

    @Test
    void aResendToADomainBlockedSinceIsRefused() {
        String room = Service.roomId("resend-blocked");
        service.room(room, Duration.ofMinutes(30));
        String guest = "guest@later-blocked.example";
        String id = Service.inviteId(service.invite(room, guest, "VIEWER"));
        resend(room, id).expect(200);
        assertEquals(1, sentTo.stream().filter(guest::equals).count());

        service.settings(true, TEMPLATE, List.of("later-blocked.example"), 1440);
        try {
            resend(room, id).expectError(403, "DOMAIN_BLOCKED");
            assertEquals(1, sentTo.stream().filter(guest::equals).count(), "nothing sent to a blocked domain");
        } finally {
            service.settings(true, TEMPLATE, List.of(), 1440);
        }
    }
}
