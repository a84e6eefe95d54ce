package io.roominvites.it.email;

import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;
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
        ses = EmailSupport.preparedSesClient(backend, capture);
        return new Service(backend, new SesEmailGateway(ses, EmailSupport.FROM, null, CACHE, gatewayClock));
    }

    private boolean available(String room) {
        return EmailSupport.sendEmailAvailable(service, room);
    }

    private Service.Response create(String room, String email, boolean send) {
        return EmailSupport.createInvite(service, room, email, send);
    }

    private int invitesIn(String room) {
        return service.call("GET", "/rooms/" + room + "/invites", EmailSupport.ownerToken(service), null).expect(200)
                .list("invites").size();
    }

    /** Settings with this template and a fresh room; settings are read anew (the service's own cache is per save). */
    private void setUp(String room, String template) {
        service.settings(true, template, List.of(), 1440);
        service.room(room, Duration.ofMinutes(10));
    }

    /** A template under a new name in SES, and a fresh room whose settings name it; answers the name. */
    private String setUpWithNewTemplate(String room, String templatePrefix) {
        String name = Backends.uniqueName(templatePrefix);
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        setUp(room, name);
        return name;
    }

    /** As {@link #setUpWithNewTemplate}; the template is offered (asserted), then deleted from SES. */
    private String setUpWithTemplateDeletedAfterItWasOffered(String room, String templatePrefix) {
        String name = setUpWithNewTemplate(room, templatePrefix);
        assertTrue(available(room));
        EmailSupport.deleteTemplate(ses, name);
        return name;
    }

    /** How many GetEmailTemplate calls the gateway has made since the capture was last reset. */
    private long templateLookups() {
        return capture.operations().stream().filter("GetEmailTemplate"::equals).count();
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
        String missing = Backends.uniqueName("NeverCreated");
        setUp("avail-missing", missing);
        assertFalse(available("avail-missing"));
        Service.Response refused = create("avail-missing", EmailSupport.uniqueEmail("missing"), true)
                .expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertFalse(refused.body().contains(missing), "the message is for a manager, not about SES: " + refused.body());
        assertEquals(0, invitesIn("avail-missing"));
    }

    @Test
    void withTheTemplateInSesSendingIsOfferedAndTheAnswerIsCachedPerContainer() {
        String name = setUpWithNewTemplate("avail-ok", "Cached");
        capture.reset();
        assertTrue(available("avail-ok"));
        assertTrue(available("avail-ok"));
        assertEquals(1, templateLookups(), capture.operations().toString());
        assertEquals("SENT", create("avail-ok", EmailSupport.uniqueEmail("ok"), true).expect(201).obj("email").get("status"));
        // (v3) the create asks once for the invite's language's template ({name}-en), then uses the cached answers
        assertEquals(2, templateLookups(), "create used the cached answer for the base template: " + capture.operations());
        assertEquals("SENT", create("avail-ok", EmailSupport.uniqueEmail("ok2"), true).expect(201).obj("email").get("status"));
        assertEquals(2, templateLookups(), "a second create asks nothing: both answers are cached");
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertTrue(available("avail-ok"));
        assertEquals(3, templateLookups(), "asked again after the cache's age");
        EmailSupport.deleteTemplate(ses, name);
    }

    @Test
    void aTemplateDeletedAfterTheSettingsWereSavedFailsTheSendKeepsTheInviteAndIsNoLongerOffered() {
        String name = setUpWithTemplateDeletedAfterItWasOffered("avail-deleted", "Deleted");
        // within the cache's age the flag may still say true (documented); a send now finds out
        String to = EmailSupport.uniqueEmail("deleted");
        Service.Response created = create("avail-deleted", to, true).expect(201);
        assertEquals("FAILED", created.obj("email").get("status"));
        assertEquals(DeliveryFailure.TEMPLATE_MISSING.reason(), created.obj("email").get("error"));
        assertEquals(1, invitesIn("avail-deleted"));
        assertFalse(available("avail-deleted"), "the failed send refreshed the container's answer");
        assertTrue(EmailSupport.mailTo(backend, to).isEmpty());

        // resend says why it can't, and works again once the template is back
        String inviteId = Service.inviteId(created);
        EmailSupport.resend(service, "avail-deleted", inviteId).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        SesEmailGateway.ensureTemplate(ses, EmailTemplate.defaultInvitation().named(name));
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertTrue(available("avail-deleted"));
        Service.Response resent = EmailSupport.resend(service, "avail-deleted", inviteId).expect(200);
        assertEquals("SENT", resent.obj("email").get("status"));
        assertEquals(1, EmailSupport.mailTo(backend, to).size());
        EmailSupport.deleteTemplate(ses, name);
    }

    @Test
    void aTemplateDeletedAfterTheSettingsWereSavedStopsBeingOfferedOnceTheCacheExpires() {
        setUpWithTemplateDeletedAfterItWasOffered("avail-expired", "Expired");
        gatewayClock.advance(CACHE.plusSeconds(1));
        assertFalse(available("avail-expired"));
        create("avail-expired", EmailSupport.uniqueEmail("expired"), true).expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertEquals(0, invitesIn("avail-expired"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theFlagIsPartOfTheInviteOptionsShape() {
        setUp("avail-shape", EmailTemplate.DEFAULT_NAME);
        Map<String, Object> options = service.call("GET", "/rooms/avail-shape/invite-options",
                EmailSupport.ownerToken(service), null).expect(200).json();
        assertEquals(Boolean.TRUE, options.get("sendEmailAvailable"));
        assertEquals(Boolean.TRUE, options.get("canInvite"));
        assertTrue(((List<Object>) options.get("reasons")).isEmpty());
    }
}
