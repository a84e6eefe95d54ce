package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invitee's join page in headless Chromium, the pages on one loopback port and the API on another:
 * the countdown that follows the server's clock and lets a signed-in invitee in by itself, the lobby, a
 * second device, a promotion picked up by Refresh, a revoke, the lock after five wrong emails, a second link
 * pasted into the same tab, and a signed-in invitee going straight in.
 */
class JoinPageTest {

    @Test
    void beforeTheStartACountdownOnTheServersClockThenInBySelfWhenTheServerClockReachesTheStart() {
        String room = Service.roomId("countdown");
        Pages.room(room, Duration.ofMinutes(5));
        String link = Pages.link(room, "dana@example.org", "SPEAKER");
        try (Browser b = Browser.open()) {
            Pages.signIn(b, "dana@example.org");
            b.get(link);
            String clock = b.awaitText("#countdown", "min", 15);
            assertTrue(clock.matches("[45] min \\d\\d s"), "countdown shows about 5 minutes, was: " + clock);
            assertEquals("The session starts in", b.text("#countdown-label"));
            assertEquals("countdown-label", b.find("#countdown").getAttribute("aria-labelledby"));
            assertEquals("timer", b.find("#countdown").getAttribute("role"));
            assertEquals("polite", b.find("#countdown-spoken").getAttribute("aria-live"));
            // the start in the viewer's own time zone (the browser runs in America/New_York)
            String starts = b.text("#starts-at");
            assertTrue(starts.contains("EST") || starts.contains("EDT") || starts.contains("GMT-"), starts);
            assertTrue(starts.contains("America/New_York"), starts);
            assertTrue(b.text("main").contains("Hi Gia, you're invited as Speaker."), b.text("main"));
            // the token left the address bar
            assertFalse(b.driver.getCurrentUrl().contains("invite="), b.driver.getCurrentUrl());
            assertEquals(Pages.web() + "/join", b.driver.getCurrentUrl());
            // add to calendar: Google and Outlook get the session but never the link's token; the file comes from the service
            String google = b.find("#calendar-google").getAttribute("href");
            assertTrue(google.startsWith("https://calendar.google.com/calendar/render?action=TEMPLATE"), google);
            assertTrue(google.contains("dates=") && !google.contains("invite%3D") && !google.contains("invite="), google);
            String outlook = b.find("#calendar-outlook").getAttribute("href");
            assertTrue(outlook.startsWith("https://outlook.live.com/calendar/0/deeplink/compose?") && !outlook.contains("invite"), outlook);
            b.find("#calendar-file").click();
            b.awaitText("#calendar-status", "Saved invite.ics", 10);
            b.screenshot("join-countdown");
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: serious or critical violations on the countdown");

            // the server's clock moves (from the start page, in another tab); the open page follows and enters
            String joinTab = b.driver.getWindowHandle();
            b.driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
            b.get(Pages.web() + "/");
            b.awaitText("#server-time", "20", 10);
            b.find("#clock-buttons button[data-seconds='600']").click();
            b.awaitText("#clock-status", "moved forward 600 seconds", 10);
            b.driver.switchTo().window(joinTab);
            b.awaitText("#title", "You're in", 20);
            assertEquals("Speaker", b.text("#role"));
            assertEquals("Backchannel\nInteractions\nQ&A", b.text("#permissions"));
        }
    }

