package io.roominvites.it.email;

import io.roominvites.email.template.EmailTemplate;
import io.roominvites.json.Json;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.local.LocalEmail;
import io.roominvites.local.LocalHttp;
import io.roominvites.local.OutboxEmailGateway;
import io.roominvites.testing.Backend;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local runner's default email backend: the outbox. An invite created with sendEmail: true appears
 * as an .eml file in the folder and at GET /dev/outbox, rendered like SES would render the default
 * template, and its link redeems.
 */
class LocalOutboxTest extends ServiceTest {
    private static final String ROOM = "outbox-room";
    private OutboxEmailGateway outbox;

    @Override
    protected Service createService(Backend backend) throws Exception {
        outbox = new OutboxEmailGateway(Files.createTempDirectory("outbox-test"), "Room Invites <invites@room-invites.local>");
        outbox.putTemplate(EmailTemplate.defaultInvitation());
        return new Service(backend, outbox);
    }

    @Override
    protected void afterStart() {
        service.settings(true, EmailTemplate.DEFAULT_NAME, List.of(), 1440);
        service.room(ROOM, Duration.ofMinutes(10));
    }

    private Service.Response create(String to, String first, boolean send) {
        return service.call("POST", "/rooms/" + ROOM + "/invites", service.token(Service.OWNER, "Olivia", "Owner"),
                Service.inviteBody(to, first, "Guest", "MODERATOR", send)).expect(201);
    }

    private OutboxEmailGateway.OutboxEmail only(String to) {
        List<OutboxEmailGateway.OutboxEmail> mine = outbox.list().stream().filter(e -> to.equals(e.to())).toList();
        assertEquals(1, mine.size(), mine.toString());
        return mine.getFirst();
    }

    @Test
    void theInviteEmailLandsInTheOutboxAndItsLinkRedeems() throws IOException {
        String to = EmailSupport.uniqueEmail("outbox");
        Service.Response created = create(to, "Gia", true);
        assertEquals("SENT", created.obj("email").get("status"));

        OutboxEmailGateway.OutboxEmail e = only(to);
        assertEquals(created.obj("email").get("messageId"), e.messageId());
        assertEquals("You're invited: Next-Level Growth: Practical Strategies That Work", e.subject());
        assertEquals(EmailTemplate.DEFAULT_NAME, e.template());
        assertTrue(Files.isRegularFile(e.file()));
        assertTrue(e.file().getFileName().toString().endsWith(".eml"));
        String link = (String) created.json().get("link");
        assertEquals(List.of(link), e.inviteLinks());
        assertEquals(link, EmailSupport.linkIn(e.text()));
        assertEquals(link, EmailSupport.linkIn(e.html()));
        assertTrue(e.text().contains("Moderator (Backchannel, Initiate interactions, Q&A)"), e.text());
        // the raw file is a proper MIME message a mail client opens
        String raw = Files.readString(e.file());
        assertTrue(raw.contains("\r\nContent-Type: multipart/alternative;\r\n boundary="), raw);
        assertTrue(raw.contains("Content-Type: text/plain; charset=UTF-8"));
        assertTrue(raw.contains("Content-Type: text/html; charset=UTF-8"));
        assertTrue(raw.lines().allMatch(l -> l.length() <= 78), "lines of at most 78 characters");

        String token = Service.tokenOf(e.inviteLinks().getFirst());
        service.advance(Duration.ofMinutes(11));
        assertEquals("MODERATOR", service.redeem(token, "device-outbox-1", to).expect(200).json().get("role"));
    }

    @Test
    void htmlInNamesIsEscapedInTheOutboxToo() {
        String to = EmailSupport.uniqueEmail("outbox-html");
        create(to, "<b>Gia</b>", true);
        OutboxEmailGateway.OutboxEmail e = only(to);
        assertTrue(e.html().contains("Hi &lt;b&gt;Gia&lt;/b&gt;,"), e.html());
        assertFalse(e.html().contains("<b>Gia</b>"));
    }

