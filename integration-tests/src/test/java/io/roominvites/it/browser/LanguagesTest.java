package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (v3) In the invitee's language, in Chromium: the join page speaks the invite's language (countdown, lobby, an
 * error, "you're in"), Arabic right to left with nothing clipped or overlapping on a phone and a desktop, axe clean;
 * a visitor's switch keeps what the page shows; the manager screen in the browser's language (German); a room in
 * Tokyo seen from New York on both sides of the 2027 DST change.
 */
class LanguagesTest {

    /** What each language's join page says, as its catalog (web/i18n/*.js) words it. */
    private record Words(String locale, String countdown, String lobby, String entered, String revoked) {
    }

    private static final List<Words> WORDS = List.of(
            new Words("en", "The session starts in", "Lobby: confirm your email", "You're in",
                    "This invitation was removed by the room manager."),
            new Words("es", "La sesión comienza dentro de", "Sala de espera: confirme su correo electrónico", "Ya está dentro",
                    "El responsable de la sala ha retirado esta invitación."),
            new Words("de", "Die Sitzung beginnt in", "Warteraum: Bestätigen Sie Ihre E-Mail-Adresse", "Sie sind drin",
                    "Die Raumverwaltung hat diese Einladung zurückgezogen."),
            new Words("ar", "تبدأ الجلسة بعد", "غرفة الانتظار: أكّد بريدك الإلكتروني", "لقد دخلت", "ألغى مدير الغرفة هذه الدعوة."));

    /**
     * The manager of this class's rooms: not the demo owner, whose daily send limit the other browser tests (one runner
     * for all) spend.
     */
    private static final String MANAGER = "languages-owner@example.org";

    private static Service.Response invite(String room, String email, String locale) {
        Service service = Pages.service();
        Map<String, Object> body = new LinkedHashMap<>(Service.inviteBody(email, "Gia", "Guest", "SPEAKER", false));
        body.put("locale", locale);
        return service.call("POST", "/rooms/" + room + "/invites", service.token(MANAGER), body).expect(201);
    }

    /** A room of {@link #MANAGER}'s in UTC, starting {@code startsIn} from the server's now, an hour long. */
    private static void room(String roomId, Duration startsIn) {
        room(roomId, Pages.service().clock().instant().plus(startsIn).truncatedTo(java.time.temporal.ChronoUnit.SECONDS), "UTC");
    }

    private static void room(String roomId, Instant start, String zone) {
        Service service = Pages.service();
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("title", "Next-Level Growth");
        room.put("description", "A focused 45-minute session.");
        room.put("startsAt", start.toString());
        room.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        room.put("chatAndCollaborationEnabled", true);
        room.put("owner", MANAGER);
        room.put("timeZone", zone);
        service.call("PUT", "/admin/rooms/" + roomId, service.adminToken(), room).expect(200);
    }

    /**
     * Opens an invitation link as a fresh visit: the tab forgets the page before (a link opened over a join page that
     * shows one is a same-document navigation, which asks whether to switch invitations).
     */
    private static void open(Browser b, String link) {
        b.get("about:blank");
        b.get(link);
    }

    private static void assertPageLanguage(Browser b, String lang) {
        assertEquals(lang, b.js("return document.documentElement.lang"));
        assertEquals(lang.equals("ar") ? "rtl" : "ltr", b.js("return document.documentElement.dir"));
    }