    @Test
    void withoutAWorkingLinkTheCodeFromTheEmailOpensTheInvitationAndAWrongCodeSaysSo() {
        String room = Service.roomId("code");
        Pages.room(room, Duration.ofMinutes(-1));
        Service.Response created = Pages.invite(room, "cody@example.org", "Cody", "Coder", "SPEAKER");
        String code = String.valueOf(created.json().get("accessCode"));
        try (Browser b = Browser.open()) {
            // a link cut by a mail client: the page says so and offers the code
            b.get(Pages.web() + "/join?room=" + room + "#invite=eyJhbGciOiJIUzI1NiJ9.eyJpbnYiOiJ4");
            b.awaitText("#title", "This invitation link is incomplete or damaged.", 15);
            b.find("#have-code").click();
            b.awaitText("#title", "Open your invitation with a code", 10);
            assertEquals(room, b.find("#code-room").getAttribute("value"), "the room from the page's address");
            assertEquals("code-email", b.focusedId());
            b.find("#code-email").sendKeys("cody@example.org");
            b.find("#code-code").sendKeys("0000-0000" + Keys.ENTER);
            b.awaitText("#code-error", "doesn't open an invitation to this room for this email", 10);
            assertEquals("code-code", b.focusedId(), "back in the code field, to correct it");
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: serious or critical violations on the code form");
            b.screenshot("join-code-form");
            b.find("#code-code").clear();
            b.find("#code-code").sendKeys(code.toLowerCase(java.util.Locale.ROOT).replace("-", " ") + Keys.ENTER);
            b.awaitText("#lobby-heading", "Lobby", 15);
            b.find("#lobby-email").sendKeys("cody@example.org" + Keys.ENTER);
            b.awaitText("#title", "You're in", 10);
            assertEquals("Speaker", b.text("#role"));
        }
    }

    @Test
    void theLobbyKeepsAMistypedEmailCountsDownAttemptsThenAcceptsTheRightOneAnotherDeviceIsRefusedPromotionAndRevokeReachTheInvitee() {
        String room = Service.roomId("lobby");
        Pages.room(room, Duration.ofMinutes(-1));
        String link = Pages.link(room, "erin@example.org", "VIEWER");
        try (Browser invitee = Browser.open(); Browser other = Browser.open(); Browser manager = Browser.open()) {
            invitee.get(link);
            invitee.awaitText("#lobby-heading", "Lobby", 15);
            assertEquals("lobby-email", invitee.focusedId(), "the lobby puts the focus in the email field");
            invitee.find("#lobby-email").sendKeys("erin@exmaple.org" + Keys.ENTER);
            invitee.awaitText("#lobby-error", "4 attempts left", 10);
            assertEquals("erin@exmaple.org", invitee.find("#lobby-email").getAttribute("value"), "the typo stays, to be fixed");
            assertEquals("true", invitee.find("#lobby-email").getAttribute("aria-invalid"));
            assertEquals("lobby-email", invitee.focusedId());
            invitee.screenshot("join-lobby-mismatch");
            assertEquals(List.of(), invitee.seriousAccessibilityViolations(), "axe: serious or critical violations in the lobby");
            invitee.find("#lobby-email").sendKeys(Keys.ENTER);
            invitee.awaitText("#lobby-error", "3 attempts left", 10);
            WebElement input = invitee.find("#lobby-email");
            input.clear();
            input.sendKeys("Erin@Example.org" + Keys.ENTER);
            invitee.awaitText("#title", "You're in", 10);
            assertEquals("Viewer", invitee.text("#role"));
            assertEquals("Chat\nAnswer interactions\nQ&A", invitee.text("#permissions"));
            assertTrue(invitee.text("#room-title").startsWith("Next-Level Growth"), invitee.text("#room-title"));
            invitee.screenshot("join-entered");
            assertEquals(List.of(), invitee.seriousAccessibilityViolations(), "axe: serious or critical violations on the entered view");

            // another device (another browser profile) with the same link
            other.get(link);
            other.await(15, d -> !other.all("#lobby-email").isEmpty() || other.text("#title").contains("already used"));
            if (!other.all("#lobby-email").isEmpty()) {
                other.find("#lobby-email").sendKeys("erin@example.org" + Keys.ENTER);
            }
            other.awaitText("#title", "already used on another device", 10);
            assertTrue(other.text("main").contains("Ask the room manager to generate a new link"), other.text("main"));
            other.screenshot("join-already-used");

            // the manager promotes on the "Invite users" screen; the invitee's Refresh shows the new role
            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            String item = "li.invite[data-invite-id]";
            manager.awaitText(item, "erin@example.org", 15);
            String inviteId = manager.find(item).getAttribute("data-invite-id");
            new org.openqa.selenium.support.ui.Select(manager.find("#promote-" + inviteId)).selectByVisibleText("Moderator");
            manager.find("#promote-" + inviteId + " + button").click();
            manager.awaitText("#status-" + inviteId, "Promote: done", 10);
            assertTrue(manager.text(item).contains("Moderator"), manager.text(item));

            invitee.find("#refresh").click();
            invitee.awaitText("#refresh-status", "Your role is now Moderator.", 10);
            assertEquals("Moderator", invitee.text("#role"));
            assertEquals("Backchannel\nInitiate interactions\nQ&A", invitee.text("#permissions"));

            // revoke → the invitee's next refresh says the invite was removed
            manager.find(item + " button.danger").click();
            manager.awaitText(item + " .confirm", "Revoke Gia's invite?", 5);
            manager.find(item + " .confirm button.danger").click();
            manager.awaitText(item, "Revoked", 10);
            invitee.find("#refresh").click();
            invitee.awaitText("#title", "This invitation was removed by the room manager.", 10);
            invitee.screenshot("join-removed");
        }
    }

