package io.roominvites.it.email;

import io.roominvites.email.ses.SesEmailGateway;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.json.Json;
import io.roominvites.testing.Backend;
import io.roominvites.testing.StoredEmail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (v3) In the invitee's language, through SES v2 (aws-ses-v2-local here): the stack's default templates in English,
 * Spanish, German and Arabic; each invite's email uses {@code RoomInvitation-{locale}}, then
 * {@code RoomInvitation-{language}}, then {@code RoomInvitation}; what the emulator rendered carries the start in the
 * invite's language and the room's zone; a calendar update follows the same rule on its own base name.
 */
class LocalizedEmailTest extends ServiceTest {
    private final EmailSupport.Capture capture = new EmailSupport.Capture();

    @Override
    protected Service createService(Backend backend) {
        SesV2Client ses = EmailSupport.preparedSesClient(backend, capture);
        for (EmailTemplate t : EmailTemplate.defaults()) {
            SesEmailGateway.ensureTemplate(ses, t);
        }
        return new Service(backend, new SesEmailGateway(ses, EmailSupport.FROM, null, Duration.ofSeconds(60),
                java.time.Clock.systemUTC()), o -> {
            o.lifecycleEvents = true;
            o.streamPollInterval = Duration.ofMillis(50);
        });
    }

    @Override
    protected void afterStart() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("emailTemplateName", EmailTemplate.DEFAULT_NAME);
        body.put("blockedDomains", List.of());
        body.put("linkTtlMinutes", 1440 * 7);
        body.put("linkBaseUrl", "https://events.example.com/join");
        body.put("sendLimits", Service.UNLIMITED_SENDS);
        body.put("defaultLocale", "en");
        body.put("locales", List.of("en", "es", "de", "ar", "fr")); // French is offered, but has no template
        service.call("PUT", "/admin/settings", service.adminToken(), body).expect(200);
    }

    private Service.Response putRoom(String roomId, Instant start, String zone) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Quarterly review");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        body.put("timeZone", zone);
        body.put("reminderMinutesBefore", List.of());
        return service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), body).expect(200);
    }

    private Service.Response create(String room, String to, String locale) {
        Map<String, Object> body = new LinkedHashMap<>(Service.inviteBody(to, "Gia", "Guest", "SPEAKER", true));
        body.put("locale", locale);
        return service.call("POST", "/rooms/" + room + "/invites", EmailSupport.ownerToken(service), body).expect(201);
    }

    /** What the invite's email is expected to say: its template, subject start, and texts of its local time. */
    private record Expected(String locale, String template, String subject, List<String> timeTexts) {
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachLocaleGetsItsTemplateWithTheStartInItsLanguageAndTheRoomsZone() throws Exception {
        String room = Service.roomId("tokyo");
        // 23:30 UTC on a Tuesday is 08:30 on Wednesday in Tokyo
        Instant start = service.clock().instant().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.DAYS)
                .plus(Duration.ofMinutes(23 * 60 + 30));
        putRoom(room, start, "Asia/Tokyo");
        java.time.ZonedDateTime local = start.atZone(java.time.ZoneId.of("Asia/Tokyo"));
        assertEquals(8, local.getHour());
        int day = local.getDayOfMonth();
        List<Expected> cases = List.of(
                new Expected("en", "RoomInvitation", "You're invited: ", List.of("8:30", "AM", "Japan Standard Time")),
                new Expected("es", "RoomInvitation-es", "Invitación: ", List.of("8:30", day + " de ", "hora estándar de Japón")),
                new Expected("de", "RoomInvitation-de", "Einladung: ", List.of("08:30", day + ". ", "Japanische Normalzeit")),
                new Expected("ar", "RoomInvitation-ar", "دعوة: ", List.of("توقيت اليابان الرسمي", "ص")),
                // the fallbacks: a region without its own template takes its language's, a language without one the base
                new Expected("de-CH", "RoomInvitation-de", "Einladung: ", List.of("08:30", "Japanische Normalzeit")),
                new Expected("fr", "RoomInvitation", "You're invited: ", List.of("heure normale du Japon")));
        for (Expected c : cases) {
            capture.reset();
            String to = EmailSupport.uniqueEmail("lang-" + c.locale().toLowerCase());
            Service.Response created = create(room, to, c.locale());
            assertEquals("SENT", created.obj("email").get("status"), c.locale());
            assertEquals(c.locale(), ((Map<String, Object>) created.obj("invite")).get("locale"));

            SendEmailRequest sent = capture.sends().getFirst();
            assertEquals(c.template(), sent.content().template().templateName(), c.locale());
            Map<String, Object> data = Json.parseObject(sent.content().template().templateData());
            assertEquals(c.locale(), data.get("locale"));
            assertEquals("Asia/Tokyo", data.get("timeZone"));
            String startsText = (String) data.get("startsAtLocalText");
            for (String piece : c.timeTexts()) {
                assertTrue(startsText.contains(piece), c.locale() + ": " + piece + " in " + startsText);
            }

            List<StoredEmail> mail = EmailSupport.mailTo(backend, to);
            assertEquals(1, mail.size(), c.locale());
            StoredEmail m = mail.getFirst();
            assertTrue(m.subject().startsWith(c.subject()), c.locale() + ": " + m.subject());
            if (m.text() != null) {
                assertTrue(m.text().contains(startsText), c.locale() + ": the text shows the local start: " + m.text());
                assertTrue(m.text().contains((String) data.get("expiresAtLocalText")), m.text());
                assertFalse(m.text().contains("{{"), m.text());
            }
            if (m.html() != null && c.locale().equals("ar")) {
                assertTrue(m.html().contains("<html lang=\"ar\" dir=\"rtl\">"), "the Arabic email reads right to left");
            }
        }
    }

    @Test
    void aCalendarUpdateKeepsTheInvitesLanguage() throws Exception {
        String room = Service.roomId("berlin");
        Instant start = service.clock().instant().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
        putRoom(room, start, "Europe/Berlin");
        String de = EmailSupport.uniqueEmail("update-de");
        String es = EmailSupport.uniqueEmail("update-es");
        create(room, de, "de");
        create(room, es, "es-MX");
        capture.reset();
        putRoom(room, start.plus(Duration.ofHours(2)), "Europe/Berlin");
        await(() -> service.services().followUpQueue().size() > 0);
        while (service.services().followUpQueue().size() > 0 || service.services().emailQueue().size() > 0) {
            service.services().followUpQueue().drain(service.services().followUps());
            service.drainEmailQueue();
        }
        List<String> templates = capture.sends().stream().map(s -> s.content().template().templateName()).sorted().toList();
        assertEquals(List.of("RoomInvitation-updated-de", "RoomInvitation-updated-es"), templates);
        assertEquals(1, EmailSupport.mailTo(backend, de).stream().filter(m -> m.subject().startsWith("Geändert: ")).count());
        assertEquals(1, EmailSupport.mailTo(backend, es).stream().filter(m -> m.subject().startsWith("Actualización: ")).count());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for the room's change on the stream");
            }
            Thread.sleep(20);
        }
    }
}
