package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 actions on each invite of the "Invite users" screen, in headless Chromium against the local runner (pages
 * and API on different ports): a reissued link replaces the old one on the join page, a released device lets the
 * invitee in from another one, the History panel lists the lifecycle events the runner reads from the table's stream,
 * and an SES bounce posted to the runner (POST /dev/ses-event) shows as "bounced: reason" in the list.
 */
class ManagerInviteActionsTest {

    @Test
    void reissueShowsANewLinkTheOldLinkSaysItWasReplacedAndTheNewOneOpensTheInvite() {
        String room = Service.roomId("reissue");
        Pages.room(room, Duration.ofHours(2));
        Service.Response created = Pages.invite(room, "ria@example.org", "Ria", "Newlink", "SPEAKER");
        String id = Service.inviteId(created);
        String oldLink = (String) created.json().get("link");
        try (Browser manager = Browser.open(); Browser invitee = Browser.open()) {
            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText(item(id), "ria@example.org", 15);
            assertTrue(manager.all(item(id) + " dd[data-fact='Link']").isEmpty(), "a first link is not called reissued");

            button(manager, id, "Reissue link").click();
            manager.awaitText("#result-heading", "New link for Ria Newlink", 10);
            assertEquals("result-heading", manager.focusedId(), "focus moves to the new link");
            String newLink = manager.find("#link").getAttribute("value");
            assertTrue(newLink.startsWith(Pages.web() + "/join#invite="), newLink);
            assertNotEquals(oldLink, newLink);
            // the new link's access code, shown beside it (a reissue gives a new one)
            String shownCode = manager.text("#access-code");
            assertTrue(shownCode.matches("(?s).*[0-9A-Z]{4}-[0-9A-Z]{4} with room " + room + ".*"), shownCode);
            assertFalse(shownCode.contains(String.valueOf(created.json().get("accessCode"))), "a new code: " + shownCode);
            assertEquals("Not emailed: share the link with Ria yourself.", manager.text("#email-outcome"));
            manager.awaitText("#status-" + id, "Reissue: done.", 10);
            assertEquals("reissued (version 2)", manager.text(item(id) + " dd[data-fact='Link']"));
            manager.fullScreenshot("manager-reissued");

            // the old link on the join page: the plain words for LINK_REPLACED (the code the API answers for it)
            Pages.service().preview(Service.tokenOf(oldLink), null).expectError(410, "LINK_REPLACED");
            invitee.get(oldLink);
            invitee.awaitText("#title", "A newer link was issued for this invitation.", 15);
            assertTrue(invitee.text("main").contains("Use the latest link you received, or ask the room manager for it."),
                    invitee.text("main"));
            assertTrue(invitee.all("#countdown").isEmpty(), "the old link shows nothing of the invite");
            invitee.screenshot("join-link-replaced");

            // the new link (pasted into the same tab) opens the invite
            invitee.get(newLink);
            invitee.awaitText("main", "Hi Ria, you're invited as Speaker.", 15);
            assertTrue(invitee.text("#title").startsWith("Next-Level Growth"), invitee.text("#title"));
            invitee.awaitText("#countdown", "min", 10);
        }
    }

    @Test
    void afterTheManagerReleasesTheDeviceASecondDeviceThatWasRefusedCanEnterWithTheSameLink() {
        String room = Service.roomId("release");
        Pages.room(room, Duration.ofMinutes(-1));
        Service service = Pages.service();
        Service.Response created = Pages.invite(room, "rae@example.org", "Rae", "Moved", "VIEWER");
        String id = Service.inviteId(created);
        String link = (String) created.json().get("link");
        String firstDevice = "rae-old-phone-0001";
        service.redeem(Service.tokenOf(link), firstDevice, "rae@example.org").expect(200);
        try (Browser manager = Browser.open(); Browser secondDevice = Browser.open()) {
            // the second device is refused while the first holds the link
            secondDevice.get(link);
            secondDevice.await(15, d -> !secondDevice.all("#lobby-email").isEmpty()
                    || secondDevice.text("#title").contains("already used"));
            if (!secondDevice.all("#lobby-email").isEmpty()) {
                secondDevice.find("#lobby-email").sendKeys("rae@example.org" + Keys.ENTER);
            }
            secondDevice.awaitText("#title", "This invitation link was already used on another device.", 10);

            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText(item(id), "rae@example.org", 15);
            assertEquals("Redeemed", manager.text(item(id) + " dd[data-fact='Status']"));
            assertTrue(manager.text(item(id) + " dd[data-fact='Devices']").startsWith("1 of 1 in use"),
                    manager.text(item(id) + " dd[data-fact='Devices']"));
            assertFalse(buttonTexts(manager, id).contains("Reissue link"), "a redeemed invite is not reissued");
            button(manager, id, "Release device").click();
            manager.awaitText("#status-" + id, "Release device: done.", 10);
            assertEquals("0 of 1 in use", manager.text(item(id) + " dd[data-fact='Devices']"));
            assertFalse(buttonTexts(manager, id).contains("Release device"), "nothing left to release");
            manager.fullScreenshot("manager-device-released");

            // the same link on the second device: the lobby (the email is proved again), then in
            secondDevice.get(link);
            secondDevice.awaitText("#lobby-heading", "Lobby", 15);
            secondDevice.find("#lobby-email").sendKeys("rae@example.org" + Keys.ENTER);
            secondDevice.awaitText("#title", "You're in", 10);
            assertEquals("Viewer", secondDevice.text("#role"));
            secondDevice.screenshot("join-entered-after-release");
        }
        // the link moved; it was not doubled: the first device is now the other one
        service.redeem(Service.tokenOf(link), firstDevice, "rae@example.org").expectError(409, "LINK_ALREADY_USED");
    }

