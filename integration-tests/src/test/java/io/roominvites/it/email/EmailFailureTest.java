package io.roominvites.it.email;

import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Failure never loses the invite: when SES throttles (bounded retries), rejects the message, or can't be
 * reached (a closed port, or the emulator process stopped), create still answers 201 with the invite,
 * email.status FAILED and a human reason without AWS text; the attempt is recorded on the invite, and
 * POST .../resend sends it once SES is back, recording that attempt too.
 */
class EmailFailureTest extends ServiceTest {
    private static final String ROOM = "email-failures";

    private final EmailSupport.Faults faults = new EmailSupport.Faults();
    private SesV2Client ses;

    @Override
    protected Service createService(Backend backend) throws Exception {
        ses = EmailSupport.preparedSesClient(backend, faults);
        return EmailSupport.serviceOn(backend, ses);
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
        service.room(ROOM, Duration.ofMinutes(10));
    }

    @AfterEach
    void noMoreFaults() {
        faults.set(EmailSupport.Faults.Mode.NONE);
    }

    private String owner() {
        return EmailSupport.ownerToken(service);
    }

    private Service.Response create(String to) {
        return EmailSupport.createInvite(service, ROOM, to, true).expect(201);
    }

    /** Creates an invite (with email) while SES is disturbed this way; the fault stays on until lifted. */
    private Service.Response createDuring(EmailSupport.Faults.Mode fault, String to) {
        faults.set(fault);
        return create(to);
    }

    private Service.Response resend(Service.Response created) {
        return EmailSupport.resend(service, ROOM, Service.inviteId(created));
    }

    private boolean available() {
        return EmailSupport.sendEmailAvailable(service, ROOM);
    }

    private Map<String, Object> listed(Service.Response created) {
        return service.listed(ROOM, Service.inviteId(created));
    }

    /** The failed answer: invite kept, FAILED with this human reason, nothing from AWS in the body. */
    @SuppressWarnings("unchecked")
    private void assertKeptAsFailed(Service.Response created, DeliveryFailure why) {
        assertEquals("FAILED", created.obj("email").get("status"));
        assertEquals(why.reason(), created.obj("email").get("error"));
        assertFalse(created.obj("email").containsKey("messageId"));
        String said = io.roominvites.json.Json.write(created.obj("email")) + io.roominvites.json.Json.write(EmailSupport.emailDelivery(created));
        for (String aws : List.of("Exception", "TooManyRequests", "MessageRejected", "not verified",
                "rate exceeded", "SdkClient", "Unable to execute", "amazonaws", "Connection refused")) {
            assertFalse(said.contains(aws), "AWS text '" + aws + "' reached the caller: " + said);
        }
        assertEquals("PENDING", created.obj("invite").get("status"));
        Map<String, Object> delivery = EmailSupport.emailDelivery(created);
        assertEquals("FAILED", delivery.get("status"));
        assertEquals(why.reason(), delivery.get("error"));
        assertEquals(1L, ((Number) delivery.get("attempts")).longValue());
        assertEquals("FAILED", ((Map<String, Object>) listed(created).get("emailDelivery")).get("status"));
    }

    /**
     * Lifts any injected fault; then a resend after the failure: SENT, the attempt counted and timed, one email at the
     * backend.
     */
    private void assertResendSucceedsOnceSesIsBack(Service.Response created, String to) {
        faults.set(EmailSupport.Faults.Mode.NONE);
        Instant firstAttempt = Instant.parse((String) EmailSupport.emailDelivery(created).get("at"));
        service.advance(Duration.ofSeconds(30));
        Service.Response resent = resend(created).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"));
        assertTrue(resent.obj("email").get("messageId") instanceof String);
        assertEquals(EmailSupport.inviteClaim((String) created.json().get("link")),
                EmailSupport.inviteClaim((String) resent.json().get("link")), "a link to the same invitation");
        Map<String, Object> delivery = EmailSupport.emailDelivery(resent);
        assertEquals("SENT", delivery.get("status"));
        assertEquals(2L, ((Number) delivery.get("attempts")).longValue());
        assertEquals(null, delivery.get("error"));
        assertNotEquals(firstAttempt, Instant.parse((String) delivery.get("at")));
        Map<String, Object> stored = listed(created);
        @SuppressWarnings("unchecked")
        Map<String, Object> storedDelivery = (Map<String, Object>) stored.get("emailDelivery");
        assertEquals("SENT", storedDelivery.get("status"));
        assertEquals(2L, ((Number) storedDelivery.get("attempts")).longValue());
        var mail = EmailSupport.mailTo(backend, to);
        assertEquals(1, mail.size(), mail.toString());
        if (mail.getFirst().text() != null) {
            assertEquals(resent.json().get("link"), EmailSupport.linkIn(mail.getFirst().text()));
        }
    }

    @Test
    void throttlingIsRetriedABoundedNumberOfTimesThenTheInviteIsKeptAndResendSucceeds() {
        String to = EmailSupport.uniqueEmail("throttled");
        long start = System.nanoTime();
        Service.Response created = createDuring(EmailSupport.Faults.Mode.THROTTLE, to);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(SesEmailGateway.MAX_ATTEMPTS, faults.attempts(), "SendEmail attempts");
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "create took " + took + " (API Gateway allows 30 s)");
        assertEquals("The email service is busy; the invitation was created — resend it in a minute or copy the link.",
                created.obj("email").get("error"));
        assertKeptAsFailed(created, DeliveryFailure.THROTTLED);
        assertTrue(available(), "throttled sends don't make the template unavailable");

