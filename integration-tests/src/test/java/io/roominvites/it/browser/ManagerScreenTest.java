package io.roominvites.it.browser;

import io.roominvites.http.Operation;
import io.roominvites.it.support.Service;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room manager's "Invite users" screen in headless Chromium, the pages on one loopback port and the API on
 * another: suggestions picked by keyboard, the link generated and copied, the email's outcome, field errors,
 * the reasons when inviting is not possible, the room's invites with filter and paging, the CSV upload.
 */
class ManagerScreenTest {

    @Test
    void aManagerPicksASuggestionGeneratesALinkCopiesItAndSeesTheEmailOutcome() throws Exception {
        String room = Service.roomId("manage");
        Pages.room(room, Duration.ofHours(2), Duration.ofHours(1), "Quarterly Planning: All Hands");
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.await(15, d -> b.find("#invite-section").isDisplayed());
            // the room is named by its title (issue 22, item 8), its id beside it
            b.awaitText("#room-line", "Quarterly Planning: All Hands", 10);
            assertTrue(b.text("#room-line").contains(room), b.text("#room-line"));
            assertTrue(b.find("#send-email-field").isDisplayed(), "email is offered: the template exists");
            // the list joined by Intl.ListFormat for English (CLDR's serial comma)
            assertEquals("Access to chat, answer interactions, and Q&A.", b.text("#role-VIEWER-perms"));
            assertEquals("Access to backchannel, interactions, and Q&A.", b.text("#role-SPEAKER-perms"));
            assertEquals("Access to backchannel, initiate interactions, and Q&A.", b.text("#role-MODERATOR-perms"));

            // type, wait for the suggestions, choose one with the keyboard alone
            b.find("#email").sendKeys("ad");
            b.awaitText("#email-suggestions", "Ada Lovelace", 10);
            assertEquals("true", b.find("#email").getAttribute("aria-expanded"));
            b.screenshot("manager-suggestions");
            b.find("#email").sendKeys(Keys.ARROW_DOWN);
            assertEquals("suggestion-0", b.find("#email").getAttribute("aria-activedescendant"));
            b.find("#email").sendKeys(Keys.ENTER);
            assertEquals("ada@example.org", b.find("#email").getAttribute("value"));
            assertEquals("Ada", b.find("#firstName").getAttribute("value"));
            assertEquals("Lovelace", b.find("#lastName").getAttribute("value"));
            assertFalse(b.find("#email-suggestions").isDisplayed());

            b.find("label[for=role-SPEAKER]").click();
            b.find("label[for=sendEmail]").click();
            b.find("#generate").click();
            b.awaitText("#result-heading", "Invite link for Ada Lovelace", 15);
            assertEquals("result-heading", b.focusedId(), "focus moves to the new link");
            String link = b.find("#link").getAttribute("value");
            assertTrue(link.startsWith(Pages.web() + "/join#invite="), link);
            b.awaitText("#email-outcome", "Emailed to ada@example.org.", 5);
            assertEquals("", b.find("#email").getAttribute("value"), "the form is ready for the next person");
            assertTrue(b.find("#role-VIEWER").isSelected(), "back to the first role");

            // Copy: the Clipboard API (the permission granted as a person would)
            b.driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", Pages.web(),
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            b.find("#copy").click();
            b.awaitText("#copy-status", "Link copied to the clipboard.", 5);
            Object copied = ((JavascriptExecutor) b.driver).executeAsyncScript(
                    "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));");
            assertEquals(link, copied);

            // the room's list shows it, newest first, with its email state
            String item = b.awaitText("#invite-list li.invite", "ada@example.org", 10);
            assertTrue(item.contains("Speaker") && item.contains("Pending") && item.contains("sent"), item);
            // what the outbox holds is the same link
            String outbox = Files.readString(Path.of("target", "browser-outbox").toAbsolutePath().resolve(
                    Files.list(Path.of("target", "browser-outbox")).filter(p -> p.toString().endsWith(".eml"))
                            .max((x, y) -> Long.compare(x.toFile().lastModified(), y.toFile().lastModified())).orElseThrow()
                            .getFileName()));
            assertTrue(outbox.contains("ada@example.org"), "the email went to Ada");
            b.fullScreenshot("manager-invite-users");
            assertEquals(List.of(), b.seriousAccessibilityViolations(), "axe: serious or critical violations on Invite users");
        }
    }

    @Test
    void fieldErrorsAppearBesideTheirFieldsAndTheFocusGoesToTheFirst() {
        String room = Service.roomId("fields");
        Pages.room(room, Duration.ofHours(2));
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.await(15, d -> b.find("#invite-section").isDisplayed());
            b.find("#generate").click();
            assertEquals("Enter the invitee's email address.", b.text("#email-error"));
            assertEquals("Enter the first name.", b.text("#firstName-error"));
            assertEquals("Enter the last name.", b.text("#lastName-error"));
            assertEquals("true", b.find("#email").getAttribute("aria-invalid"));
            assertTrue(b.find("#email").getAttribute("aria-describedby").contains("email-error"));
            assertEquals("email", b.focusedId());
            b.screenshot("manager-field-errors");

            // the service's own refusal of a field: a blocked domain, beside the email
            b.find("#email").sendKeys("eve@blocked.example");
            b.find("#firstName").sendKeys("Eve");
            b.find("#lastName").sendKeys("Example");
            b.find("#generate").click();
            b.awaitText("#email-error", "domain is blocked", 10);
            assertTrue(b.text("#email-error").contains("contact the site administrator"), b.text("#email-error"));
            assertEquals(1, b.text("main").split("domain is blocked", -1).length - 1, "said once: " + b.text("main"));
            assertTrue(b.all("#result:not([hidden])").isEmpty(), "no link was made");
        }
    }

    @Test
    void whenInvitingIsNotPossibleTheScreenSaysWhyInsteadOfShowingADeadForm() {
        String room = Service.roomId("nocc");
        Service service = Pages.service();
        service.room(room, Duration.ofHours(2), Duration.ofHours(1), false, List.of(), List.of(), List.of());
        try (Browser b = Browser.open()) {
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#notice", "not signed in", 15);
            assertTrue(b.text("#notice").contains("Sign in"), b.text("#notice"));
            assertFalse(b.find("#invite-section").isDisplayed());

            Pages.signIn(b, "someone@example.org");
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#notice", "Only the room's owner, co-owners, co-editors and co-publishers can invite people.", 15);

            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#reasons", "This room has Chat & Collaboration turned off.", 15);
            assertFalse(b.find("#invite-section").isDisplayed(), "no form when inviting is not possible");
            assertTrue(b.find("#invites").isDisplayed(), "the room's invites are still listed");
            b.screenshot("manager-cannot-invite");
            assertEquals(List.of(), b.seriousAccessibilityViolations());
        }
    }

    @Test
    void theRoomsInvitesPageAndFilterAndEachHasTheActionsItsStateAllows() {
        String room = Service.roomId("list");
        Pages.room(room, Duration.ofHours(2));
        for (int i = 1; i <= 12; i++) {
            Pages.invite(room, "p" + i + "@example.org", "Person", "Number" + i, i == 12 ? "MODERATOR" : "VIEWER");
        }
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#list-status", "Showing 1–10, newest first.", 15);
            assertEquals(10, b.all("#invite-list li.invite").size());
            assertTrue(b.text("#invite-list li.invite").contains("Number12"), "newest first");
            // a Moderator can't be promoted: no promote control; a Viewer can, to Speaker or Moderator only
            assertTrue(b.all("#invite-list li.invite:first-child select").isEmpty());
            String viewerId = b.all("#invite-list li.invite").get(1).getAttribute("data-invite-id");
            assertEquals(List.of("Speaker", "Moderator"), new Select(b.find("#promote-" + viewerId)).getOptions().stream()
                    .map(o -> o.getText()).toList());
            b.find("#next-page").click();
            b.awaitText("#list-status", "Showing 11–12, newest first.", 10);
            assertEquals(2, b.all("#invite-list li.invite").size());
            assertFalse(b.find("#next-page").isEnabled());
            b.find("#prev-page").click();
            b.awaitText("#list-status", "Showing 1–10", 10);

            // revoke one, then show only the revoked
            String first = b.find("#invite-list li.invite").getAttribute("data-invite-id");
            b.find("li[data-invite-id='" + first + "'] button.danger").click();
            b.find("li[data-invite-id='" + first + "'] .confirm button.danger").click();
            b.awaitText("li[data-invite-id='" + first + "']", "Revoked", 10);
            new Select(b.find("#status-filter")).selectByValue("REVOKED");
            b.awaitText("#list-status", "Showing 1–1, newest first.", 10);
            String revoked = b.text("#invite-list li.invite");
            assertTrue(revoked.contains("Number12") && revoked.contains("Revoked"), revoked);
            // a revoked invite offers nothing that changes it; its history stays readable
            assertTrue(b.all("#invite-list li.invite button").stream().allMatch(x -> "History".equals(x.getText().trim())),
                    "a revoked invite offers no actions");
        }
    }

    @Test
    void aCsvUploadShowsEachRowsResultOrSaysTheServerDoesNotOfferItYet() throws Exception {
        String room = Service.roomId("csv");
        Pages.room(room, Duration.ofHours(2));
        boolean served = Arrays.stream(Operation.values()).anyMatch(o -> o.pathTemplate().endsWith("/invites/bulk"));
        uploadAsOwner(room, "email,firstName,lastName,role\nkim@example.org,Kim,Lee,VIEWER\nnot-an-email,Bad,Row,VIEWER\n", b -> {
            if (served) {
                b.awaitText("#bulk-status", "1 created, 1 failed.", 15);
                assertTrue(b.text("#bulk-table").contains("kim@example.org"), b.text("#bulk-table"));
            } else {
                // a server without the v2 route: the page says so (through CORS: the 404 is readable, not a network failure)
                b.awaitText("#bulk-status", "Bulk invitations aren't available on this server yet.", 15);
            }
        });
    }

    /** Signs in as the owner, uploads {@code csv} on the room's screen, then checks the outcome with {@code then}. */
    private static void uploadAsOwner(String room, String csv, java.util.function.Consumer<Browser> then) throws Exception {
        Path file = Files.createTempFile("invites", ".csv");
        Files.writeString(file, csv);
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.await(15, d -> b.find("#bulk").isDisplayed());
            b.find("#bulk-file").sendKeys(file.toString());
            b.find("#bulk-upload").click();
            then.accept(b);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aCsvOfSeveralHundredRowsPast16KbUploadsWhole() throws Exception {
        String room = Service.roomId("csv-big");
        Pages.room(room, Duration.ofHours(2));
        StringBuilder rows = new StringBuilder("email,firstName,lastName,role\n");
        for (int i = 0; i < 450; i++) {
            rows.append("big-upload-").append(i).append("@example.org,Firstname").append(i).append(",Lastname").append(i).append(",VIEWER\n");
        }
        assertTrue(rows.length() > 20 * 1024, "past the 16 KB the runner once read: " + rows.length());
        uploadAsOwner(room, rows.toString(), b -> b.awaitText("#bulk-status", "450 created, 0 failed.", 60));
    }

    @Test
    void revokeIsConfirmedOnlyOnPurposeByKeyboardEnterTwiceOrEscapeChangeNothing() {
        String room = Service.roomId("revoke-keys");
        Pages.room(room, Duration.ofHours(2));
        String id = Service.inviteId(Pages.invite(room, "rex@example.org", "Rex", "Keys", "VIEWER"));
        String item = "li.invite[data-invite-id='" + id + "']";
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText(item, "rex@example.org", 15);
            Actions keys = new Actions(b.driver);

            // Enter on Revoke, then Enter again: the second lands on Cancel, not on "Yes, revoke"
            b.find(item + " button.danger").sendKeys(Keys.ENTER);
            b.awaitText(item + " .confirm", "Revoke Rex's invite?", 5);
            assertEquals("Revoke Rex's invite? The link stops working at once.", b.find(item + " .confirm").getAccessibleName(),
                    "the group is named by its question");
            assertEquals("Cancel", b.driver.switchTo().activeElement().getText());
            keys.sendKeys(Keys.ENTER).perform();
            b.await(5, d -> d.findElements(By.cssSelector(item + " .confirm")).isEmpty() ? true : null);
            assertEquals("Revoke", b.driver.switchTo().activeElement().getText(), "the focus is back on Revoke");
            assertEquals("Pending", b.text(item + " dd[data-fact='Status']"));

            // Escape cancels
            keys.sendKeys(Keys.ENTER).perform();
            b.awaitText(item + " .confirm", "Revoke Rex's invite?", 5);
            keys.sendKeys(Keys.ESCAPE).perform();
            b.await(5, d -> d.findElements(By.cssSelector(item + " .confirm")).isEmpty() ? true : null);
            assertEquals("Revoke", b.driver.switchTo().activeElement().getText());
            assertEquals("Pending", b.text(item + " dd[data-fact='Status']"));
            assertEquals("PENDING", Pages.service().listed(room, id).get("status"), "nothing was revoked");

            // on purpose: Shift+Tab to "Yes, revoke", then Enter
            keys.sendKeys(Keys.ENTER).perform();
            b.awaitText(item + " .confirm", "Revoke Rex's invite?", 5);
            keys.keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
            assertEquals("Yes, revoke", b.driver.switchTo().activeElement().getText());
            keys.sendKeys(Keys.ENTER).perform();
            b.awaitText(item + " dd[data-fact='Status']", "Revoked", 10);
        }
    }

    @Test
    void aMalformedRoomAddressIsSaidToBeAWrongRoomNotAFormProblem() {
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + java.net.URLEncoder.encode("no such room!", java.nio.charset.StandardCharsets.UTF_8));
            b.awaitText("#notice", "This room doesn't exist.", 15);
            assertTrue(b.text("#notice").contains("Check the link or the room address."), b.text("#notice"));
            assertFalse(b.text("#notice").contains("highlighted"), b.text("#notice"));
        }
    }

    @Test
    void withoutAnEmailTemplateNeitherSendingNorResendingIsOffered() {
        String room = Service.roomId("no-template");
        Pages.room(room, Duration.ofHours(2));
        Service service = Pages.service();
        // emailed while the template was set up
        String id = Service.inviteId(service.call("POST", "/rooms/" + room + "/invites", service.token(Service.OWNER),
                Service.inviteBody("tem@example.org", "Tem", "Plate", "VIEWER", true)).expect(201));
        Map<String, Object> settings = new java.util.LinkedHashMap<>(service.call("GET", "/admin/settings", service.adminToken(), null)
                .expect(200).json());
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("li.invite[data-invite-id='" + id + "']", "tem@example.org", 15);
            assertTrue(b.all("li.invite[data-invite-id='" + id + "'] .actions button").stream()
                    .anyMatch(x -> "Resend email".equals(x.getText().trim())), "offered while the template exists");

            Map<String, Object> noTemplate = new java.util.LinkedHashMap<>(settings);
            noTemplate.put("emailTemplateName", null);
            service.call("PUT", "/admin/settings", service.adminToken(), noTemplate).expect(200);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("li.invite[data-invite-id='" + id + "']", "tem@example.org", 15);
            assertFalse(b.find("#send-email-field").isDisplayed(), "no \"Send link via email\"");
            assertTrue(b.all("li.invite[data-invite-id='" + id + "'] .actions button").stream()
                    .noneMatch(x -> "Resend email".equals(x.getText().trim())), "no \"Resend email\" without a template");
        } finally {
            service.call("PUT", "/admin/settings", service.adminToken(), settings).expect(200);
        }
    }

    @Test
    void theNameFieldsTakeNoMoreThanTheApiAccepts() {
        String room = Service.roomId("maxlength");
        Pages.room(room, Duration.ofHours(2));
        try (Browser b = Browser.open()) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.await(15, d -> b.find("#invite-section").isDisplayed());
            b.find("#firstName").sendKeys("f".repeat(101));
            b.find("#lastName").sendKeys("l".repeat(101));
            assertEquals(100, b.find("#firstName").getAttribute("value").length());
            assertEquals(100, b.find("#lastName").getAttribute("value").length());
        }
    }

    @Test
    void atAPhonesWidthTheScreenFitsWithoutSideScrolling() {
        String room = Service.roomId("phone-manage");
        Pages.room(room, Duration.ofHours(2));
        Pages.invite(room, "lu@example.org", "Lu", "Phone", "SPEAKER");
        try (Browser b = Browser.open(390, "Europe/Paris")) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#invite-list", "lu@example.org", 15);
            long overflow = ((Number) b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")).longValue();
            assertEquals(0, overflow, "no horizontal scrolling at 390 px");
            b.fullScreenshot("manager-phone");
        }
    }
}
