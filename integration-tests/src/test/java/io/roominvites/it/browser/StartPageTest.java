package io.roominvites.it.browser;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local runner's start page: what is there, sign-in as anyone, the outbox and the server clock. */
class StartPageTest {

    @Test
    void theStartPageListsTheScreensSignsInAsAnyoneAndMovesTheServerClock() {
        try (Browser b = Browser.open()) {
            b.get(Pages.web() + "/");
            assertEquals("Not signed in.", b.awaitText("#signin-status", "Not signed in", 10));
            assertTrue(b.find("#manage-link").getAttribute("href").endsWith("/manage?room=next-level-growth"));
            assertEquals(Pages.api() + "/dev/outbox?format=html", b.find("#outbox-link").getAttribute("href"));
            assertEquals(Pages.api(), b.text("#api-base"));
            String before = b.awaitText("#server-time", "20", 10);
            b.find("#si-email").sendKeys("guest@example.org");
            b.find("#si-first").sendKeys("Gia");
            b.find("#signin-form button[type=submit]").click();
            b.awaitText("#who", "Signed in as guest@example.org", 10);
            b.find("#clock-buttons button[data-seconds='3600']").click();
            b.awaitText("#clock-status", "moved forward 3600 seconds", 10);
            assertTrue(!b.text("#server-time").equals(before), "the server time shown moved");
            b.fullScreenshot("start-page");
            assertEquals(List.of(), b.seriousAccessibilityViolations());
            b.find("#sign-out").click();
            b.awaitText("#who", "Not signed in", 5);
        }
    }
}