    @Test
    void nonAsciiSubjectsAndNamesSurviveTheFile() {
        service.call("PUT", "/admin/rooms/outbox-unicode", service.adminToken(), Map.of(
                "title", "Überraschung — 会議 🎉", "description", "Zoë & José", "startsAt",
                service.clock().instant().plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                "endsAt", service.clock().instant().plus(Duration.ofMinutes(70)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                "chatAndCollaborationEnabled", true, "owner", Service.OWNER, "coOwners", List.of(), "coEditors", List.of(),
                "coPublishers", List.of())).expect(200);
        String to = EmailSupport.uniqueEmail("unicode");
        service.call("POST", "/rooms/outbox-unicode/invites", service.token(Service.OWNER),
                Service.inviteBody(to, "Zoë", "Ñúñez", "VIEWER", true)).expect(201);
        OutboxEmailGateway.OutboxEmail e = only(to);
        assertEquals("You're invited: Überraschung — 会議 🎉", e.subject());
        assertTrue(e.text().startsWith("Hi Zoë,"), e.text());
        assertTrue(e.html().contains("Zoë &amp; José") || e.html().contains("Zoë & José"), e.html());
    }

    @Test
    void theOutboxRoutesListShowAndClearTheEmails() throws Exception {
        String to = EmailSupport.uniqueEmail("routes");
        create(to, "Gia", true);
        Server server = LocalHttp.start(0, LocalEmail.routes(outbox));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + LocalHttp.port(server);
        try {
            HttpResponse<String> list = get(http, base + "/dev/outbox?format=json");
            assertEquals(200, list.statusCode());
            Map<String, Object> json = Json.parseObject(list.body());
            assertEquals("outbox", json.get("mode"));
            @SuppressWarnings("unchecked")
            Map<String, Object> first = ((List<Map<String, Object>>) json.get("emails")).stream()
                    .filter(m -> to.equals(m.get("to"))).findFirst().orElseThrow();
            assertEquals("You're invited: Next-Level Growth: Practical Strategies That Work", first.get("subject"));

            HttpResponse<String> plain = get(http, base + "/dev/outbox"); // curl: JSON
            assertTrue(plain.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/dev/outbox"))
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").GET().build(),
                    HttpResponse.BodyHandlers.ofString()); // a browser: the page
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains(to), page.body());

            HttpResponse<String> html = get(http, base + first.get("html"));
            assertEquals(200, html.statusCode());
            assertTrue(html.headers().firstValue("content-security-policy").orElse("").contains("default-src 'none'"));
            assertTrue(html.body().contains("Join the room"));
            assertEquals(200, get(http, base + first.get("text")).statusCode());
            HttpResponse<String> eml = get(http, base + first.get("eml"));
            assertEquals(200, eml.statusCode());
            assertTrue(eml.body().startsWith("From: "));

            assertEquals(404, get(http, base + "/dev/outbox/nope.html").statusCode());
            assertEquals(404, get(http, base + "/dev/outbox/..%2F..%2Fetc%2Fpasswd.eml").statusCode());
            assertEquals(404, get(http, base + "/dev/outbox/../outbox.eml").statusCode());

            HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(URI.create(base + "/dev/outbox")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, cleared.statusCode());
            assertTrue(outbox.list().isEmpty());
        } finally {
            server.stop();
        }
    }

    @Test
    void aTemplateMissingFromTheOutboxIsNotOffered() {
        outbox.deleteTemplate(EmailTemplate.DEFAULT_NAME);
        try {
            Object flag = service.call("GET", "/rooms/" + ROOM + "/invite-options", service.token(Service.OWNER), null)
                    .expect(200).json().get("sendEmailAvailable");
            assertEquals(Boolean.FALSE, flag);
            service.call("POST", "/rooms/" + ROOM + "/invites", service.token(Service.OWNER),
                    Service.inviteBody(EmailSupport.uniqueEmail("none"), "Gia", "Guest", "VIEWER", true))
                    .expectError(409, "EMAIL_TEMPLATE_NOT_CONFIGURED");
        } finally {
            outbox.putTemplate(EmailTemplate.defaultInvitation());
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