    @Test
    void theJoinPageSpeaksTheInvitesLanguageInEveryState() {
        String soon = Service.roomId("lang-soon");
        String open = Service.roomId("lang-open");
        room(soon, Duration.ofMinutes(30));
        room(open, Duration.ofMinutes(-1));
        try (Browser b = Browser.open()) {
            for (Words w : WORDS) {
                // the countdown
                open(b, (String) invite(soon, "count-" + w.locale() + "@example.org", w.locale()).json().get("link"));
                b.awaitText("#countdown-label", w.countdown(), 15);
                assertPageLanguage(b, w.locale());
                assertTrue(b.text("#countdown").matches("\\S+\\s\\S+\\s\\S+\\s\\S+"), "units in the language: " + b.text("#countdown"));
                assertEquals(List.of(), b.seriousAccessibilityViolations(), w.locale() + ": axe on the countdown");
                // the lobby, then in
                String email = "lobby-" + w.locale() + "@example.org";
                open(b, (String) invite(open, email, w.locale()).json().get("link"));
                b.awaitText("#lobby-heading", w.lobby(), 15);
                assertPageLanguage(b, w.locale());
                assertEquals(List.of(), b.seriousAccessibilityViolations(), w.locale() + ": axe on the lobby");
                b.find("#lobby-email").sendKeys(email);
                b.find("#lobby button[type=submit]").click();
                b.awaitText("#title", w.entered(), 15);
                assertEquals(List.of(), b.seriousAccessibilityViolations(), w.locale() + ": axe on \"you're in\"");
                // an error, said in the invite's language (it knows it from the preview before the revoke)
                Service.Response revoked = invite(soon, "gone-" + w.locale() + "@example.org", w.locale());
                open(b, (String) revoked.json().get("link"));
                b.awaitText("#countdown-label", w.countdown(), 15);
                Pages.service().call("DELETE", "/rooms/" + soon + "/invites/" + Service.inviteId(revoked),
                        Pages.service().token(MANAGER), null).expect(200);
                b.driver.navigate().refresh();
                b.awaitText("#title", w.revoked(), 15);
                b.js("sessionStorage.clear()");
            }
        }
    }

    /** Elements outside the window, clipped, or overlapping another; the page's own horizontal overflow. */
    @SuppressWarnings("unchecked")
    private static List<String> layoutProblems(Browser b) {
        return (List<String>) b.js("""
                const vw = document.documentElement.clientWidth;
                const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' + (e.textContent || e.value || '').trim().slice(0, 30) + '"';
                const shown = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.closest('.visually-hidden, .skip, [hidden]'); };
                const els = [...document.querySelectorAll('h1,h2,p,dt,dd,li,label,button,a,input,select,code,strong,legend,.brand,.who,.countdown')].filter(shown);
                const problems = [];
                if (document.documentElement.scrollWidth > vw) problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
                for (const e of els) {
                  const r = e.getBoundingClientRect();
                  if (r.left < -0.5 || r.right > vw + 0.5) problems.push('outside the window: ' + name(e) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
                  if (e.tagName !== 'INPUT' && e.tagName !== 'SELECT' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) problems.push('clipped: ' + name(e));
                }
                const leaves = els.filter((e) => !els.some((o) => o !== e && e.contains(o)));
                for (let i = 0; i < leaves.length; i++) for (let j = i + 1; j < leaves.length; j++) {
                  const a = leaves[i].getBoundingClientRect(), c = leaves[j].getBoundingClientRect();
                  const x = Math.min(a.right, c.right) - Math.max(a.left, c.left), y = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
                  if (x > 1 && y > 1) problems.push('overlap: ' + name(leaves[i]) + ' and ' + name(leaves[j]));
                }
                return problems;""");
    }

    /**
     * The phone's whole page; the desktop's window (it holds the page; Chromium's beyond-the-viewport capture draws a
     * right-to-left page shifted sideways, though the page itself has no sideways overflow, as layoutProblems checks).
     */
    private static void shot(Browser b, String name) {
        if (name.endsWith("-390")) {
            b.fullScreenshot(name);
        } else {
            b.screenshot(name);
        }
    }

