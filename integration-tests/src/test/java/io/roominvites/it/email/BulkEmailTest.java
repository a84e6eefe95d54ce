package io.roominvites.it.email;

import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.service.BulkInvites;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.roominvites.it.support.Concurrently.releaseAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk invitations by email through SES v2: a few sent within the request, more QUEUED and sent after the answer by
 * the queue's consumer (in-process here, as in the local runner), each email sent once however often its job is
 * delivered or however many requests race with one key.
 */
class BulkEmailTest extends ServiceTest {
    private SesV2Client ses;

    @Override
    protected Service createService(Backend backend) throws Exception {
        ses = EmailSupport.preparedSesClient(backend);
        return EmailSupport.serviceOn(backend, ses);
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
    }

    private String room(String prefix) {
        String room = Service.roomId(prefix);
        service.room(room, Duration.ofMinutes(30));
        return room;
    }

    private static Map<String, Object> body(List<String> emails) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String e : emails) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("email", e);
            m.put("firstName", "Bulk");
            m.put("lastName", "Guest");
            m.put("role", "VIEWER");
            rows.add(m);
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("invites", rows);
        b.put("sendEmail", true);
        return b;
    }

    private static List<String> emails(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(EmailSupport.uniqueEmail(prefix + i));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String deliveryStatus(Map<String, Object> result) {
        return (String) ((Map<String, Object>) ((Map<String, Object>) result.get("invite")).get("emailDelivery")).get("status");
    }

    @Test
    void aFewAreSentWithinTheRequestEachWithItsOwnLink() {
        String room = room("bulk-mail-few");
        List<String> to = emails("few", BulkInvites.SEND_WITHIN_REQUEST);
        Service.Response r = service.bulk(room, body(to), Map.of()).expect(200);
        assertEquals(0, service.services().emailQueue().size(), "nothing queued");
        List<Map<String, Object>> results = r.list("results");
        for (int i = 0; i < to.size(); i++) {
            assertEquals("SENT", deliveryStatus(results.get(i)), results.get(i)::toString);
            List<StoredEmail> mail = EmailSupport.mailTo(backend, to.get(i));
            assertEquals(1, mail.size(), to.get(i));
            assertEquals(EmailSupport.inviteClaim((String) results.get(i).get("link")),
                    EmailSupport.inviteClaim(EmailSupport.linkIn(mail.getFirst().text())), "the email opens this row's invite");
        }
    }

    @Test
    void moreAreQueuedAndSentOnceAfterTheAnswer() {
        String room = room("bulk-mail-many");
        List<String> to = emails("many", 60);
        Service.Response r = service.bulk(room, body(to), Map.of()).expect(200);
        for (Map<String, Object> result : r.list("results")) {
            assertEquals("QUEUED", deliveryStatus(result), result::toString);
        }
        assertEquals(0, EmailSupport.mailTo(backend, to.getFirst()).size(), "not sent within the request");
        List<String> messages = service.services().emailQueue().pending();
        assertEquals(2, messages.size(), "50 jobs a message");

        // one invite is revoked before its email goes out: it is not sent
        String revokedId = (String) ((Map<?, ?>) r.list("results").get(5).get("invite")).get("inviteId");
        service.call("DELETE", "/rooms/" + room + "/invites/" + revokedId, service.token(Service.OWNER), null).expect(200);

        assertEquals(2, service.drainEmailQueue());
        // the queue delivers at least once: the same messages again send nothing more
        for (String m : messages) {
            service.services().app().queuedEmails().sendMessage(m);
        }
        for (int i = 0; i < to.size(); i++) {
            String id = (String) ((Map<?, ?>) r.list("results").get(i).get("invite")).get("inviteId");
            @SuppressWarnings("unchecked")
            Map<String, Object> delivery = (Map<String, Object>) service.listed(room, id).get("emailDelivery");
            if (i == 5) {
                assertEquals("FAILED", delivery.get("status"));
                assertTrue(((String) delivery.get("error")).contains("revoked"), delivery::toString);
                assertEquals(0, EmailSupport.mailTo(backend, to.get(i)).size());
            } else {
                assertEquals("SENT", delivery.get("status"), delivery::toString);
                assertEquals(1L, ((Number) delivery.get("attempts")).longValue());
                List<StoredEmail> mail = EmailSupport.mailTo(backend, to.get(i));
                assertEquals(1, mail.size(), "sent exactly once: " + to.get(i));
                assertEquals(EmailSupport.inviteClaim((String) r.list("results").get(i).get("link")),
                        EmailSupport.inviteClaim(EmailSupport.linkIn(mail.getFirst().text())), "the email opens its invite");
            }
        }
    }

    @Test
    void racingRequestsWithOneKeyEmailEachInviteeOnce() {
        String room = room("bulk-mail-race");
        List<String> to = emails("race", 8);
        Map<String, String> key = Map.of("Idempotency-Key", "bulk-mail-race");
        List<Callable<Service.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(() -> service.bulk(room, body(to), key));
        }
        for (Service.Response r : releaseAtOnce(tasks)) {
            r.expect(200);
            assertEquals(8L, ((Number) r.json().get("created")).longValue(), r::toString);
        }
        for (String address : to) {
            assertEquals(1, EmailSupport.mailTo(backend, address).size(), "one email for " + address);
        }
    }

    @Test
    void fiveHundredRowsFromACsvWithBadOnesAreEmailedOnceEachAfterTheAnswer() {
        String room = room("bulk-mail-500");
        StringBuilder csv = new StringBuilder("\uFEFFemail,firstName,lastName,role\r\n");
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            if (i % 10 == 9) {
                csv.append("not-an-address-").append(i).append(",Bad,Row,VIEWER\r\n");
            } else {
                String to = EmailSupport.uniqueEmail("r" + i);
                good.add(to);
                csv.append(to).append(",\"Guest ").append(i).append("\",\"Smith, Jr.\",VIEWER\r\n");
            }
        }
        long started = System.nanoTime();
        Service.Response r = service.call("POST", "/rooms/" + room + "/invites/bulk?sendEmail=true",
                service.token(Service.OWNER), csv.toString(), Map.of("Content-Type", "text/csv")).expect(200);
        long answered = (System.nanoTime() - started) / 1_000_000;
        assertEquals(450L, ((Number) r.json().get("created")).longValue());
        assertEquals(50L, ((Number) r.json().get("failed")).longValue());
        started = System.nanoTime();
        assertEquals(9, service.drainEmailQueue(), "450 jobs in messages of 50");
        long sent = (System.nanoTime() - started) / 1_000_000;
        java.util.Set<String> wanted = new java.util.HashSet<>(good);
        Map<String, Integer> perAddress = new java.util.HashMap<>();
        for (StoredEmail m : backend.sentEmails()) {
            for (String to : m.to()) {
                if (wanted.contains(to.toLowerCase(java.util.Locale.ROOT))) {
                    perAddress.merge(to.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                }
            }
        }
        assertEquals(wanted, perAddress.keySet(), "every created invitation emailed");
        assertTrue(perAddress.values().stream().allMatch(n -> n == 1), "each exactly once");
        System.out.printf("bulk of 500 CSV rows with email (450 created, 50 failed): answered in %d ms (emails QUEUED),"
                + " the in-process queue consumer sent the 450 emails in %d ms%n", answered, sent);
    }
}
