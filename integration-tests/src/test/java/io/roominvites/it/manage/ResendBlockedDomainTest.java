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

/**
 * Blocked domains are checked again on every send: an invite created before its domain was blocked is not emailed
 * again (403 DOMAIN_BLOCKED), and nothing is sent.
 */
class ResendBlockedDomainTest extends ServiceTest {
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

    @Test
    void aResendToADomainBlockedSinceIsRefused() {
        service.settings(true, TEMPLATE, List.of(), 1440);
        String room = Service.roomId("resend-blocked");
        service.room(room, Duration.ofMinutes(30));
        String guest = "guest@later-blocked.example";
        String id = Service.inviteId(service.invite(room, guest, "VIEWER"));
        service.manage(room, id, "resend", null).expect(200);
        assertEquals(List.of(guest), sentTo);

        service.settings(true, TEMPLATE, List.of("later-blocked.example"), 1440);
        service.manage(room, id, "resend", null).expectError(403, "DOMAIN_BLOCKED");
        assertEquals(List.of(guest), sentTo, "nothing sent to a blocked domain");
    }
}
