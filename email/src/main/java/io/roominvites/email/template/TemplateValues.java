package io.roominvites.email.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes template data safe to place in an HTML part.
 *
 * <p>SES renders stored templates with Handlebars but <em>without</em> HTML escaping ("SES doesn't
 * escape HTML content when rendering the HTML template", SES developer guide, advanced
 * personalization), so {@code {{firstName}}} and {@code {{{firstName}}}} both insert the value raw;
 * aws-ses-v2-local does the same ({@code noEscape: true}). A name typed as
 * {@code <a href=...>} would become markup in the invitee's inbox. So every string value is escaped
 * before it is sent.
 *
 * <p>Only {@code <}, {@code >} and {@code "} are replaced ({@code &lt;} {@code &gt;} {@code &quot;}):
 * that is what stops a value from opening a tag or leaving a double-quoted attribute. {@code &} and
 * {@code '} are kept as they are, so the same values read naturally in the subject and the text part
 * ("Q&A", "O'Brien"); an {@code &} can't start markup (a character reference is never parsed as a tag).
 * Templates must therefore put values only in text or in double-quoted attributes.
 */
public final class TemplateValues {
    private TemplateValues() {
    }

    /** A copy of {@code data} with every string (also inside lists and maps) escaped; other values as they are. */
    public static Map<String, Object> htmlSafe(Map<String, ?> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(k, safe(v)));
        return out;
    }

    private static Object safe(Object v) {
        if (v instanceof String s) {
            return escape(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), safe(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) {
                out.add(safe(x));
            }
            return out;
        }
        return v;
    }

    /** {@code <} {@code >} {@code "} as character references; everything else unchanged. */
    public static String escape(String s) {
        if (s.indexOf('<') < 0 && s.indexOf('>') < 0 && s.indexOf('"') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
