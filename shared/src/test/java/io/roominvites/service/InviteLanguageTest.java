package io.roominvites.service;

import io.roominvites.testkit.Answer;
import io.roominvites.testkit.InProcessService;
import io.roominvites.testkit.InProcessService.Invited;
import io.roominvites.testkit.RecordingEmail.Sent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.testkit.InProcessService.OWNER;
import static io.roominvites.testkit.InProcessService.inviteBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (v3) In the invitee's language: the settings' languages, an invite's locale (create, bulk JSON and CSV, kept by
 * resend and reissue), a room's zone, the template chosen by locale with its fallbacks, the local-time texts, and API
 * messages by Accept-Language.
 */
class InviteLanguageTest {
    private final InProcessService service = new InProcessService();

    @BeforeEach
    void site() {
        service.email.withTemplate("RoomInvitation").withTemplate("RoomInvitation-de").withTemplate("RoomInvitation-ar");
        service.settings(Map.of("emailTemplateName", "RoomInvitation", "defaultLocale", "en",
                "locales", List.of("en", "es", "de", "ar")));
        service.room("growth", Duration.ofDays(2), Map.of("timeZone", "Asia/Tokyo"));
    }

    private Answer create(String email, String locale, boolean send) {
        Map<String, Object> body = new LinkedHashMap<>(inviteBody(email, "SPEAKER"));
        body.put("sendEmail", send);
        if (locale != null) {
            body.put("locale", locale);
        }
        return service.call("POST", "/rooms/growth/invites", service.token(OWNER), body);
    }

    private Sent lastSent() {
        List<Sent> sent = service.email.sent();
        return sent.get(sent.size() - 1);
    }

    @Test
    void settingsTakeAndValidateTheLanguages() {
        Answer s = service.call("GET", "/admin/settings", service.adminToken(), null).expect(200);
        assertEquals("en", s.text("defaultLocale"));
        assertEquals(List.of("en", "es", "de", "ar"), s.json().get("locales"));

        Map<String, Object> bad = new LinkedHashMap<>(Map.of("inviteToMediaEnabled", true, "linkBaseUrl",
                InProcessService.JOIN_PAGE, "defaultLocale", "english", "locales", List.of("en", "xx-not-a-tag")));
        assertEquals(List.of("defaultLocale", "locales"),
                service.call("PUT", "/admin/settings", service.adminToken(), bad).invalidFields());
        bad.put("defaultLocale", "fr");
        bad.put("locales", List.of("en", "de"));
        assertEquals(List.of("defaultLocale"), service.call("PUT", "/admin/settings", service.adminToken(), bad).invalidFields());
        bad.put("locales", List.of());
        bad.remove("defaultLocale");
        assertEquals(List.of("locales"), service.call("PUT", "/admin/settings", service.adminToken(), bad).invalidFields());
        // tags are kept in their canonical form
        Answer ok = service.settings(Map.of("defaultLocale", "de-ch", "locales", List.of("EN", "de-ch", "es-419")));
        assertEquals("de-CH", ok.text("defaultLocale"));
        assertEquals(List.of("en", "de-CH", "es-419"), ok.json().get("locales"));
    }

