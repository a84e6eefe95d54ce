package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import io.roominvites.testkit.InProcessService.Invited;
import io.roominvites.testkit.RecordingEmail.Sent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invitation email: sent after the invite is stored, its outcome recorded, at most 10 per invite. */
class InviteEmailTest {
    private final InProcessService service = new InProcessService();

    @BeforeEach
    void roomAndTemplate() {
        service.email.withTemplate("invite-email");
        service.settings(Map.of("emailTemplateName", "invite-email"));
        service.room("growth", Duration.ofDays(2));
    }

    private Answer createWithEmail(String email) {
        Map<String, Object> body = new LinkedHashMap<>(inviteBody(email, "SPEAKER"));
        body.put("sendEmail", true);
        return service.call("POST", "/rooms/growth/invites", service.token(OWNER), body);
    }

    @Test
    void aCreateWithEmailSendsOneEmailWithTheLinkAndRecordsItsOutcome() {
        Answer a = createWithEmail("ada@example.org").expect(201);
        assertEquals("SENT", a.text("email.status"));
        assertEquals("msg-1", a.text("email.messageId"));
        assertEquals(1L, a.obj("invite").get("emailDelivery") instanceof Map<?, ?> d ? d.get("attempts") : null);

        Sent sent = service.email.sent().getFirst();
        assertEquals(1, service.email.sent().size());
        assertEquals("ada@example.org", sent.to());
        assertEquals("invite-email", sent.template());
        assertEquals(a.text("link"), sent.data().get("inviteLink"));
        assertEquals("Gia", sent.data().get("firstName"));
        assertEquals("Next-Level Growth", sent.data().get("roomTitle"));
        assertEquals("Speaker", sent.data().get("roleLabel"));
        assertEquals("Given Family", sent.data().get("inviterName"));
        assertEquals("SENT", service.store.findInvite("growth", a.text("invite.inviteId")).orElseThrow()
                .emailDelivery().status());
    }

    @Test
    void withoutATemplateAnEmailedCreateIsRefusedAndNothingIsStored() {
        service.settings(Map.of()); // no template name
        createWithEmail("ada@example.org").error(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        service.settings(Map.of("emailTemplateName", "missing-at-the-provider"));
        createWithEmail("ada@example.org").error(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        assertEquals(0, service.email.sent().size());
        assertTrue(service.store.listInvites("growth", null, 10, null, service.clock.instant()).invites().isEmpty());
    }

    @Test
    void aFailedSendKeepsTheInviteAndSaysWhy() {
        service.email.failWith("mailbox full");
        Answer a = createWithEmail("ada@example.org").expect(201);
        assertEquals("FAILED", a.text("email.status"));
        assertEquals("mailbox full", a.text("email.error"));
        assertEquals("FAILED", service.store.findInvite("growth", a.text("invite.inviteId")).orElseThrow()
                .emailDelivery().status());
    }

    @Test
    void anInviteIsEmailedAtMost10Times() {
        Invited invite = new Invited(createWithEmail("ada@example.org").expect(201));
        for (int resend = 2; resend <= 10; resend++) {
            service.advance(Duration.ofSeconds(61)); // past the default resend cool-down (60 s)
            Answer a = service.manage(invite, "resend", null).expect(200);
            assertEquals("SENT", a.text("email.status"));
            assertEquals("msg-" + resend, a.text("email.messageId"));
        }
        service.advance(Duration.ofSeconds(61));
        Map<String, Object> error = service.manage(invite, "resend", null).error(429, "RATE_LIMITED");
        assertTrue(error.get("message").toString().contains("10 times"), error::toString);
        assertEquals(10, service.email.sent().size());
        assertEquals(10, service.store.findInvite("growth", invite.id()).orElseThrow().emailDelivery().attempts());
    }

    @Test
    void aLockedOrRedeemedInviteIsNotEmailedAgain() {
        service.room("growth", Duration.ofMinutes(-1));
        Invited locked = new Invited(createWithEmail("ada@example.org").expect(201));
        for (int i = 0; i < 5; i++) {
            service.redeem(locked.token(), "device-0001", "wrong@example.org", null).error(403, "EMAIL_MISMATCH");
        }
        service.manage(locked, "resend", null).error(409, "INVITE_NOT_ACTIVE");

        Invited redeemed = new Invited(createWithEmail("bob@example.org").expect(201));
        service.redeem(redeemed.token(), "device-0002", "bob@example.org", null).expect(200);
        service.manage(redeemed, "resend", null).error(409, "INVITE_NOT_ACTIVE");
        assertEquals(2, service.email.sent().size());
    }

    @Test
    void aReissueWithEmailSendsTheNewLinkAndTheOldOneStopsWorking() {
        Invited invite = new Invited(createWithEmail("ada@example.org").expect(201));
        Answer reissued = service.manage(invite, "reissue", Map.of("sendEmail", true)).expect(200);
        assertEquals("SENT", reissued.text("email.status"));
        assertEquals(2L, reissued.obj("invite").get("linkVersion"));
        assertEquals(reissued.text("link"), service.email.sent().getLast().data().get("inviteLink"));
        service.preview(invite.token(), null, null).error(410, "LINK_REPLACED");
        service.preview(InProcessService.linkToken(reissued.text("link")), null, null).expect(200);
    }

    @Test
    void theInviteFormOffersEmailOnlyWhenTheTemplateExists() {
        String path = "/rooms/growth/invite-options";
        assertEquals(true, service.call("GET", path, service.token(OWNER), null).expect(200).json().get("sendEmailAvailable"));
        service.settings(Map.of("emailTemplateName", "missing-at-the-provider"));
        assertEquals(false, service.call("GET", path, service.token(OWNER), null).expect(200).json().get("sendEmailAvailable"));
    }
}