    @Test
    void anErasedInviteeIsListedWithoutNameOrEmailAndWithNothingToDo() {
        String room = Service.roomId("erased");
        Pages.room(room, Duration.ofMinutes(-1));
        Service service = Pages.service();
        Service.Response created = Pages.invite(room, "era.sed@example.org", "Era", "Sed", "VIEWER");
        String id = Service.inviteId(created);
        service.call("POST", "/admin/erasures", service.adminToken(), Map.of("email", "era.sed@example.org")).expect(202);
        service.services().erasureQueue().drain(service.services().app().erasures());
        try (Browser manager = Browser.open()) {
            Pages.signInAsOwner(manager);
            manager.get(Pages.web() + "/manage?room=" + room);
            manager.awaitText(item(id), "Erased invitee", 15);
            String row = manager.text(item(id));
            assertTrue(row.contains("Their personal data was erased at their request."), row);
            assertFalse(row.contains("era.sed") || row.contains("null") || row.contains("undefined"), row);
            assertEquals("Revoked", manager.text(item(id) + " dd[data-fact='Status']"));
            assertFalse(buttonTexts(manager, id).contains("Revoke"), "nothing to revoke: " + buttonTexts(manager, id));
            assertFalse(buttonTexts(manager, id).contains("Reissue link"));
        }
    }

