package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the join page keeps the link's token, and who can change it (issue #22, items 1, 2 and 7): the token
 * leaves the address bar, the tab's history entries and the page's navigation timing entry; it stays in this tab's
 * sessionStorage while the link works and is gone once the page learns it can't; a page of another origin that
 * opened the link can't swap the invitation; a damaged link is said to be damaged.
 */
class JoinLinkTokenTest {

    @Test
    void afterLoadingNeitherTheAddressNorTheHistoryEntriesNorTheNavigationTimingEntryHoldTheToken() {
        String room = Service.roomId("token-left");
        Pages.room(room, Duration.ofHours(1));
        String link = Pages.link(room, "tina@example.org", "VIEWER");
        String token = Service.tokenOf(link);
        try (Browser b = Browser.open()) {
            b.get(link);
            b.awaitText("#title", "Next-Level Growth", 15);
            assertEquals(Pages.web() + "/join", b.driver.getCurrentUrl());
            String navigationEntries = (String) b.js("return performance.getEntriesByType('navigation').map(e => e.name).join(' ')");
            assertFalse(navigationEntries.contains(token), "the navigation timing entry holds the token: " + navigationEntries);
            String navigationApi = (String) b.js("return window.navigation ? navigation.entries().map(e => e.url).join(' ') : ''");
            assertFalse(navigationApi.contains(token), "navigation.entries() holds the token: " + navigationApi);
            assertFalse(historyUrls(b).stream().anyMatch(u -> u.contains(token)), "the tab's history: " + historyUrls(b));
            // kept for a reload of this tab, which still shows the invitation
            assertEquals(token, Pages.keptToken(b));
            b.driver.navigate().refresh();
            b.awaitText("#title", "Next-Level Growth", 15);
            assertTrue(b.text("main").contains("Hi Gia, you're invited as Viewer."), b.text("main"));
        }
    }

    @Test
    void onceTheInvitationIsRevokedThePageKeepsNothingOfTheLink() {
        String room = Service.roomId("token-revoked");
        Pages.room(room, Duration.ofMinutes(-5));
        Service service = Pages.service();
        Service.Response created = Pages.invite(room, "uma@example.org", "Uma", "Revoked", "VIEWER");
        String link = (String) created.json().get("link");
        try (Browser b = Browser.open()) {
            Pages.signIn(b, "uma@example.org");
            b.get(link);
            b.awaitText("#title", "You're in", 15);
            assertEquals(Service.tokenOf(link), Pages.keptToken(b), "kept while the link works");
            service.call("DELETE", "/rooms/" + room + "/invites/" + Service.inviteId(created), service.token(Service.OWNER), null)
                    .expect(200);
            b.find("#refresh").click();
            b.awaitText("#title", "This invitation was removed by the room manager.", 10);
            assertNull(Pages.keptToken(b), "a revoked link leaves nothing in sessionStorage");
            b.driver.navigate().refresh();
            b.awaitText("#title", "No invitation here", 10);
        }
    }

    @Test
    void aPageOfAnotherOriginThatOpenedTheLinkCannotSwapTheInvitation() {
        String victim = Service.roomId("victim");
        String attacker = Service.roomId("attacker");
        Pages.room(victim, Duration.ofHours(1), Duration.ofHours(1), "Victim room");
        Pages.room(attacker, Duration.ofHours(1), Duration.ofHours(1), "ATTACKER room");
        String victimLink = Pages.link(victim, "vic@example.org", "VIEWER");
        String attackerLink = Pages.link(attacker, "mallory@example.org", "MODERATOR");
        try (Browser b = Browser.open()) {
            // another origin (the API's port; not the pages'), as a mail client's or any site's page would be
            b.get(Pages.api() + "/not-a-page");
            String opener = b.driver.getWindowHandle();
            b.js("window.__w = window.open(arguments[0], '_blank');", victimLink);
            String joinTab = b.await(10, d -> d.getWindowHandles().stream().filter(h -> !h.equals(opener)).findFirst().orElse(null));
            b.driver.switchTo().window(joinTab);
            b.awaitText("#title", "Victim room", 15);
            assertEquals(Boolean.TRUE, b.js("return window.opener === null"), "the opener has no handle on the join page");

            b.driver.switchTo().window(opener);
            b.js("try { window.__w.location = arguments[0]; } catch (e) { /* refused */ }", attackerLink);
            b.driver.switchTo().window(joinTab);
            sleep(3000); // what a swap would take: a fragment change and one preview
            assertEquals("Victim room", b.text("#title"));
            assertFalse(b.text("main").contains("ATTACKER"), b.text("main"));
            assertEquals(Service.tokenOf(victimLink), Pages.keptToken(b));
        }
    }

    @Test
    void anotherLinkOpenedInTheSameTabAsksBeforeReplacingTheInvitationShown() {
        String first = Service.roomId("ask-first");
        String second = Service.roomId("ask-second");
        Pages.room(first, Duration.ofHours(1), Duration.ofHours(1), "First room");
        Pages.room(second, Duration.ofHours(1), Duration.ofHours(1), "Second room");
        String link1 = Pages.link(first, "ask@example.org", "VIEWER");
        String link2 = Pages.link(second, "ask@example.org", "SPEAKER");
        try (Browser b = Browser.open()) {
            b.get(link1);
            b.awaitText("#title", "First room", 15);
            b.get(link2); // only the fragment differs: the same document hears a hashchange
            b.awaitText("#title", "Open another invitation?", 10);
            assertEquals("title", b.focusedId());
            assertTrue(b.text("main").contains("This tab shows your invitation to “First room”."), b.text("main"));
            assertFalse(b.driver.getCurrentUrl().contains("invite="));
            b.find("#switch-keep").click();
            b.awaitText("#title", "First room", 10);
            assertEquals(Service.tokenOf(link1), Pages.keptToken(b));

            b.get(link2);
            b.awaitText("#title", "Open another invitation?", 10);
            b.find("#switch-open").click();
            b.awaitText("#title", "Second room", 10);
            assertEquals(Service.tokenOf(link2), Pages.keptToken(b));
        }
    }

    @Test
    void aDamagedLinkIsSaidToBeDamagedAndForgetsAnEarlierOne() {
        String room = Service.roomId("damaged");
        Pages.room(room, Duration.ofHours(1));
        String link = Pages.link(room, "dan@example.org", "VIEWER");
        try (Browser b = Browser.open()) {
            // a 20 KB fragment: beyond any token
            b.get(Pages.web() + "/join#invite=" + "A".repeat(20_000));
            b.awaitText("#title", "This invitation link is incomplete or damaged.", 15);
            assertFalse(b.text("main").contains("highlighted"), b.text("main"));
            assertNull(Pages.keptToken(b));

            // an empty token, in a tab that holds an earlier link: the earlier one is not sent again
            b.get(link);
            b.awaitText("#title", "Next-Level Growth", 15);
            b.get(Pages.web() + "/join#invite=");
            b.awaitText("#title", "This invitation link is incomplete or damaged.", 10);
            assertTrue(b.text("main").contains("Copy the whole link from the invitation"), b.text("main"));
            assertFalse(b.text("main").contains("highlighted"), b.text("main"));
            assertNull(Pages.keptToken(b), "the earlier link is forgotten");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> historyUrls(Browser b) {
        Map<String, Object> history = b.driver.executeCdpCommand("Page.getNavigationHistory", Map.of());
        List<String> urls = new ArrayList<>();
        for (Object e : (List<Object>) history.get("entries")) {
            urls.add((String) ((Map<String, Object>) e).get("url"));
        }
        return urls;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
