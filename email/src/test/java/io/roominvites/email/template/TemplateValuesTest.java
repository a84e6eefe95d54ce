package io.roominvites.email.template;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TemplateValuesTest {
    @Test
    void escapesWhatCouldOpenATagOrLeaveAnAttribute() {
        assertEquals("&lt;b&gt;Gia&lt;/b&gt; &quot;x&quot;", TemplateValues.escape("<b>Gia</b> \"x\""));
    }

    @Test
    void keepsAmpersandsAndApostrophesReadable() {
        String s = "Q&A with O'Brien";
        assertEquals(s, TemplateValues.escape(s));
        assertEquals("R&D & Sales, Tom&Jerry, a & b, 100%&", TemplateValues.escape("R&D & Sales, Tom&Jerry, a & b, 100%&"));
    }

    @Test
    void escapesAnAmpersandThatHtmlWouldReadAsACharacterReference() {
        // typed as entities, shown as typed: "&lt;b&gt;x&lt;/b&gt;" must not turn into "<b>x</b>" in the HTML part
        assertEquals("&amp;lt;b&amp;gt;x&amp;lt;/b&amp;gt;", TemplateValues.escape("&lt;b&gt;x&lt;/b&gt;"));
        assertEquals("&amp;#60;b&amp;#x3E;", TemplateValues.escape("&#60;b&#x3E;"));
        assertEquals("&amp;foo; &amp;amp;", TemplateValues.escape("&foo; &amp;"));
        // HTML decodes some names even without the ';' ("&notes" reads "¬es", "&copy 2026" "© 2026")
        assertEquals("Tom&amp;notes &amp;copy 2026 &amp;lt", TemplateValues.escape("Tom&notes &copy 2026 &lt"));
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
