package io.roominvites.email.template;

import io.roominvites.json.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local renderer against real Handlebars: handlebars-cases.json holds templates with the output
 * Handlebars 4.7.10 (the copy aws-ses-v2-local uses) produced for them with {@code noEscape}, as SES
 * renders. Covers standalone-line removal, ~, else-if, each over lists and maps, sections, comments.
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
        assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{#each items as |item|}}{{/each}}", Map.of()));
        TemplateException e = assertThrows(TemplateException.class, () -> TemplateRenderer.render("{{#ifx a}}{{/ifx}}", Map.of()));
        assertTrue(e.getMessage().contains("ifx"), e.getMessage());
    }

    @Test
    void kalturaStylePlaceholdersAreJustText() {
        // an unconverted {URL} is sent literally: docs/email.md explains the conversion to {{inviteLink}}
        assertEquals("Join: {URL}", TemplateRenderer.render("Join: {URL}", Map.of("URL", "x")));
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "\\n").replace("\r", "\\r");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
