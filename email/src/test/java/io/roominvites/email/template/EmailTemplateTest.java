package io.roominvites.email.template;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailTemplateTest {
    /** docs/api.md, "Email template data". */
    static final Set<String> CONTRACT = Set.of("firstName", "lastName", "roomTitle", "roomDescription", "startsAt",
            "startsAtText", "roleLabel", "permissions", "inviterName", "expiresAt", "expiresAtText", "inviteLink");

    static Map<String, Object> sample() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("firstName", "Gia");
        d.put("lastName", "Guest");
        d.put("roomTitle", "Next-Level Growth: Practical Strategies That Work");
        d.put("roomDescription", "A focused 45-minute session.");
        d.put("startsAt", "2026-11-23T20:00:00Z");
        d.put("startsAtText", "Monday, 23 November 2026 at 20:00 UTC");
        d.put("roleLabel", "Speaker");
        d.put("permissions", List.of("Backchannel", "Interactions", "Q&A"));
        d.put("inviterName", "Olivia Owner");
        d.put("expiresAt", "2026-11-24T20:00:00Z");
        d.put("expiresAtText", "Tuesday, 24 November 2026 at 20:00 UTC");
        d.put("inviteLink", "https://events.example.com/join#invite=eyJhbGciOiJFUzI1NiJ9.eyJpbnYiOiJ4In0.c2ln");
        return d;
    }

    @Test
    void theDefaultTemplateIsTheSesV2DocumentShippedInEmailTemplates() {
        EmailTemplate t = EmailTemplate.defaultInvitation();
        assertEquals(EmailTemplate.DEFAULT_NAME, t.name());
        assertNotNull(t.html());
        assertNotNull(t.text());
        assertEquals(t, EmailTemplate.fromJson(t.toJson()));
    }

    @Test
    void theDefaultTemplateUsesOnlyTheContractsNames() {
        EmailTemplate t = EmailTemplate.defaultInvitation();
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\{\\{\\{?[#/^]?(?:if |unless |each |with )?\\s*([A-Za-z]+)").matcher(t.subject() + t.html() + t.text());
        while (m.find()) {
            used.add(m.group(1));
        }
        used.removeAll(Set.of("this", "else", "if", "each", "unless", "with"));
        assertTrue(CONTRACT.containsAll(used), "not in the contract: " + used);
        assertTrue(used.containsAll(Set.of("firstName", "roomTitle", "startsAtText", "roleLabel", "permissions",
                "inviterName", "expiresAtText", "inviteLink")), used.toString());
    }

    @Test
    void bothPartsCarryTheLinkAndTheDetails() {
        EmailTemplate.Rendered r = EmailTemplate.defaultInvitation().render(sample());
        assertEquals("You're invited: Next-Level Growth: Practical Strategies That Work", r.subject());
        for (String part : List.of(r.html(), r.text())) {
            assertTrue(part.contains("Gia"), part);
            assertTrue(part.contains("Olivia Owner"), part);
            assertTrue(part.contains("Speaker"), part);
            assertTrue(part.contains("Backchannel, Interactions, Q&A"), part);
            assertTrue(part.contains("Monday, 23 November 2026 at 20:00 UTC"), part);
            assertTrue(part.contains("Tuesday, 24 November 2026 at 20:00 UTC"), part);
            assertTrue(part.contains("https://events.example.com/join#invite=eyJhbGciOiJFUzI1NiJ9.eyJpbnYiOiJ4In0.c2ln"), part);
            assertFalse(part.contains("{{"), part);
        }
        assertTrue(r.html().contains("href=\"https://events.example.com/join#invite=eyJhbGciOiJFUzI1NiJ9.eyJpbnYiOiJ4In0.c2ln\""));
        assertTrue(r.text().contains("A focused 45-minute session."));
    }

    @Test
    void namesWithHtmlAreEscapedAndPlainNamesReadNaturally() {
        Map<String, Object> d = sample();
        d.put("firstName", "<img src=x onerror=alert(1)>");
        d.put("lastName", "O'Brien");
        d.put("inviterName", "\"Olivia\" <script>alert(2)</script>");
        d.put("roomTitle", "Q&A <live>");
        EmailTemplate.Rendered r = EmailTemplate.defaultInvitation().render(d);
        assertFalse(r.html().contains("<img src=x"), r.html());
        assertFalse(r.html().contains("<script>"), r.html());
        assertTrue(r.html().contains("Hi &lt;img src=x onerror=alert(1)&gt;,"), r.html());
        assertTrue(r.html().contains("&quot;Olivia&quot; &lt;script&gt;alert(2)&lt;/script&gt;"), r.html());
        assertTrue(r.html().contains("<strong>Q&A &lt;live&gt;</strong>"), r.html());
        assertEquals("You're invited: Q&A &lt;live&gt;", r.subject());
    }

    @Test
    void aNameTypedAsCharacterReferencesShowsAsTypedInTheHtmlPart() {
        Map<String, Object> d = sample();
        d.put("firstName", "&lt;b&gt;x&lt;/b&gt;");
        EmailTemplate.Rendered r = EmailTemplate.defaultInvitation().render(d);
        // a browser shows "&amp;lt;b&amp;gt;" as "&lt;b&gt;", what was typed; "&lt;b&gt;" would show as "<b>"
        assertTrue(r.html().contains("Hi &amp;lt;b&amp;gt;x&amp;lt;/b&amp;gt;,"), r.html());
        assertTrue(r.html().contains("Q&A"), "a plain & stays readable: " + r.html());
    }

    @Test
    void anEmptyDescriptionLeavesNoEmptyParagraph() {
        Map<String, Object> d = sample();
        d.put("roomDescription", null);
        EmailTemplate.Rendered r = EmailTemplate.defaultInvitation().render(d);
        assertFalse(r.html().contains("color:#4b5563;\"></p>"), r.html());
        assertFalse(r.text().contains("\n\n\n"), r.text());
    }
}