    @Test
    void fiveWrongEmailsLockTheInvitationAndThePageSaysSoWithTheFocusOnIt() {
        String room = Service.roomId("lock");
        Pages.room(room, Duration.ofMinutes(-1));
        String link = Pages.link(room, "fred@example.org", "VIEWER");
        try (Browser b = Browser.open()) {
            b.get(link);
            b.awaitText("#lobby-heading", "Lobby", 15);
            for (int left = 4; left >= 1; left--) {
                WebElement input = b.find("#lobby-email");
                input.clear();
                input.sendKeys("wrong" + left + "@example.org" + Keys.ENTER);
                b.awaitText("#lobby-error", left + (left == 1 ? " attempt left" : " attempts left"), 10);
            }
            WebElement input = b.find("#lobby-email");
            input.clear();
            input.sendKeys("wrong0@example.org" + Keys.ENTER);
            b.awaitText("#title", "This invitation is locked after too many wrong email addresses.", 10);
            assertEquals("title", b.focusedId(), "the focus is on what happened, not lost on <body>");
            assertTrue(b.all("#lobby").isEmpty(), "no form that can do nothing more");
            assertTrue(b.text("main").contains("Ask the room manager to generate a new link."), b.text("main"));
            assertEquals(null, Pages.keptToken(b), "a locked link leaves nothing in sessionStorage");
            b.screenshot("join-locked");
        }
    }

    @Test
    void aSecondLinkPastedIntoTheSameTabShowsTheSecondInvite() {
        String first = Service.roomId("first");
        String second = Service.roomId("second");
        Pages.room(first, Duration.ofHours(2));
        Pages.room(second, Duration.ofHours(3), Duration.ofHours(1), "Second Room: Quarterly Review");
        String link1 = Pages.link(first, "gus@example.org", "VIEWER");
        String link2 = (String) Pages.invite(second, "gus@example.org", "Gustav", "Second", "MODERATOR").json().get("link");
        try (Browser b = Browser.open()) {
            b.get(link1);
            b.awaitText("#title", "Next-Level Growth", 15);
            assertTrue(b.text("main").contains("invited as Viewer"), b.text("main"));
            // paste the second link into the same tab: only the fragment differs, so the page is not reloaded; it asks
            // before replacing the invitation it shows
            b.js("window.__sameDocument = true;");
            b.get(link2);
            b.awaitText("#title", "Open another invitation?", 15);
            b.find("#switch-open").click();
            b.awaitText("#title", "Second Room: Quarterly Review", 15);
            assertTrue(b.text("main").contains("Hi Gustav, you're invited as Moderator."), b.text("main"));
            assertEquals(Boolean.TRUE, b.js("return window.__sameDocument === true"), "the page reacted to hashchange");
            assertFalse(b.driver.getCurrentUrl().contains("invite="));
        }
    }

