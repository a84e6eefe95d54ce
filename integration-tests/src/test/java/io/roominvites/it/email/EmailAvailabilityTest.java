package io.roominvites.it.email;

import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * invite-options.sendEmailAvailable is true only when a template name is set AND SES has that template
 * (GetEmailTemplate, cached briefly per container); sendEmail: true without one answers
 * EMAIL_TEMPLATE_NOT_CONFIGURED and creates nothing; a template deleted after the settings were saved
 * fails the send (invite kept) and stops being offered.
 */
class EmailAvailabilityTest extends ServiceTest {
    private static final Duration CACHE = Duration.ofSeconds(60);

    private final EmailSupport.Capture capture = new EmailSupport.Capture();
    private final io.roominvites.local.DevClock gatewayClock = new io.roominvites.local.DevClock();
    private SesV2Client ses;

    @Override
    protected Service createService(Backend backend) throws Exception {
        ses = EmailSupport.sesClient(backend, capture);
        EmailSupport.requireSesV2(backend, ses);
        EmailSupport.prepare(backend, ses, EmailTemplate.defaultInvitation());
        return new Service(backend, new SesEmailGateway(ses, EmailSupport.FROM, null, CACHE, gatewayClock));
    }

    private String owner() {
        return service.token(Service.OWNER, "Olivia", "Owner");
    }

    private boolean available(String room) {
        Object flag = service.call("GET", "/rooms/" + room + "/invite-options", owner(), null).expect(200)
                .json().get("sendEmailAvailable");
        return Boolean.TRUE.equals(flag);
    }

    private Service.Response create(String room, String email, boolean send) {
        return service.call("POST", "/rooms/" + room + "/invites", owner(),
                EmailSupport.invite(email, "Gia", "Guest", "VIEWER", send));
    }

    private int invitesIn(String room) {
        return service.call("GET", "/rooms/" + room + "/invites", owner(), null).expect(200).list("invites").size();
    }

    /** Settings with this template and a fresh room; settings are read anew (the service's own cache is per save). */
    private void setUp(String room, String template) {
        service.settings(true, template, List.of(), 1440);
        service.room(room, Duration.ofMinutes(10));
    }

    @Test
    void withNoTemplateNameSendingIsNotOfferedAndSendEmailCreatesNothing() {
        setUp("avail-none", null);
        assertFalse(available("avail-none"));
        capture.reset();
        create("avail-none", EmailSupport.uniqueEmail("none"), true).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertEquals(0, invitesIn("avail-none"));
        assertTrue(capture.sends().isEmpty());
        assertTrue(capture.operations().isEmpty(), "no template name: SES is not even asked " + capture.operations());
        // without sendEmail the invitation works as before
        assertEquals("NOT_REQUESTED", create("avail-none", EmailSupport.uniqueEmail("none"), false).expect(201)
                .obj("email").get("status"));
    }

    @Test
    void withATemplateNameSesDoesNotKnowSendingIsNotOfferedAndSendEmailCreatesNothing() {
        String missing = EmailSupport.uniqueTemplate("NeverCreated");
        setUp("avail-missing", missing);
        assertFalse(available("avail-missing"));
        Service.Response refused = create("avail-missing", EmailSupport.uniqueEmail("missing"), true)
                .expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertFalse(refused.body().contains(missing), "the message is for a manager, not about SES: " + refused.body());
        assertEquals(0, invitesIn("avail-missing"));
    }

    @Test
    void withTheTemplateInSesSendingIsOfferedAndTheAnswerIsCachedPerContainer() {
        String name = EmailSupport.uniqueTemplate("Cached");
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        setUp("avail-ok", name);
        capture.reset();
        assertTrue(available("avail-ok"));
        assertTrue(available("avail-ok"));
        assertEquals(1, capture.operations().stream().filter("GetEmailTemplate"::equals).count(), capture.operations().toString());
        assertEquals("SENT", create("avail-ok", EmailSupport.uniqueEmail("ok"), true).expect(201).obj("email").get("status"));
        assertEquals(1, capture.operations().stream().filter("GetEmailTemplate"::equals).count(), "create used the cached answer");
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertTrue(available("avail-ok"));
        assertEquals(2, capture.operations().stream().filter("GetEmailTemplate"::equals).count(), "asked again after the cache's age");
        EmailSupport.deleteTemplate(ses, name);
    }

    @Test
    void aTemplateDeletedAfterTheSettingsWereSavedFailsTheSendKeepsTheInviteAndIsNoLongerOffered() {
        String name = EmailSupport.uniqueTemplate("Deleted");
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        setUp("avail-deleted", name);
        assertTrue(available("avail-deleted"));

        EmailSupport.deleteTemplate(ses, name);
        // within the cache's age the flag may still say true (documented); a send now finds out
        String to = EmailSupport.uniqueEmail("deleted");
        Service.Response created = create("avail-deleted", to, true).expect(201);
        assertEquals("FAILED", created.obj("email").get("status"));
        assertEquals(DeliveryFailure.TEMPLATE_MISSING.reason(), created.obj("email").get("error"));
        assertEquals(1, invitesIn("avail-deleted"));
        assertFalse(available("avail-deleted"), "the failed send refreshed the container's answer");
        assertTrue(EmailSupport.mailTo(backend, to).isEmpty());

        // resend says why it can't, and works again once the template is back
        String inviteId = (String) created.obj("invite").get("inviteId");
        String resend = "/rooms/avail-deleted/invites/" + inviteId + "/resend";
        service.call("POST", resend, owner(), null).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertTrue(available("avail-deleted"));
        Service.Response resent = service.call("POST", resend, owner(), null).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"));
        assertEquals(1, EmailSupport.mailTo(backend, to).size());
        EmailSupport.deleteTemplate(ses, name);
    }

    @Test
    void aTemplateDeletedAfterTheSettingsWereSavedStopsBeingOfferedOnceTheCacheExpires() {
        String name = EmailSupport.uniqueTemplate("Expired");
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        setUp("avail-expired", name);
        assertTrue(available("avail-expired"));
        EmailSupport.deleteTemplate(ses, name);
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertFalse(available("avail-expired"));
        create("avail-expired", EmailSupport.uniqueEmail("expired"), true).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertEquals(0, invitesIn("avail-expired"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFlagIsPartOfTheInviteOptionsShape() {
        setUp("avail-shape", EmailTemplate.DEFAULT_NAME);
        Map<String, Object> options = service.call("GET", "/rooms/avail-shape/invite-options", owner(), null).expect(200).json();
        assertEquals(Boolean.TRUE, options.get("sendEmailAvailable"));
        assertEquals(Boolean.TRUE, options.get("canInvite"));
        assertTrue(((List<Object>) options.get("reasons")).isEmpty());
    }
}
