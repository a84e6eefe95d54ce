package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The screens at the session's start and end, on real time (issue #22, items 3 and 5): the open join pages notice
 * the end by themselves ("you're in" and the lobby alike) and keep nothing of the link; the manager's list stops
 * offering actions on an ended session's invites; a network failure at the countdown's end is retried without a
 * click.
 */
class SessionEndTest {
    private static final String ITEM = "#invite-list li.invite";

    @Test
    void atTheSessionsEndTheJoinPagesSaySoAndForgetTheLinkAndTheManagersListOffersNoMoreActions() {
        String room = Service.roomId("ending");
        try (Browser inside = Browser.open(); Browser lobby = Browser.open(); Browser manager = Browser.open()) {
            Pages.signIn(inside, "ines@example.org");
            Pages.signInAsOwner(manager);
            // starts in 12 s and lasts 15 s, on the server's clock
            Pages.room(room, Duration.ofSeconds(12), Duration.ofSeconds(15), "Short session");
            String insideLink = (String) Pages.invite(room, "ines@example.org", "Ines", "Inside", "VIEWER").json().get("link");
            String lobbyLink = (String) Pages.invite(room, "lou@example.org", "Lou", "Lobby", "SPEAKER").json().get("link");
            inside.get(insideLink);
            lobby.get(lobbyLink);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText("#invite-list", "lou@example.org", 15);
            assertEquals(2, manager.all(ITEM + " button.danger").size(), "Revoke offered while the session runs");

            inside.awaitText("#title", "You're in", 25);
            lobby.awaitText("#lobby-heading", "Lobby", 25);
            assertTrue(Pages.keptToken(inside) != null && Pages.keptToken(lobby) != null, "kept while the session runs");

            // the end (12 s + 15 s after the room was made): both pages notice it by themselves
            inside.awaitText("#title", "This session is over.", 30);
            lobby.awaitText("#title", "This session is over.", 10);
            assertTrue(inside.text("main").contains("The invitation no longer opens the room."), inside.text("main"));
            assertTrue(inside.all("#refresh").isEmpty() && lobby.all("#lobby-email").isEmpty(), "nothing left to do");
            assertNull(Pages.keptToken(inside), "an ended session's link leaves nothing in sessionStorage");
            assertNull(Pages.keptToken(lobby));
            inside.screenshot("join-session-ended");
            assertEquals(List.of(), inside.seriousAccessibilityViolations(), "axe: serious or critical violations at the end");

            // the manager's list: an action tried after the end says so, and no action is offered any more
            String id = manager.find(ITEM).getAttribute("data-invite-id");
            manager.find("#promote-" + id + " + button").click();
            manager.awaitText("#reasons", "The session is over.", 10);
            manager.await(10, d -> d.findElements(By.cssSelector(ITEM + " .actions button")).stream()
                    .allMatch(x -> "History".equals(x.getText().trim())) ? true : null);
            assertTrue(manager.all(ITEM + " select").isEmpty(), "no Promote");
            assertTrue(manager.all(ITEM + " button.danger").isEmpty(), "no Revoke");
            assertFalse(manager.find("#invite-section").isDisplayed(), "no form");
            manager.fullScreenshot("manager-session-ended");

            // and so it is from the start once the session has ended
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText("#invite-list", "lou@example.org", 15);
            assertTrue(manager.text("#reasons").contains("the invites below can no longer be changed"), manager.text("#reasons"));
            assertTrue(manager.all(ITEM + " button.danger").isEmpty() && manager.all(ITEM + " select").isEmpty());
        }
    }

    @Test
    void aNetworkFailureWhenTheCountdownEndsIsRetriedByThePageItselfWithoutAClick() {
        String room = Service.roomId("blip");
        try (Browser b = Browser.open()) {
            Pages.signIn(b, "otto@example.org");
            Pages.room(room, Duration.ofSeconds(8), Duration.ofHours(1), "Blip room");
            String link = (String) Pages.invite(room, "otto@example.org", "Otto", "Offline", "VIEWER").json().get("link");
            b.get(link);
            b.awaitText("#countdown", "s", 15);
            b.driver.executeCdpCommand("Network.enable", Map.of());
            network(b, true);
            b.awaitText("#title", "The service could not be reached.", 30);
            assertTrue(b.text("main").contains("tries again by itself"), b.text("main"));
            network(b, false);
            b.awaitText("#title", "You're in", 20); // no click
            assertEquals("Viewer", b.text("#role"));
        }
    }

    private static void network(Browser b, boolean offline) {
        b.driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }
}