    @Test
    void arabicReadsRightToLeftWithNothingClippedOrOverlappingOnAPhoneAndADesktop() {
        String soon = Service.roomId("lang-ar");
        String open = Service.roomId("lang-ar-open");
        room(soon, Duration.ofMinutes(45));
        room(open, Duration.ofMinutes(-1));
        for (int width : new int[] {390, 1280}) {
            try (Browser b = Browser.open(width, "Asia/Riyadh")) {
                open(b, (String) invite(soon, "ar-" + width + "@example.org", "ar").json().get("link"));
                b.awaitText("#countdown-label", "تبدأ الجلسة بعد", 15);
                assertPageLanguage(b, "ar");
                // right to left: the heading starts at the right edge of the content, the bar's brand on the right
                assertTrue((Boolean) b.js("""
                        const m = document.getElementById('main').getBoundingClientRect();
                        const h = document.getElementById('title').getBoundingClientRect();
                        const brand = document.querySelector('.brand').getBoundingClientRect();
                        return Math.abs(m.right - h.right) < 24 && brand.left > document.documentElement.clientWidth / 2;"""),
                        "the Arabic page starts on the right");
                assertEquals(List.of(), layoutProblems(b), "countdown at " + width + " px");
                assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: Arabic countdown at " + width + " px");
                shot(b, "join-ar-countdown-" + width);

                String email = "ar-in-" + width + "@example.org";
                open(b, (String) invite(open, email, "ar").json().get("link"));
                b.awaitText("#lobby-heading", "غرفة الانتظار", 15);
                b.find("#lobby-email").sendKeys("wrong-" + email);
                b.find("#lobby button[type=submit]").click();
                b.awaitText("#lobby-error", "بقيت", 15); // "attempts left", in Arabic plural form
                assertEquals(List.of(), layoutProblems(b), "lobby at " + width + " px");
                assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: Arabic lobby at " + width + " px");
                shot(b, "join-ar-lobby-" + width);
                b.find("#lobby-email").clear();
                b.find("#lobby-email").sendKeys(email);
                b.find("#lobby button[type=submit]").click();
                b.awaitText("#title", "لقد دخلت", 15);
                assertEquals(List.of(), layoutProblems(b), "entered at " + width + " px");
                shot(b, "join-ar-entered-" + width);
            }
        }
    }

    @Test
    void switchingLanguageKeepsWhatThePageShows() {
        String open = Service.roomId("lang-switch");
        room(open, Duration.ofMinutes(-1));
        try (Browser b = Browser.open()) {
            open(b, (String) invite(open, "switch@example.org", "en").json().get("link"));
            b.awaitText("#lobby-heading", "Lobby: confirm your email", 15);
            b.find("#lobby-email").sendKeys("typed@example.org");
            new Select(b.find("#language")).selectByValue("de");
            b.awaitText("#lobby-heading", "Warteraum", 10);
            assertPageLanguage(b, "de");
            assertEquals("typed@example.org", b.find("#lobby-email").getAttribute("value"), "what was typed stays");
            assertEquals("language", b.focusedId(), "the focus stays on the switch");
            // the label of the switch and the bar follow
            assertEquals("Sprache", b.js("return document.querySelector('label[for=language]').textContent"));
            assertTrue(b.text(".who").contains("Nicht angemeldet"), b.text(".who"));
            // the choice outlives a reload of the tab, over the invitation's own language
            b.driver.navigate().refresh();
            b.awaitText("#lobby-heading", "Warteraum", 15);
            new Select(b.find("#language")).selectByValue("ar");
            b.awaitText("#lobby-heading", "غرفة الانتظار", 10);
            assertPageLanguage(b, "ar");
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe after switching");
        }
        // a countdown keeps counting to the same start after a switch
        String soon = Service.roomId("lang-switch-soon");
        room(soon, Duration.ofMinutes(20));
        try (Browser b = Browser.open()) {
            open(b, (String) invite(soon, "switch2@example.org", "es").json().get("link"));
            b.awaitText("#countdown-label", "La sesión comienza dentro de", 15);
            String before = b.text("#countdown");
            assertTrue(before.matches("(19|20) min \\d\\d s"), before);
            new Select(b.find("#language")).selectByValue("de");
            String after = b.awaitText("#countdown", "Min.", 10);
            assertTrue(after.matches("(19|20) Min\\. \\d\\d Sek\\."), after);
            assertEquals("Die Sitzung beginnt in", b.text("#countdown-label"));
        }
    }

