package io.roominvites.it.email;

import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.local.template.TemplateRenderer;
import io.roominvites.json.Json;
import io.roominvites.it.support.CallCounter;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Send link via email" through SES v2 SendEmail with Content.Template, end to end: the service's router,
 * the SES adapter, the backend's SES v2 (aws-ses-v2-local here; LocalStack Pro where Docker is), and what
 * the backend stored: recipient, subject, both parts rendered with the contract's data, a link that redeems.
 */
class InvitationEmailTest extends ServiceTest {
    private static final String ROOM = "email-room";

    private final EmailSupport.Capture capture = new EmailSupport.Capture();
    private final CallCounter sesCalls = new CallCounter();
    private SesV2Client ses;

    @Override
    protected Service createService(Backend backend) throws Exception {
        ses = EmailSupport.preparedSesClient(backend, capture, sesCalls);
        SesEmailGateway gateway = new SesEmailGateway(ses, EmailSupport.FROM, null, Duration.ofSeconds(60),
                java.time.Clock.systemUTC());
        return new Service(backend, gateway);
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
        service.room(ROOM, Duration.ofMinutes(10));
    }

    private Service.Response create(String email, String first, String last, String role, boolean send, String bearer) {
        return create(ROOM, email, first, last, role, send, bearer);
    }

