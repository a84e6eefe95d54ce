package io.roominvites.email.template;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class TemplateValuesTest {
    @Test
    void escapesWhatCouldOpenATagOrLeaveAnAttribute() {
        assertEquals("&lt;b&gt;Gia&lt;/b&gt; &quot;x&quot;", TemplateValues.escape("<b>Gia</b> \"x\""));
    }

    @Test
    void keepsAmpersandsAndApostrophesReadable() {
        String s = "Q&A with O'Brien";
        assertSame(s, TemplateValues.escape(s));
    }

    @Test
    void escapesInsideListsAndMapsAndKeepsOtherValues() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("permissions", List.of("<a>", "Q&A"));
        in.put("nested", Map.of("x", "<y>"));
        in.put("count", 3);
        in.put("none", null);
        Map<String, Object> out = TemplateValues.htmlSafe(in);
        assertEquals(List.of("&lt;a&gt;", "Q&A"), out.get("permissions"));
        assertEquals(Map.of("x", "&lt;y&gt;"), out.get("nested"));
        assertEquals(3, out.get("count"));
        assertEquals(null, out.get("none"));
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
    }
}