    @Test
    void theManagerScreenSpeaksTheBrowsersLanguage() {
        String room = Service.roomId("lang-manager");
        room(room, Duration.ofHours(2));
        try (Browser b = Browser.open()) {
            // a browser whose languages are German (navigator.languages and Accept-Language)
            String agent = (String) b.js("return navigator.userAgent");
            b.driver.executeCdpCommand("Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "de-DE,de;q=0.9"));
            Pages.signIn(b, MANAGER);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#title", "Personen einladen", 15);
            assertPageLanguage(b, "de");
            b.awaitText("#invite-heading", "Eine Person einladen", 15);
            // the permissions as German words, joined by Intl.ListFormat
            assertEquals("Zugriff auf Chat, Antworten auf Interaktionen und Fragen & Antworten.", b.text("#role-VIEWER-perms"));
            assertEquals("Referent", b.text("label[for=role-SPEAKER] strong"));
            b.find("#email").sendKeys("hans@example.org");
            b.find("#firstName").sendKeys("Hans");
            b.find("#lastName").sendKeys("Muster");
            new Select(b.find("#locale")).selectByValue("es");
            b.find("#generate").click();
            b.awaitText("#result-heading", "Einladungslink für Hans Muster", 15);
            b.awaitText("#invite-list", "Hans Muster", 15);
            assertEquals("Español", b.text("#invite-list [data-fact=Language]"));
            assertEquals("Offen", b.text("#invite-list [data-fact=Status]"));
            assertTrue(b.text("#list-status").contains("die neuesten zuerst"), b.text("#list-status"));
            // an error from the service, by its code, in German (an empty form is refused before it is sent)
            b.find("#generate").click();
            b.awaitText("#email-error", "Geben Sie die E-Mail-Adresse der eingeladenen Person ein.", 10);
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe on the German manager screen");
            b.fullScreenshot("manager-de");
        }
    }

    @Test
    void aRoomInTokyoSeenFromNewYorkOnBothSidesOfTheDaylightSavingChange() {
        // New York moves to daylight time on 14 March 2027 at 02:00; Tokyo has none
        String before = Service.roomId("tokyo-before");
        String after = Service.roomId("tokyo-after");
        room(before, Instant.parse("2027-03-13T15:00:00Z"), "Asia/Tokyo");
        room(after, Instant.parse("2027-03-15T15:00:00Z"), "Asia/Tokyo");
        try (Browser b = Browser.open(1100, "America/New_York")) {
            open(b, (String) invite(before, "ny1@example.org", "en").json().get("link"));
            b.awaitText("#countdown-label", "The session starts in", 15);
            String viewer = b.text("#starts-at");
            String tokyo = b.text("#room-time");
            assertTrue(viewer.contains("Mar 13, 2027") && viewer.contains("10:00 AM") && viewer.contains("EST")
                    && viewer.contains("America/New_York"), viewer);
            assertTrue(tokyo.contains("Mar 14, 2027") && tokyo.contains("12:00 AM") && tokyo.contains("Japan Standard Time")
                    && tokyo.contains("Asia/Tokyo"), tokyo);
            b.js("sessionStorage.clear()");
            open(b, (String) invite(after, "ny2@example.org", "en").json().get("link"));
            b.awaitText("#countdown-label", "The session starts in", 15);
            viewer = b.text("#starts-at");
            tokyo = b.text("#room-time");
            assertTrue(viewer.contains("Mar 15, 2027") && viewer.contains("11:00 AM") && viewer.contains("EDT"), viewer);
            assertTrue(tokyo.contains("Mar 16, 2027") && tokyo.contains("12:00 AM") && tokyo.contains("Japan Standard Time"), tokyo);
            b.screenshot("join-tokyo-from-new-york");
            // the same room in German: the date and zone names from Intl in German
            b.js("sessionStorage.clear()");
            open(b, (String) invite(after, "ny3@example.org", "de").json().get("link"));
            b.awaitText("#countdown-label", "Die Sitzung beginnt in", 15);
            assertTrue(b.text("#room-time").contains("Japanische Normalzeit"), b.text("#room-time"));
            assertTrue(b.text("#starts-at").contains("11:00"), b.text("#starts-at"));
        }
    }
}