    private Service.Response create(String room, String email, String first, String last, String role, boolean send,
                                    String bearer) {
        return service.call("POST", "/rooms/" + room + "/invites", bearer,
                Service.inviteBody(email, first, last, role, send)).expect(201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theInviteeGetsTheTemplateWithExactlyTheContractsDataAndItsLinkRedeems() throws Exception {
        String to = EmailSupport.uniqueEmail("gia");
        service.room("email-redeem", Duration.ofMinutes(10));
        capture.reset();
        Service.Response created = create("email-redeem", to, "Gia", "Guest", "SPEAKER", true,
                EmailSupport.ownerToken(service));

        Map<String, Object> email = created.obj("email");
        assertEquals("SENT", email.get("status"));
        assertNotNull(email.get("messageId"));
        assertNull(email.get("error"));
        Map<String, Object> delivery = EmailSupport.emailDelivery(created);
        assertEquals("SENT", delivery.get("status"));
        assertEquals(1L, ((Number) delivery.get("attempts")).longValue());
        String link = (String) created.json().get("link");

        // what went to SES: SendEmail with Content.Template, the named template, exactly the contract's data
        SendEmailRequest sent = capture.sends().getFirst();
        assertEquals(List.of(to), sent.destination().toAddresses());
        assertEquals(EmailSupport.FROM, sent.fromEmailAddress());
        assertNull(sent.content().simple());
        assertEquals(EmailTemplate.DEFAULT_NAME, sent.content().template().templateName());
        Map<String, Object> data = Json.parseObject(sent.content().template().templateData());
        assertEquals(EmailSupport.CONTRACT_DATA, data.keySet());
        assertEquals("Gia", data.get("firstName"));
        assertEquals("Guest", data.get("lastName"));
        assertEquals("Next-Level Growth: Practical Strategies That Work", data.get("roomTitle"));
        assertEquals("A focused 45-minute session.", data.get("roomDescription"));
        assertEquals("Speaker", data.get("roleLabel"));
        assertEquals(List.of("Backchannel", "Interactions", "Q&A"), data.get("permissions"));
        assertEquals("Olivia Owner", data.get("inviterName"));
        assertEquals(link, data.get("inviteLink"));
        assertEquals(created.obj("invite").get("expiresAt"), data.get("expiresAt"));
        Instant.parse((String) data.get("startsAt"));
        assertTrue(((String) data.get("startsAtText")).endsWith(" UTC"), (String) data.get("startsAtText"));
        assertTrue(((String) data.get("expiresAtText")).endsWith(" UTC"), (String) data.get("expiresAtText"));
        // the site's default language and the room's zone (UTC: the room names none)
        assertEquals("en", data.get("locale"));
        assertEquals("UTC", data.get("timeZone"));
        assertTrue(((String) data.get("startsAtLocalText")).endsWith("Coordinated Universal Time"), (String) data.get("startsAtLocalText"));

        // the session as invite.ics, attached to the templated email (SES v2 Template.Attachments): METHOD:REQUEST,
        // the invite's UID, the room's start, the invitee as attendee, the link as URL; read back by biweekly
        assertEquals(1, sent.content().template().attachments().size(), "one attachment");
        software.amazon.awssdk.services.sesv2.model.Attachment ics = sent.content().template().attachments().getFirst();
        assertEquals("invite.ics", ics.fileName());
        assertTrue(ics.contentType().startsWith("text/calendar") && ics.contentType().contains("method=REQUEST"), ics.contentType());
        biweekly.ICalendar calendar = biweekly.Biweekly.parse(ics.rawContent().asUtf8String()).first();
        assertEquals("REQUEST", calendar.getMethod().getValue());
        biweekly.component.VEvent event = calendar.getEvents().getFirst();
        assertEquals(created.obj("invite").get("inviteId") + "@room-invites", event.getUid().getValue());
        assertEquals(Instant.parse((String) data.get("startsAt")), event.getDateStart().getValue().toInstant());
        assertEquals(to, event.getAttendees().getFirst().getEmail());
        assertEquals(link, event.getUrl().getValue());

        // what the backend stored
        List<StoredEmail> mail = EmailSupport.mailTo(backend, to);
        assertEquals(1, mail.size(), mail.toString());
        StoredEmail m = mail.getFirst();
        if (!m.attachments().isEmpty()) {
            assertEquals("invite.ics", m.attachments().getFirst().fileName());
            assertEquals(ics.rawContent().asUtf8String(), new String(m.attachments().getFirst().content(),
                    java.nio.charset.StandardCharsets.UTF_8), "the backend kept the file as sent");
        }
        assertEquals(List.of(to), m.to());
        assertEquals(email.get("messageId"), m.messageId());
        if (m.subject() != null) {
            assertEquals("You're invited: Next-Level Growth: Practical Strategies That Work", m.subject());
        }
        if (m.html() != null && m.text() != null) {
            for (String part : List.of(m.html(), m.text())) {
                assertTrue(part.contains("Hi Gia,"), part);
                assertTrue(part.contains("Olivia Owner invited you to join"), part);
                assertTrue(part.contains("Speaker"), part);
                assertTrue(part.contains("Backchannel, Interactions, Q&A"), part);
                assertTrue(part.contains((String) data.get("startsAtLocalText")), part);
                assertTrue(part.contains((String) data.get("expiresAtLocalText")), part);
                assertTrue(part.contains("A focused 45-minute session."), part);
                assertEquals(link, EmailSupport.linkIn(part));
                assertFalse(part.contains("{{"), part);
            }
            assertTrue(m.html().contains("<a href=\"" + link + "\""), m.html());

            // the local outbox renders exactly what SES's Handlebars rendered
            TemplateRenderer.Rendered local = TemplateRenderer.render(EmailTemplate.defaultInvitation(), data);
            assertEquals(m.subject(), local.subject());
            assertEquals(m.html(), local.html());
            assertEquals(m.text(), local.text());
        }

        // the link inside the email redeems
        String token = Service.tokenOf(m.text() != null ? EmailSupport.linkIn(m.text()) : link);
        assertEquals("WAIT", service.preview(token, null).expect(200).json().get("next"));
        service.advance(Duration.ofMinutes(11));
        Service.Response entered = service.redeem(token, "device-email-1", to).expect(200);
        assertEquals("SPEAKER", entered.json().get("role"));
    }

    @Test
    void namesWithHtmlInThemAreEscapedInTheEmail() {
        String to = EmailSupport.uniqueEmail("html");
        Service.Response created = create(to, "<b>Gia</b>", "<script>alert(1)</script>", "VIEWER", true,
                service.token(Service.OWNER, "<img src=x onerror=alert(2)>", "\"Owner\""));
        assertEquals("SENT", created.obj("email").get("status"));
        // the invite itself keeps the names as typed; only the email's data is escaped
        assertEquals("<b>Gia</b>", created.obj("invite").get("firstName"));

        StoredEmail m = EmailSupport.mailTo(backend, to).getFirst();
        if (m.html() == null) {
            return; // a backend that stores no rendered body (LocalStack for templated sends): the data is checked below
        }
        assertFalse(m.html().contains("<b>Gia</b>"), m.html());
        assertFalse(m.html().contains("<script>"), m.html());
        assertFalse(m.html().contains("<img src=x"), m.html());
        assertTrue(m.html().contains("Hi &lt;b&gt;Gia&lt;/b&gt;,"), m.html());
        assertTrue(m.html().contains("&lt;img src=x onerror=alert(2)&gt; &quot;Owner&quot; invited you"), m.html());
    }

    @Test
    void theEscapedDataIsWhatReachesSes() throws Exception {
        String to = EmailSupport.uniqueEmail("data");
        capture.reset();
        create(to, "<b>Gia</b>", "O'Brien", "MODERATOR", true, EmailSupport.ownerToken(service));
        Map<String, Object> data = Json.parseObject(capture.sends().getFirst().content().template().templateData());
        assertEquals("&lt;b&gt;Gia&lt;/b&gt;", data.get("firstName"));
        assertEquals("O'Brien", data.get("lastName"));
        assertEquals(List.of("Backchannel", "Initiate interactions", "Q&A"), data.get("permissions"));
    }

    @Test
    void createIsThreeDynamoDbCallsPlusOneSesCall() {
        String owner = EmailSupport.ownerToken(service);
        service.call("GET", "/rooms/" + ROOM + "/invite-options", owner, null).expect(200); // warm the caches
        service.calls().reset();
        sesCalls.reset();
        create(EmailSupport.uniqueEmail("budget"), "Gia", "Guest", "VIEWER", true, owner);
        List<String> dynamo = service.calls().calls().stream().filter(c -> c.startsWith("DynamoDb")).toList();
        // the room; the invite with its email QUEUED, before the email; the email's outcome after it
        assertEquals(3, dynamo.size(), dynamo.toString());
        assertEquals(List.of("SesV2:SendEmail"), sesCalls.calls());
    }

    @Test
    void withoutSendEmailNothingIsSent() {
        String to = EmailSupport.uniqueEmail("quiet");
        capture.reset();
        Service.Response created = create(to, "Gia", "Guest", "VIEWER", false, service.token(Service.OWNER));
        assertEquals(Map.of("status", "NOT_REQUESTED"), created.obj("email"));
        assertTrue(capture.sends().isEmpty());
        assertTrue(EmailSupport.mailTo(backend, to).isEmpty());
    }
}
