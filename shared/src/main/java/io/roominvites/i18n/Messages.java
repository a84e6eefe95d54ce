package io.roominvites.i18n;

import io.roominvites.domain.Locales;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The service's own texts in each language it speaks: API error messages (by error code), role and permission labels
 * (for the email's template data). One UTF-8 properties file per language beside this class
 * ({@code messages_en.properties}, {@code _es}, {@code _de}, {@code _ar}); English is complete, the others may lack
 * a key, which then reads in English. Plain Java: no AWS, no time.
 */
public final class Messages {
    /** The languages this catalog has, English first (the fallback). */
    public static final List<String> LANGUAGES = List.of("en", "es", "de", "ar");

    private static final Map<String, Map<String, String>> CATALOGS = load();

    private Messages() {
    }

    private static Map<String, Map<String, String>> load() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String lang : LANGUAGES) {
            String path = "messages_" + lang + ".properties";
            try (InputStream in = Messages.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException(path + " is not on the classpath");
                }
                Properties p = new Properties();
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                Map<String, String> m = new LinkedHashMap<>();
                for (String k : p.stringPropertyNames()) {
                    m.put(k, p.getProperty(k));
                }
                out.put(lang, Collections.unmodifiableMap(m));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The keys of one language's catalog (for the check that no catalog misses a key English has). */
    public static java.util.Set<String> keys(String language) {
        return CATALOGS.getOrDefault(language, Map.of()).keySet();
    }

    /**
     * The text of {@code key} in the catalog that best serves {@code tag} (its language; English when there is no
     * catalog for it or the catalog lacks the key), with {@code {0}}, {@code {1}}... replaced by {@code args}; null
     * when not even English has the key.
     */
    public static String text(String tag, String key, Object... args) {
        String lang = language(tag);
        String t = CATALOGS.get(lang).get(key);
        if (t == null) {
            t = CATALOGS.get("en").get(key);
        }
        if (t == null) {
            return null;
        }
        return args.length == 0 ? t : new MessageFormat(t.replace("'", "''"), Locales.locale(tag)).format(args);
    }

    /** True when the catalog of {@code tag}'s language itself has {@code key} (not through the English fallback). */
    public static boolean translated(String tag, String key) {
        return CATALOGS.get(language(tag)).containsKey(key);
    }

    /** The catalog language that serves {@code tag}: its language when there is a catalog for it, else English. */
    public static String language(String tag) {
        if (tag == null) {
            return "en";
        }
        String lang = Locales.locale(tag).getLanguage();
        return CATALOGS.containsKey(lang) ? lang : "en";
    }

    /**
     * The catalog language an {@code Accept-Language} header asks for (RFC 4647 lookup over its weighted ranges), or
     * English when it asks for none of them, is absent or can't be read.
     */
    public static String negotiate(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 512) {
            return "en";
        }
        try {
            List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(acceptLanguage);
            List<Locale.LanguageRange> languages = new ArrayList<>();
            for (Locale.LanguageRange r : ranges) {
                // "de-CH" asks for German too: the catalogs are per language
                String range = r.getRange();
                int dash = range.indexOf('-');
                languages.add(new Locale.LanguageRange(dash > 0 ? range.substring(0, dash) : range, r.getWeight()));
            }
            languages.sort((a, b) -> Double.compare(b.getWeight(), a.getWeight()));
            String found = Locale.lookupTag(languages, LANGUAGES);
            return found == null ? "en" : found;
        } catch (IllegalArgumentException e) {
            return "en";
        }
    }
}
