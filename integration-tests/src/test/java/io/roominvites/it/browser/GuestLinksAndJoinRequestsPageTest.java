package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * (v3) Guest links and requests to join in headless Chromium against the local runner (pages and API on different
 * ports): a manager creates a guest link on the "Guest links" section and a guest enters by it with a name; an
 * invitee whose link expired asks to be let in, the manager (whose "Requests to join" list refreshes on its own)
 * admits on the other screen, and the invitee's page lets them in with the new link.
 */
class GuestLinksAndJoinRequestsPageTest {

    @Test
    void aManagerCreatesAGuestLinkAndAGuestEntersByItWithAName() {
        String room = Service.roomId("guests");
        Pages.room(room, Duration.ofMinutes(-5), Duration.ofHours(2), "Webinar: Growth in Practice");
        try (Browser manager = Browser.open(); Browser guest = Browser.open()) {
            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText("#guest-links-status", "No guest links yet.", 15);
            // a label is required, said in place
            manager.find("#guest-create").click();
            manager.awaitText("#guest-label-error", "Give the link a label", 5);
            assertEquals("guest-label", manager.focusedId());
            manager.find("#guest-label").sendKeys("Webinar audience");
            manager.find("#guest-max-uses").sendKeys("5");
            manager.find("#guest-days").sendKeys("1");
            manager.find("#guest-create").click();
            manager.awaitText("#guest-links-status", "1 active guest link.", 10);
            String uses = manager.awaitText("#guest-link-list dd[data-fact='Uses']", "0 of 5 used", 10);
            assertEquals("0 of 5 used, 5 left", uses);
            String link = manager.find("#guest-link-list input[readonly]").getAttribute("value");
            assertTrue(link.startsWith(Pages.web() + "/join#guest="), link);
            manager.find("#guest-link-list button.primary").click();
            manager.awaitText("#guest-link-list .row-status", "Link copied", 5);
            manager.fullScreenshot("manager-guest-links");
            assertEquals(List.of(), manager.seriousAccessibilityViolations(), "axe: the Guest links section");

            guest.get(link);
            guest.awaitText("#guest-heading", "Join as a guest", 15);
            assertFalse(guest.driver.getCurrentUrl().contains("guest="), "the token left the address: " + guest.driver.getCurrentUrl());
            String main = guest.text("main");
            assertTrue(main.contains("You're invited as a guest (Viewer) through the link “Webinar audience”."), main);
            assertTrue(guest.text("#guest-rules").contains("This link lets 5 more devices in"), guest.text("#guest-rules"));
            // a name is required, said in place
            guest.find("#guest-lobby button[type=submit]").click();
            guest.awaitText("#guest-first-error", "Enter your first name.", 5);
            guest.screenshot("join-guest");
            assertEquals(List.of(), guest.seriousAccessibilityViolations(), "axe: the guest's join page");
            guest.find("#guest-first").sendKeys("Gwen");
            guest.find("#guest-last").sendKeys("Guest");
            guest.find("#guest-lobby button[type=submit]").click();
            guest.awaitText("#title", "You're in", 15);
            assertTrue(guest.text("main").contains("Welcome, Gwen. You're in as a guest."), guest.text("main"));
            assertEquals("Viewer", guest.text("#role"));
            // Refresh: the same device again uses nothing
            guest.find("#refresh").click();
            guest.awaitText("#refresh-status", "Up to date.", 10);

            manager.get(Pages.web() + "/manage?room=" + room);
            assertEquals("1 of 5 used, 4 left",
                    manager.awaitText("#guest-link-list dd[data-fact='Uses']", "1 of 5 used", 10));
            // revoke: the link stops working
            manager.find("#guest-link-list button.danger").click();
            manager.find("#guest-link-list .confirm button.danger").click();
            manager.awaitText("#guest-link-list dd[data-fact='Status']", "Revoked", 10);
            guest.get(Pages.web() + "/"); // a fresh page (the same link in the same page is the invitation shown)
            guest.get(link);
            guest.awaitText("#title", "This invitation was removed by the room manager.", 15);
        }
    }

    @Test
    void anInviteeWithAnExpiredLinkAsksTheManagerAdmitsOnTheOtherScreenAndTheInviteesPageLetsThemIn() {
        String room = Service.roomId("lobby");
        Pages.room(room, Duration.ofMinutes(-5), Duration.ofDays(3), "Three-day summit");
        String email = "erin.expired@example.org";
        String link = (String) Pages.invite(room, email, "Erin", "Expired", "SPEAKER").json().get("link");
        Pages.service().advance(Duration.ofHours(25)); // past the link's day; the summit goes on
        try (Browser manager = Browser.open(); Browser invitee = Browser.open()) {
            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText("#join-requests-status", "No one is waiting.", 15);

            invitee.get(link);
            invitee.awaitText("#title", "This invitation link has expired.", 15);
            invitee.find("#ask-to-join").click();
            invitee.awaitText("#title", "Ask to be let in", 5);
            assertEquals("ask-email", invitee.focusedId());
            invitee.find("#ask-email").sendKeys(email);
            invitee.find("#ask-message").sendKeys("My link expired over the weekend.");
            invitee.find("#ask-form button[type=submit]").click();
            invitee.awaitText("#title", "Waiting to be let in", 10);
            assertNull(Pages.keptToken(invitee), "no link token is kept for entry while the request waits");
            invitee.screenshot("join-ask-waiting");
            assertEquals(List.of(), invitee.seriousAccessibilityViolations(), "axe: waiting to be let in");

            // the manager's list shows it by itself (no reload)
            manager.awaitText("#join-request-list", email, 15);
            assertEquals("their link expired", manager.text("#join-request-list dd[data-fact='Why']"));
            assertEquals("My link expired over the weekend.", manager.text("#join-request-list dd[data-fact='Message']"));
            manager.awaitText("#join-requests-status", "1 person is waiting.", 5);
            manager.fullScreenshot("manager-join-requests");
            assertEquals(List.of(), manager.seriousAccessibilityViolations(), "axe: the Requests to join section");
            manager.find("#join-request-list button.primary").click();
            manager.awaitText("#result-heading", "Admitted: a new link for " + email, 10);
            manager.awaitText("#join-requests-status", "No one is waiting.", 10);

            // the invitee's page learns it by itself and opens the new link: the lobby, then in
            invitee.awaitText("#lobby-heading", "Lobby: confirm your email", 20);
            invitee.find("#lobby-email").sendKeys(email);
            invitee.find("#lobby button[type=submit]").click();
            invitee.awaitText("#title", "You're in", 15);
            assertEquals("Viewer", invitee.text("#role"));
            // the old link stays refused
            invitee.get(Pages.web() + "/");
            invitee.get(link);
            invitee.awaitText("#title", "This invitation link has expired.", 15);
        }
    }
}