    @Test
    void historyExpandsAndListsTheInvitesLifecycleEventsInPlainWordsOldestFirst() {
        String room = Service.roomId("history");
        Pages.room(room, Duration.ofHours(2));
        String id = Service.inviteId(Pages.invite(room, "hal@example.org", "Hal", "Story", "VIEWER"));
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText(item(id), "hal@example.org", 15);
            // promote and revoke on the screen
            new Select(b.find("#promote-" + id)).selectByVisibleText("Speaker");
            b.find("#promote-" + id + " + button").click();
            b.awaitText("#status-" + id, "Promote: done.", 10);
            b.find(item(id) + " button.danger").click();
            b.find(item(id) + " .confirm button.danger").click();
            b.awaitText("#status-" + id, "Revoke: done.", 10);

            WebElement toggle = button(b, id, "History");
            assertEquals("false", toggle.getAttribute("aria-expanded"));
            assertEquals("history-" + id, toggle.getAttribute("aria-controls"));
            assertFalse(b.find("#history-" + id).isDisplayed(), "collapsed at first");
            toggle.click();
            assertEquals("true", button(b, id, "History").getAttribute("aria-expanded"));
            assertTrue(b.find("#history-" + id).isDisplayed());
            List<String> entries = awaitHistory(b, id, List.of("Invite Created", "Invite Promoted", "Invite Revoked"));
            assertEquals(3, entries.size(), String.valueOf(entries));
            for (String e : entries) {
                assertTrue(e.endsWith(" by o***@example.com"), "who did it, masked: " + e);
            }
            String panel = b.text("#history-" + id);
            assertFalse(panel.contains("hal@example.org") || panel.contains("owner@example.com"), "emails masked: " + panel);
            assertEquals(3, b.all("#history-" + id + " li time[datetime]").size(), "each event has its time");
            b.fullScreenshot("manager-history");
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: serious or critical violations with History open");

            button(b, id, "History").click();
            assertEquals("false", button(b, id, "History").getAttribute("aria-expanded"));
            assertFalse(b.find("#history-" + id).isDisplayed(), "collapsed again");
        }
    }

    @Test
    void anSesBouncePostedToTheRunnerShowsAsBouncedWithItsReasonInTheInvitesList() throws Exception {
        String room = Service.roomId("bounce");
        Pages.room(room, Duration.ofHours(2));
        Service service = Pages.service();
        Service.Response bounced = service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody("bo@example.org", "Bo", "Bounce", "VIEWER", true)).expect(201);
        Service.Response delivered = service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody("dee@example.org", "Dee", "Livered", "VIEWER", true)).expect(201);
        assertEquals("SENT", bounced.obj("email").get("status"), "the runner's outbox sent it: " + bounced);
        String bouncedId = Service.inviteId(bounced);
        String deliveredId = Service.inviteId(delivered);
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText(item(bouncedId), "bo@example.org", 15);
            assertEquals("sent", b.text(item(bouncedId) + " dd[data-fact='Email']"));
            assertEquals("sent", b.text(item(deliveredId) + " dd[data-fact='Email']"));

            // SES reports, as the deployed email-feedback function gets them, posted to the runner over HTTP
            assertEquals(200, postSesEvent("bounce-mailbox-does-not-exist.json", (String) bounced.obj("email").get("messageId")));
            assertEquals(200, postSesEvent("delivery.json", (String) delivered.obj("email").get("messageId")));

            b.find("#reload").click();
            b.awaitText(item(bouncedId) + " dd[data-fact='Email']", "bounced: mailbox does not exist", 10);
            assertEquals("bounced: mailbox does not exist", b.text(item(bouncedId) + " dd[data-fact='Email']"));
            assertEquals("delivered", b.text(item(deliveredId) + " dd[data-fact='Email']"));
            b.fullScreenshot("manager-email-bounced");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String item(String inviteId) {
        return "li.invite[data-invite-id='" + inviteId + "']";
    }

    /** The invite's action button with this text. */
    private static WebElement button(Browser b, String inviteId, String text) {
        return b.await(10, d -> d.findElements(By.xpath("//li[@data-invite-id='" + inviteId + "']"
                + "//div[contains(@class,'actions')]/button[normalize-space()='" + text + "']")).stream().findFirst().orElse(null));
    }

    private static List<String> buttonTexts(Browser b, String inviteId) {
        return b.all(item(inviteId) + " .actions button").stream().map(x -> x.getText().trim()).toList();
    }

    /**
     * Waits until the open History panel lists {@code types} in this order, and answers its entries. The events come
     * from the table's stream a moment after each change; a panel opened before they arrived is closed and opened
     * again (at most every half second), as a person would to see it anew.
     */
    private static List<String> awaitHistory(Browser b, String inviteId, List<String> types) {
        long[] opened = {System.nanoTime()};
        return b.await(15, (WebDriver d) -> {
            String panel = "#history-" + inviteId;
            List<String> entries = d.findElements(By.cssSelector(panel + " li")).stream().map(WebElement::getText).toList();
            if (entries.size() == types.size()) {
                boolean inOrder = true;
                for (int i = 0; i < types.size(); i++) {
                    inOrder &= entries.get(i).contains(" " + types.get(i));
                }
                if (inOrder) {
                    return entries;
                }
            }
            String text = d.findElement(By.cssSelector(panel)).getText();
            if (!text.startsWith("Loading") && System.nanoTime() - opened[0] > 500_000_000L) {
                button(b, inviteId, "History").click(); // close
                button(b, inviteId, "History").click(); // and open: asks the server again
                opened[0] = System.nanoTime();
            }
            return null;
        });
    }

    /**
     * POSTs a recorded SES event (events/ses/) about {@code messageId} to the runner's /dev/ses-event, its times set to
     * the server's now (a report comes after the send); answers the status.
     */
    private static int postSesEvent(String sample, String messageId) throws Exception {
        Path file = Path.of(System.getProperty("project.root", "..")).resolve("events/ses").resolve(sample);
        String now = Pages.service().clock().instant().toString();
        String body = Files.readString(file).replace("${MESSAGE_ID}", messageId)
                .replaceAll("\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\"", "\"" + now + "\"");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(Pages.api() + "/dev/ses-event"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().contains("\"result\":\"RECORDED\""), sample + ": " + r.body());
            return r.statusCode();
        }
    }
}