        assertResendSucceedsOnceSesIsBack(created, to);
    }

    @Test
    void aRejectedMessageKeepsTheInviteAndIsNotRetried() {
        String to = EmailSupport.uniqueEmail("rejected");
        Service.Response created = createDuring(EmailSupport.Faults.Mode.REJECT, to);
        assertEquals(1, faults.attempts());
        assertKeptAsFailed(created, DeliveryFailure.REJECTED);
        assertTrue(available());
        assertResendSucceedsOnceSesIsBack(created, to);
    }

    @Test
    void anUnreachableServiceKeepsTheInviteAndResendSucceedsLater() {
        String to = EmailSupport.uniqueEmail("unreachable");
        Service.Response created = createDuring(EmailSupport.Faults.Mode.UNREACHABLE, to);
        assertKeptAsFailed(created, DeliveryFailure.UNREACHABLE);
        // a failed resend is recorded as a further attempt
        service.advance(Duration.ofSeconds(5));
        Service.Response again = resend(created).expect(200);
        assertEquals("FAILED", again.obj("email").get("status"));
        assertEquals(2L, ((Number) EmailSupport.emailDelivery(again).get("attempts")).longValue());
        faults.set(EmailSupport.Faults.Mode.NONE);
        service.advance(Duration.ofSeconds(30));
        Service.Response resent = resend(created).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"));
        assertEquals(3L, ((Number) EmailSupport.emailDelivery(resent).get("attempts")).longValue());
        assertEquals(1, EmailSupport.mailTo(backend, to).size());
        // every attempt's outcome and time is kept on the invite, oldest first
        @SuppressWarnings("unchecked")
        java.util.List<java.util.Map<String, Object>> history =
                (java.util.List<java.util.Map<String, Object>>) EmailSupport.emailDelivery(resent).get("history");
        assertEquals(java.util.List.of("FAILED", "FAILED", "SENT"), history.stream().map(h -> h.get("status")).toList());
        assertEquals(DeliveryFailure.UNREACHABLE.reason(), history.get(0).get("error"));
        assertEquals(null, history.get(2).get("error"));
        java.time.Instant first = java.time.Instant.parse((String) history.get(0).get("at"));
        java.time.Instant last = java.time.Instant.parse((String) history.get(2).get("at"));
        assertTrue(!last.isBefore(first.plusSeconds(35)), "times follow the clock: " + history);
    }

    @Test
    void anInviteIsEmailedAtMostTenTimes() {
        String to = EmailSupport.uniqueEmail("limit");
        Service.Response created = create(to);
        for (int i = 2; i <= 10; i++) { // the contract's cap: 10 sends
            assertEquals((long) i, ((Number) EmailSupport.emailDelivery(resend(created).expect(200)).get("attempts")).longValue());
        }
        resend(created).expectError(429, "RATE_LIMITED");
        assertEquals(10, EmailSupport.mailTo(backend, to).size());
    }

    @Test
    void anEmailServiceOutageKeepsTheInviteAndResendSucceedsAfterIt() {
        assumeTrue(backend.supportsEmailOutage(), "this backend can't stop SES alone");
        String to = EmailSupport.uniqueEmail("outage");
        assertTrue(available());
        Service.Response created;
        backend.stopEmail();
        try {
            long start = System.nanoTime();
            created = create(to);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "create took " + took);
            assertKeptAsFailed(created, DeliveryFailure.UNREACHABLE);
            assertTrue(available(), "during an outage the container's last answer stands");
        } finally {
            backend.startEmail();
        }
        assertResendSucceedsOnceSesIsBack(created, to);
    }

    @Test
    void resendIsForPendingInvitesOfTheRoomsManagers() {
        String owner = owner();
        // revoked
        Service.Response revoked = create(EmailSupport.uniqueEmail("revoked"));
        service.call("DELETE", "/rooms/" + ROOM + "/invites/" + Service.inviteId(revoked), owner, null).expect(200);
        resend(revoked).expectError(409, "INVITE_NOT_ACTIVE");
        // unknown
        service.call("POST", "/rooms/" + ROOM + "/invites/01JUNKNOWN000000000000000/resend", owner, null)
                .expectError(404, "INVITE_NOT_FOUND");
        // not a manager of the room
        Service.Response pending = create(EmailSupport.uniqueEmail("pending"));
        service.call("POST", "/rooms/" + ROOM + "/invites/" + Service.inviteId(pending) + "/resend",
                service.token("stranger@example.org"), null).expectError(403, "NOT_ROOM_MANAGER");
        // an invite created without email can be emailed later
        String to = EmailSupport.uniqueEmail("later");
        Service.Response quiet = EmailSupport.createInvite(service, ROOM, to, false).expect(201);
        Service.Response sent = resend(quiet).expect(200);
        assertEquals("SENT", sent.obj("email").get("status"));
        assertEquals(1L, ((Number) EmailSupport.emailDelivery(sent).get("attempts")).longValue());
        assertEquals(1, EmailSupport.mailTo(backend, to).size());
    }
}
