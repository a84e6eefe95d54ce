package io.roominvites.email.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
 * <p>{@code <}, {@code >} and {@code "} are replaced ({@code &lt;} {@code &gt;} {@code &quot;}): that is what
 * stops a value from opening a tag or leaving a double-quoted attribute. An {@code &} is replaced
 * ({@code &amp;}) where the HTML part would otherwise read it as the start of a character reference: before
 * {@code #}, before a name ending in {@code ;} ({@code &lt;}, {@code &foo;}), or before one of the names HTML
 * decodes even without the {@code ;} ({@code &lt}, {@code &copy}, {@code &not}...). So a first name typed as
 * {@code &lt;b&gt;} shows as typed, not as {@code <b>}. Any other {@code &}, and {@code '}, are kept as they
 * are, so the same values read naturally in the subject and the text part ("Q&A", "R&D", "O'Brien"): in HTML,
 * such an {@code &} stands for itself. Templates must therefore put values only in text or in double-quoted
 * attributes.
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

    /**
     * {@code <} {@code >} {@code "} as character references, and {@code &} where HTML would read a character
     * reference from it; everything else unchanged.
     */
    public static String escape(String s) {
        if (s.indexOf('<') < 0 && s.indexOf('>') < 0 && s.indexOf('"') < 0 && s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '&' -> sb.append(startsReference(s, i + 1) ? "&amp;" : "&");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A name and {@code ;}, after an {@code &}: a (possible) named character reference. */
    private static final Pattern NAMED = Pattern.compile("[A-Za-z][A-Za-z0-9]*;");

    /**
     * The named character references HTML decodes without their {@code ;} (in text, "&notit" is "¬it"): the
     * legacy list of the HTML standard's named character references table.
     */
    private static final Set<String> LEGACY = Set.of("AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml",
            "COPY", "Ccedil", "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT", "Iacute", "Icirc", "Igrave", "Iuml", "LT",
            "Ntilde", "Oacute", "Ocirc", "Ograve", "Oslash", "Otilde", "Ouml", "QUOT", "REG", "THORN", "Uacute", "Ucirc",
            "Ugrave", "Uuml", "Yacute", "aacute", "acirc", "acute", "aelig", "agrave", "amp", "aring", "atilde", "auml",
            "brvbar", "ccedil", "cedil", "cent", "copy", "curren", "deg", "divide", "eacute", "ecirc", "egrave", "eth",
            "euml", "frac12", "frac14", "frac34", "gt", "iacute", "icirc", "iexcl", "igrave", "iquest", "iuml", "laquo",
            "lt", "macr", "micro", "middot", "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf", "ordm",
            "oslash", "otilde", "ouml", "para", "plusmn", "pound", "quot", "raquo", "reg", "sect", "shy", "sup1", "sup2",
            "sup3", "szlig", "thorn", "times", "uacute", "ucirc", "ugrave", "uml", "uuml", "yacute", "yen", "yuml");
    private static final int LONGEST_LEGACY = 6;

    /** Whether the text from {@code at} (just after an {@code &}) would be read by HTML as a character reference. */
    private static boolean startsReference(String s, int at) {
        if (at >= s.length()) {
            return false;
        }
        if (s.charAt(at) == '#') {
            return true;
        }
        var m = NAMED.matcher(s).region(at, s.length());
        if (m.lookingAt()) {
            return true;
        }
        for (int end = at + 1; end <= Math.min(s.length(), at + LONGEST_LEGACY); end++) {
            if (LEGACY.contains(s.substring(at, end))) {
                return true;
            }
        }
        return false;
    }
}