    @Test
    void aRoomTakesAnIanaZoneAndPreviewNamesIt() {
        Answer room = service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null).expect(200);
        assertEquals("Asia/Tokyo", room.obj("room").get("timeZone"));
        for (String bad : List.of("Mars/Olympus_Mons", "+09:00", "JST", "")) {
            Answer a = service.call("PUT", "/admin/rooms/growth", service.adminToken(), Map.of("title", "T",
                    "startsAt", "2026-12-01T10:00:00Z", "endsAt", "2026-12-01T11:00:00Z",
                    "chatAndCollaborationEnabled", true, "owner", OWNER, "timeZone", bad));
            if (bad.isEmpty()) {
                a.expect(200); // an empty zone is no zone: UTC
                assertEquals("UTC", a.text("timeZone"));
            } else {
                assertEquals(List.of("timeZone"), a.invalidFields(), bad);
            }
        }
        service.room("growth", Duration.ofDays(2), Map.of("timeZone", "Europe/Berlin"));
        Invited invite = new Invited(create("ada@example.org", "de", false).expect(201));
        Answer preview = service.preview(invite.token(), null, null).expect(200);
        assertEquals("Europe/Berlin", preview.obj("room").get("timeZone"));
        assertEquals("de", preview.obj("invitee").get("locale"));
    }

    @Test
    void anInviteGetsTheAskedOrTheDefaultLanguageAndAnUnofferedOneIsAFieldError() {
        assertEquals("es", create("a@example.org", "es", false).expect(201).obj("invite").get("locale"));
        assertEquals("en", create("b@example.org", null, false).expect(201).obj("invite").get("locale"));
        // a regional variant of an offered language is offered
        assertEquals("de-CH", create("c@example.org", "de-ch", false).expect(201).obj("invite").get("locale"));
        assertEquals(List.of("locale"), create("d@example.org", "fr", false).invalidFields());
        assertEquals(List.of("locale"), create("e@example.org", "not a tag", false).invalidFields());
        assertEquals(List.of("locale"), create("f@example.org", "x-private", false).invalidFields());

        Answer options = service.call("GET", "/rooms/growth/invite-options", service.token(OWNER), null).expect(200);
        assertEquals(List.of(Map.of("id", "en", "label", "English"), Map.of("id", "es", "label", "Español"),
                Map.of("id", "de", "label", "Deutsch"), Map.of("id", "ar", "label", "العربية")), options.json().get("locales"));
    }

    @Test
    void bulkRowsTakeALocaleInJsonAndInACsvColumnAndAnUnofferedOneFailsItsRowAlone() {
        Answer json = service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), Map.of("invites", List.of(
                Map.of("email", "a@example.org", "firstName", "A", "lastName", "A", "role", "VIEWER", "locale", "ar"),
                Map.of("email", "b@example.org", "firstName", "B", "lastName", "B", "role", "VIEWER", "locale", "fr"),
                Map.of("email", "c@example.org", "firstName", "C", "lastName", "C", "role", "VIEWER")))).expect(200);
        List<Map<String, Object>> rows = json.list("results");
        assertEquals("ar", ((Map<?, ?>) rows.get(0).get("invite")).get("locale"));
        assertEquals("FAILED", rows.get(1).get("status"));
        assertEquals("locale", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) rows.get(1).get("error")).get("fields")).get(0)).get("field"));
        assertEquals("en", ((Map<?, ?>) rows.get(2).get("invite")).get("locale"));

        String csv = "email,firstName,lastName,role,locale\r\nd@example.org,D,D,VIEWER,de\r\ne@example.org,E,E,VIEWER,\r\n"
                + "f@example.org,F,F,VIEWER,klingon!\r\n";
        Answer fromCsv = service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), csv,
                Map.of("Content-Type", "text/csv")).expect(200);
        List<Map<String, Object>> csvRows = fromCsv.list("results");
        assertEquals("de", ((Map<?, ?>) csvRows.get(0).get("invite")).get("locale"));
        assertEquals("en", ((Map<?, ?>) csvRows.get(1).get("invite")).get("locale"));
        assertEquals("FAILED", csvRows.get(2).get("status"));
        // both optional columns, in either order
        String both = "email,firstName,lastName,role,locale,maxDevices\nh@example.org,H,H,VIEWER,es,1\n";
        assertEquals("es", ((Map<?, ?>) service.call("POST", "/rooms/growth/invites/bulk", service.token(OWNER), both,
                Map.of("Content-Type", "text/csv")).expect(200).list("results").get(0).get("invite")).get("locale"));
    }

    @Test
    void theTemplateIsChosenByLocaleThenLanguageThenTheBaseName() {
        create("a@example.org", "de", true).expect(201);
        assertEquals("RoomInvitation-de", lastSent().template());
        create("b@example.org", "de-CH", true).expect(201);
        assertEquals("RoomInvitation-de", lastSent().template(), "de-CH falls back to de");
        service.email.withTemplate("RoomInvitation-de-CH");
        create("c@example.org", "de-CH", true).expect(201);
        assertEquals("RoomInvitation-de-CH", lastSent().template(), "a template for the region itself comes first");
        create("d@example.org", "es", true).expect(201);
        assertEquals("RoomInvitation", lastSent().template(), "no Spanish template: the base one");
        create("e@example.org", null, true).expect(201);
        assertEquals("RoomInvitation", lastSent().template());
    }

    @Test
    void theTemplateDataCarriesTheLocalTimeInTheInvitesLanguageAndTheRoomsZone() {
        // 2026-11-25T19:00:00Z is 04:00 on 26 November in Tokyo
        service.room("growth", Duration.ofDays(2), Map.of("timeZone", "Asia/Tokyo"));
        create("a@example.org", "de", true).expect(201);
        Map<String, Object> de = lastSent().data();
        assertEquals("de", de.get("locale"));
        assertEquals("Asia/Tokyo", de.get("timeZone"));
        String starts = (String) de.get("startsAtLocalText");
        assertTrue(starts.contains("Donnerstag") && starts.contains("26. November 2026") && starts.contains("04:00")
                && starts.contains("Japanische Normalzeit"), starts);
        assertTrue(((String) de.get("expiresAtLocalText")).contains("Japanische Normalzeit"));
        assertEquals("Referent", de.get("roleLabel"));
        assertEquals(List.of("Backchannel", "Interaktionen", "Fragen & Antworten"), de.get("permissions"));
        // the contract's UTC text is unchanged
        assertTrue(((String) de.get("startsAtText")).endsWith(" UTC"));

        create("b@example.org", "es", true).expect(201);
        String es = (String) lastSent().data().get("startsAtLocalText");
        assertTrue(es.contains("jueves") && es.contains("26 de noviembre de 2026") && es.contains("hora estándar de Japón"), es);
        create("c@example.org", "ar", true).expect(201);
        String ar = (String) lastSent().data().get("startsAtLocalText");
        assertTrue(ar.contains("الخميس") && ar.contains("نوفمبر") && ar.contains("توقيت اليابان"), ar);

        // summer time is named as such: a room in Berlin in July
        Map<String, Object> july = Map.of("timeZone", "Europe/Berlin", "startsAt", "2027-07-01T08:00:00Z",
                "endsAt", "2027-07-01T09:00:00Z");
        service.room("growth", Duration.ofDays(2), july);
        create("d@example.org", "de", true).expect(201);
        String summer = (String) lastSent().data().get("startsAtLocalText");
        assertTrue(summer.contains("1. Juli 2027") && summer.contains("10:00") && summer.contains("Mitteleuropäische Sommerzeit"),
                summer);
    }

    @Test
    void resendAndReissueKeepTheInvitesLanguage() {
        Invited invite = new Invited(create("a@example.org", "ar", true).expect(201));
        service.settings(Map.of("emailTemplateName", "RoomInvitation", "defaultLocale", "es",
                "locales", List.of("en", "es", "de", "ar")));
        service.advance(Duration.ofSeconds(61));
        assertEquals("ar", service.manage(invite, "resend", null).expect(200).obj("invite").get("locale"));
        assertEquals("RoomInvitation-ar", lastSent().template());
        assertEquals("ar", lastSent().data().get("locale"));
        service.advance(Duration.ofSeconds(61));
        Answer reissued = service.manage(invite, "reissue", Map.of("sendEmail", true)).expect(200);
        assertEquals("ar", reissued.obj("invite").get("locale"));
        assertEquals("RoomInvitation-ar", lastSent().template());
        assertEquals(3, service.email.sent().size(), "three emails: create, resend, reissue");
    }

    @Test
    void apiMessagesFollowAcceptLanguageWhereATranslationExistsAndCodesNeverChange() {
        Answer de = service.call("POST", "/invites/preview", null, Map.of("token", "not-a-token"),
                Map.of("Accept-Language", "de-CH, en;q=0.5"));
        Map<String, Object> error = de.error(400, "LINK_INVALID");
        assertTrue(((String) error.get("message")).startsWith("Dieser Einladungslink ist ungültig."), error.toString());
        assertEquals("de", de.header("Content-Language"));
        assertTrue(de.header("Vary").contains("Accept-Language"), de.header("Vary"));
        Answer ar = service.call("POST", "/invites/preview", null, Map.of("token", "not-a-token"),
                Map.of("Accept-Language", "ar"));
        assertTrue(((String) ar.error(400, "LINK_INVALID").get("message")).startsWith("رابط الدعوة هذا غير صالح"));
        // no catalog for French: English
        Answer fr = service.call("POST", "/invites/preview", null, Map.of("token", "not-a-token"),
                Map.of("Accept-Language", "fr-FR"));
        assertEquals(io.roominvites.domain.ErrorCode.LINK_INVALID.defaultMessage(), fr.error(400, "LINK_INVALID").get("message"));
        assertEquals("en", fr.header("Content-Language"));
        // a message written for one case has no translation: English, whatever was asked
        Answer blocked = service.call("POST", "/rooms/growth/invites", service.token(OWNER),
                Map.of("email", "x@example.org", "firstName", "X", "lastName", "Y", "role", "NOBODY"),
                Map.of("Accept-Language", "es"));
        Map<String, Object> invalid = blocked.error(400, "INVALID_REQUEST");
        assertTrue(((String) invalid.get("message")).startsWith("La solicitud no es válida."), invalid.toString());
        assertNotEquals(null, invalid.get("fields"));
        // a malformed header is no reason to fail
        service.call("POST", "/invites/preview", null, Map.of("token", "x"), Map.of("Accept-Language", ";;;q=abc"))
                .error(400, "LINK_INVALID");
    }
}
