package io.roominvites.domain;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Languages (BCP 47 tags) and time zones (IANA names): what is well-formed, what a site offers, and the fallback chain
 * of a tag ({@code de-CH}, then {@code de}). Plain Java over {@link Locale} and {@link ZoneId}; no time, no AWS.
 */
public final class Locales {
    /** The site's language when an administrator names none. */
    public static final String DEFAULT_LOCALE = "en";
    /** A room's zone when an administrator names none. */
    public static final String DEFAULT_TIME_ZONE = "UTC";
    /** The most languages a site offers. */
    public static final int MAX_LOCALES = 50;

    private static final Set<String> ISO_LANGUAGES = Set.of(Locale.getISOLanguages());

    private Locales() {
    }

    /**
     * The canonical form of a BCP 47 tag ({@code pt-br} → {@code pt-BR}, {@code zh-hant-tw} → {@code zh-Hant-TW}),
     * or null when it is not a well-formed tag of a known language. Well-formedness is {@link Locale.Builder}'s
     * (BCP 47's grammar); the language must be an ISO 639 language the JDK knows (two letters, or three where it has
     * no two-letter code). Private-use and grandfathered tags, and {@code und}, are refused.
     */
    public static String canonical(String tag) {
        if (tag == null || tag.isBlank() || tag.length() > 35) {
            return null;
        }
        Locale l;
        try {
            l = new Locale.Builder().setLanguageTag(tag.trim()).build();
        } catch (IllformedLocaleException e) {
            return null;
        }
        String lang = l.getLanguage();
        if (lang.isEmpty() || lang.equals("und") || !knownLanguage(lang)) {
            return null;
        }
        return l.toLanguageTag();
    }

    private static boolean knownLanguage(String lang) {
        if (lang.length() == 2) {
            return ISO_LANGUAGES.contains(lang);
        }
        if (lang.length() != 3) {
            return false;
        }
        // a three-letter code the JDK can name (it names unknown ones by the code itself)
        String name = Locale.forLanguageTag(lang).getDisplayLanguage(Locale.ENGLISH);
        return !name.isEmpty() && !name.equalsIgnoreCase(lang);
    }

    /** The problem with {@code tag} as a field error's text, or null when it is a well-formed tag of a known language. */
    public static String problem(String tag) {
        return canonical(tag) == null
                ? "must be a BCP 47 language tag of a known language, like en, de, de-CH, es-419 or ar" : null;
    }

    /**
     * The tag and the shorter tags it falls back to, most specific first: {@code de-CH} → [de-CH, de];
     * {@code zh-Hant-TW} → [zh-Hant-TW, zh-Hant, zh]; {@code en} → [en].
     */
    public static List<String> fallbacks(String tag) {
        List<String> out = new ArrayList<>();
        String canonical = canonical(tag);
        if (canonical == null) {
            return out;
        }
        String t = canonical;
        while (true) {
            if (!out.contains(t)) {
                out.add(t);
            }
            int dash = t.lastIndexOf('-');
            if (dash < 0) {
                break;
            }
            t = t.substring(0, dash);
            // drop a trailing singleton ("-u", "-x") together with its subtags
            int prev = t.lastIndexOf('-');
            if (prev >= 0 && t.length() - prev == 2) {
                t = t.substring(0, prev);
            }
        }
        return out;
    }

    /**
     * The tag an invite gets for {@code requested} on a site offering {@code offered}: the offered tag when it is
     * listed, the requested tag when its language (or a shorter form of it) is listed (a regional variant,
     * {@code de-CH} where {@code de} is offered), else null (not offered). Case-insensitive.
     */
    public static String offered(String requested, List<String> offered) {
        String canonical = canonical(requested);
        if (canonical == null) {
            return null;
        }
        for (String candidate : fallbacks(canonical)) {
            for (String o : offered) {
                if (o.equalsIgnoreCase(candidate)) {
                    return canonical;
                }
            }
        }
        return null;
    }

    /** The {@link Locale} of a tag (the default language when it is null or not well-formed). */
    public static Locale locale(String tag) {
        String canonical = canonical(tag);
        return Locale.forLanguageTag(canonical == null ? DEFAULT_LOCALE : canonical);
    }

    /** The name of a language in that language itself ("Deutsch", "español", "العربية"), capitalised as a label. */
    public static String label(String tag) {
        Locale l = locale(tag);
        String name = l.getDisplayName(l);
        if (name.isEmpty()) {
            return tag;
        }
        return name.substring(0, 1).toUpperCase(l) + name.substring(1);
    }

    /**
     * The IANA zone {@code id} names, as the JDK's tz database spells it, or null when it names none (offsets such as
     * {@code +02:00} and the JDK's three-letter aliases are not IANA zones and are refused).
     */
    public static String zone(String id) {
        if (id == null || id.isBlank() || id.length() > 64) {
            return null;
        }
        String trimmed = id.trim();
        if (!ZoneId.getAvailableZoneIds().contains(trimmed)) {
            return null;
        }
        try {
            return ZoneId.of(trimmed).getId();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The problem with {@code id} as a time zone, as a field error's text, or null. */
    public static String zoneProblem(String id) {
        return zone(id) == null ? "must be an IANA time zone name, like Europe/Berlin, America/New_York or UTC" : null;
    }

    /** The zone of a stored name (UTC when null). */
    public static ZoneId zoneId(String id) {
        return ZoneId.of(id == null ? DEFAULT_TIME_ZONE : id);
    }
}
