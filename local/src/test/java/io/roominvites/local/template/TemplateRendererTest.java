package io.roominvites.local.template;

import io.roominvites.email.template.EmailTemplate;
import io.roominvites.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local renderer against real Handlebars: handlebars-cases.json holds templates with the output
 * Handlebars 4.7.10 (the copy aws-ses-v2-local uses) produced for them with {@code noEscape}, as SES
 * renders. Covers standalone-line removal, ~, else-if, each over lists and maps, sections, comments. The renderer is
 * jknack's handlebars.java, set up like Handlebars.js under SES (it replaced a hand-written subset renderer that lived in
 * the email module, and so in the function jars, though only the runner renders).
 */
class TemplateRendererTest {

    @SuppressWarnings("unchecked")
    @TestFactory
    List<DynamicTest> rendersLikeHandlebarsWithoutEscaping() throws Exception {
        Map<String, Object> file;
        try (InputStream in = getClass().getResourceAsStream("handlebars-cases.json")) {
            file = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Object data = file.get("data");
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (Object o : (List<Object>) file.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String template = (String) c.get("template");
            String expected = (String) c.get("expected");
            tests.add(DynamicTest.dynamicTest("case " + i++ + ": " + abbreviate(template),
                    () -> assertEquals(expected, TemplateRenderer.render(template, data))));
        }
        return tests;
    }

    @Test
    void theDefaultTemplateParses() throws IOException {
        // (the integration tests compare its rendering with aws-ses-v2-local's, i.e. real Handlebars)
        EmailTemplate t = EmailTemplate.defaultInvitation();
        for (String part : List.of(t.subject(), t.html(), t.text())) {
            TemplateRenderer.check(part);
        }
    }

    @Test
    void valuesAreInsertedRawLikeSes() {
        assertEquals("<b>x</b> <b>x</b>", TemplateRenderer.render("{{v}} {{{v}}}", Map.of("v", "<b>x</b>")));
    }

    @Test
    void refusesWhatSesTemplatesCannotDo() {
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{upper firstName}}", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{> footer}}", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{#if x}}open", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{#if x}}a{{/each}}", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{/if}}", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{firstName", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{embedded \"x\"}}", Map.of()));
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{i18n \"x\"}}", Map.of()));
        TemplateException e = assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{#ifx a}}{{/ifx}}", Map.of()));
        assertTrue(e.getMessage().contains("ifx"), e.getMessage());
    }

    @Test
    void whatHandlebarsItselfHasIsRenderedAsItRendersIt() {
        // block parameters and lookup are Handlebars.js's own (the subset renderer before handlebars.java refused them)
        assertEquals("Backchannel;Q&A;", TemplateRenderer.render("{{#each p as |x|}}{{x}};{{/each}}", Map.of("p", List.of("Backchannel", "Q&A"))));
        assertEquals("b", TemplateRenderer.render("{{lookup m k}}", Map.of("m", Map.of("a", "b"), "k", "a")));
        // no lookup in an enclosing scope (Handlebars.js has none), and values written as JavaScript writes them
        assertEquals("|", TemplateRenderer.render("{{#with inner}}{{outer}}|{{/with}}", Map.of("inner", Map.of("x", 1), "outer", "o")));
        assertEquals("1 2.5 a,b", TemplateRenderer.render("{{one}} {{half}} {{list}}", Map.of("one", 1.0, "half", 2.5, "list", List.of("a", "b"))));
    }

    @Test
    void kalturaStylePlaceholdersAreJustText() {
        // an unconverted {URL} is sent literally: docs/email.md explains the conversion to {{inviteLink}}
        assertEquals("Join: {URL}", TemplateRenderer.render("Join: {URL}", Map.of("URL", "x")));
    }

    /** docs/api.md's "Email template data" for one invitation. */
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
        d.put("startsAtLocalText", "Monday, November 23, 2026, 9:00 PM Central European Standard Time");
        d.put("expiresAtLocalText", "Tuesday, November 24, 2026, 9:00 PM Central European Standard Time");
        d.put("inviteLink", "https://events.example.com/join#invite=eyJhbGciOiJFUzI1NiJ9.eyJpbnYiOiJ4In0.c2ln");
        return d;
    }

    @Test
    void bothPartsCarryTheLinkAndTheDetails() {
        TemplateRenderer.Rendered r = TemplateRenderer.render(EmailTemplate.defaultInvitation(), sample());
        assertEquals("You're invited: Next-Level Growth: Practical Strategies That Work", r.subject());
        for (String part : List.of(r.html(), r.text())) {
            assertTrue(part.contains("Gia"), part);
            assertTrue(part.contains("Olivia Owner"), part);
            assertTrue(part.contains("Speaker"), part);
            assertTrue(part.contains("Backchannel, Interactions, Q&A"), part);
            assertTrue(part.contains("Monday, November 23, 2026, 9:00 PM Central European Standard Time"), part);
            assertTrue(part.contains("Tuesday, November 24, 2026, 9:00 PM Central European Standard Time"), part);
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
        TemplateRenderer.Rendered r = TemplateRenderer.render(EmailTemplate.defaultInvitation(), d);
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
        TemplateRenderer.Rendered r = TemplateRenderer.render(EmailTemplate.defaultInvitation(), d);
        // a browser shows "&amp;lt;b&amp;gt;" as "&lt;b&gt;", what was typed; "&lt;b&gt;" would show as "<b>"
        assertTrue(r.html().contains("Hi &amp;lt;b&amp;gt;x&amp;lt;/b&amp;gt;,"), r.html());
        assertTrue(r.html().contains("Q&A"), "a plain & stays readable: " + r.html());
    }

    @Test
    void anEmptyDescriptionLeavesNoEmptyParagraph() {
        Map<String, Object> d = sample();
        d.put("roomDescription", null);
        TemplateRenderer.Rendered r = TemplateRenderer.render(EmailTemplate.defaultInvitation(), d);
        assertFalse(r.html().contains("color:#4b5563;\"></p>"), r.html());
        assertFalse(r.text().contains("\n\n\n"), r.text());
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n").replace("\r", "\\r");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