    @Test
    void aSignedInInviteeGoesStraightIn() {
        String room = Service.roomId("straight");
        Pages.room(room, Duration.ofMinutes(-5));
        String link = Pages.link(room, "hana@example.org", "MODERATOR");
        try (Browser b = Browser.open()) {
            Pages.signIn(b, "Hana@Example.org");
            b.get(link);
            b.awaitText("#title", "You're in", 15);
            assertEquals("Moderator", b.text("#role"));
            assertTrue(b.all("#lobby-email").isEmpty(), "no lobby");
            assertEquals("Signed in as hana@example.org", b.text("#who"));
        }
    }

    @Test
    void valuesFromTheApiAreShownAsTextNeverAsHtml() {
        String room = Service.roomId("text");
        Pages.room(room, Duration.ofHours(1));
        String evil = "<img src=x id=injected onerror=\"document.title='pwned'\">";
        String link = (String) Pages.invite(room, "ivy@example.org", evil, "Ivy", "VIEWER").json().get("link");
        try (Browser b = Browser.open()) {
            b.get(link);
            b.awaitText("main", "Hi " + evil + ", you're invited as Viewer.", 15);
            assertTrue(b.all("#injected").isEmpty(), "no element was made from the name");
            assertFalse(b.driver.getTitle().contains("pwned"));
        }
    }

    @Test
    void atAPhonesWidthTheCountdownFitsWithoutSideScrolling() {
        String room = Service.roomId("phone");
        Pages.room(room, Duration.ofHours(26));
        String link = Pages.link(room, "jo@example.org", "VIEWER");
        try (Browser b = Browser.open(390, "Europe/Paris")) {
            b.get(link);
            b.awaitText("#countdown", "d", 15);
            assertTrue(b.text("#starts-at").contains("Europe/Paris"), b.text("#starts-at"));
            long overflow = ((Number) b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
            assertEquals(0, overflow, "no horizontal scrolling at 390 px");
            b.screenshot("join-countdown-phone");
        }
    }

    @Test
    void atA360PxPhoneTheCountdownWrapsBetweenUnitsNeverInsideOneAndAUtcViewerSeesTheZoneNamedOnce() {
        String room = Service.roomId("phone360");
        Pages.room(room, Duration.ofMinutes(116).plusSeconds(8));
        String link = Pages.link(room, "kai@example.org", "VIEWER");
        try (Browser b = Browser.open(360, "UTC")) {
            b.get(link);
            b.awaitText("#countdown", "min", 15);
            String starts = b.text("#starts-at");
            assertEquals(1, starts.split("UTC", -1).length - 1, "the zone named once: " + starts);
            // each number and its unit on one line (measured on the text as laid out)
            String broken = (String) b.js("""
                    const node = document.getElementById('countdown').firstChild;
                    const text = node.data, tops = [];
                    for (let i = 0; i < text.length; i++) {
                      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                      const rect = r.getClientRects()[0]; tops.push(rect ? Math.round(rect.top) : null);
                    }
                    const split = [];
                    for (const m of text.matchAll(/(\\d+)[ \\u00a0]([a-z]+)/g)) {
                      if (tops[m.index] !== tops[m.index + m[0].length - 1]) split.push(m[0]);
                    }
                    const lines = new Set(tops.filter((t) => t !== null)).size;
                    return lines + ' lines; split: ' + split.join(' | ');""");
            assertTrue(broken.endsWith("split: "), "a unit split from its number at 360 px: " + broken);
            assertEquals(0, Pages.overflow(b), "no horizontal scrolling at 360 px");
        }
    }
}
