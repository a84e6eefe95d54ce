package io.roominvites.it.email;

import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reissue that emails the new link, and resends racing each other against the cap of ten emails per invite. */
class ReissueAndResendEmailTest extends ServiceTest {
    private final EmailSupport.Capture capture = new EmailSupport.Capture();
    private SesV2Client ses;

    @Override
    protected Service createService(Backend backend) throws Exception {
        ses = EmailSupport.preparedSesClient(backend, capture);
        return EmailSupport.serviceOn(backend, ses);
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
    }

    private String openRoom(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(4), true, List.of(), List.of(), List.of());
        return room;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReissueWithSendEmailMailsTheNewLinkAndTheOldOneIsReplaced() {
        String room = openRoom("reissue-mail");
        String to = EmailSupport.uniqueEmail("reissue");
        Service.Response created = EmailSupport.createInvite(service, room, to, true).expect(201);
        String firstLink = (String) created.json().get("link");
        String id = Service.inviteId(created);

        Service.Response reissued = service.call("POST", "/rooms/" + room + "/invites/" + id + "/reissue",
                EmailSupport.ownerToken(service), Map.of("sendEmail", true)).expect(200);
        assertEquals("SENT", reissued.obj("email").get("status"), reissued::toString);
        assertNotNull(reissued.obj("email").get("messageId"));
        String newLink = (String) reissued.json().get("link");
        Map<String, Object> delivery = EmailSupport.emailDelivery(reissued);
        assertEquals("SENT", delivery.get("status"));
        assertEquals(2L, ((Number) delivery.get("attempts")).longValue(), "both emails kept in the history");
        for (Object attempt : (List<Object>) delivery.get("history")) {
            assertEquals("SENT", ((Map<String, Object>) attempt).get("status"));
        }

        List<StoredEmail> mail = EmailSupport.mailTo(backend, to);
        assertEquals(2, mail.size(), "the first email and the reissue's");
        List<String> linksMailed = new ArrayList<>();
        for (StoredEmail m : mail) {
            linksMailed.add(EmailSupport.linkIn(m.text()));
        }
        assertTrue(linksMailed.contains(firstLink) && linksMailed.contains(newLink), "mailed: " + linksMailed);
        service.redeem(Service.tokenOf(firstLink), "reissue-mail-device", to).expectError(410, "LINK_REPLACED");
        service.redeem(Service.tokenOf(newLink), "reissue-mail-device", to).expect(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void resendsRacingEachOtherNeverPassTheCapOfTenEmails() {
        String room = openRoom("resend-cap");
        String to = EmailSupport.uniqueEmail("capped");
        Service.Response created = EmailSupport.createInvite(service, room, to, true).expect(201);
        String id = Service.inviteId(created);
        for (int i = 0; i < 5; i++) {
            EmailSupport.resend(service, room, id).expect(200);
        }
        // 6 emails so far: 4 more may go, whatever the number of racing resends
        List<Callable<Service.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(() -> EmailSupport.resend(service, room, id));
        }
        int sent = 0;
        int refused = 0;
        int busy = 0;
        for (Service.Response r : releaseAtOnce(tasks)) {
            if (r.status() == 200) {
                assertEquals("SENT", r.obj("email").get("status"), r::toString);
                sent++;
            } else if (r.status() == 503) {
                r.expectError(503, "SERVICE_UNAVAILABLE"); // contention: nothing was reserved, retry later
                busy++;
            } else {
                r.expectError(429, "RATE_LIMITED");
                refused++;
            }
        }
        assertTrue(sent <= 4, "at most four more: " + sent);
        assertEquals(10, sent + refused + busy);
        assertEquals(6 + sent, EmailSupport.mailTo(backend, to).size(), "one email per accepted resend");
        Map<String, Object> invite = service.listed(room, id);
        Map<String, Object> delivery = (Map<String, Object>) invite.get("emailDelivery");
        assertEquals((long) (6 + sent), ((Number) delivery.get("attempts")).longValue());
        for (Object attempt : (List<Object>) delivery.get("history")) {
            assertEquals("SENT", ((Map<String, Object>) attempt).get("status"), "every attempt settled: " + delivery);
        }
        // keep resending until the cap: never an eleventh email
        for (int i = 0; i < 10 && EmailSupport.mailTo(backend, to).size() < 10; i++) {
            EmailSupport.resend(service, room, id);
        }
        EmailSupport.resend(service, room, id).expectError(429, "RATE_LIMITED");
        assertEquals(10, EmailSupport.mailTo(backend, to).size());
        System.out.println("racing resends: sent " + sent + ", refused " + refused + ", busy " + busy);
    }
}
