package io.roominvites.it.browser;

import io.roominvites.it.support.Service;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.Keys;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names as long as the API allows (100 characters, unbroken) on both screens, from a phone's width to a laptop's
 * (issue #22, item 4): they wrap inside their boxes, the whole value stays on screen, and nothing scrolls sideways.
 */
class LongNamesTest {
    private static final String FIRST = "Maximiliana" + "x".repeat(89);
    private static final String LAST = "Wolfeschlegelsteinhausenbergerdorff" + "y".repeat(65);

    @ParameterizedTest(name = "{0} px")
    @ValueSource(ints = {360, 390, 1280})
    void hundredCharacterNamesWrapOnTheManagersListAndTheJoinPageWithNoSidewaysScrolling(int width) {
        assertEquals(100, FIRST.length());
        assertEquals(100, LAST.length());
        String room = Service.roomId("long-" + width);
        Pages.room(room, Duration.ofMinutes(-1));
        String email = "long" + width + "@example.org";
        String link = (String) Pages.invite(room, email, FIRST, LAST, "VIEWER").json().get("link");
        try (Browser b = Browser.open(width, "Europe/Paris")) {
            Pages.signInAsOwner(b);
            b.get(Pages.web() + "/manage?room=" + room);
            b.awaitText("#invite-list", email, 15);
            assertEquals(FIRST + " " + LAST, b.text("#invite-list h3"), "the whole name is on screen");
            assertEquals(0, Pages.overflow(b), "the manager's list scrolls sideways at " + width + " px");
            b.find("#invite-list button.danger").click(); // the confirmation names the invitee too
            b.awaitText("#invite-list .confirm", "Revoke " + FIRST + "'s invite?", 5);
            assertEquals(0, Pages.overflow(b), "the revoke confirmation scrolls sideways at " + width + " px");
            if (width == 390) {
                b.fullScreenshot("manager-long-names");
            }

            b.get(link); // the owner is signed in, not the invitee: the lobby, with its greeting
            b.awaitText("#lobby-heading", "Lobby", 15);
            assertTrue(b.text("main").contains("Hi " + FIRST + ", you're invited as Viewer."), b.text("main"));
            assertEquals(0, Pages.overflow(b), "the join page's greeting scrolls sideways at " + width + " px");
            b.find("#lobby-email").sendKeys(email + Keys.ENTER);
            b.awaitText("#title", "You're in", 10);
            assertEquals("Welcome, " + FIRST + ".", b.text("main .lead"));
            assertEquals(0, Pages.overflow(b), "the welcome line scrolls sideways at " + width + " px");
            if (width == 360) {
                b.screenshot("join-long-names");
            }
        }
    }
}
