package io.roominvites.local.template;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.HandlebarsException;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.context.MapValueResolver;
import com.github.jknack.handlebars.io.AbstractTemplateLoader;
import com.github.jknack.handlebars.io.TemplateSource;
import io.roominvites.email.template.EmailTemplate;
import io.roominvites.email.template.TemplateValues;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders SES stored templates as SES would, for the local outbox (only the runner renders: in AWS, SES does).
 * SES renders with Handlebars and <b>no HTML escaping</b>: {@code {{x}}} and {@code {{{x}}}} both insert the value as
 * it is (the data is made HTML-safe before it is sent: {@link TemplateValues}). This is jknack's handlebars.java set up
 * like Handlebars.js there: nothing escaped, lines holding only a block tag removed, no lookup in enclosing scopes,
 * values written as JavaScript writes them ({@code 1} not {@code 1.0}, a list as {@code a,b}); partials and
 * handlebars.java's own helpers ({@code embedded}, {@code i18n}, ...) are refused with a {@link TemplateException}
 * naming them, like a custom helper, since SES knows none of them.
 */
public final class TemplateRenderer {
    /** handlebars.java's helpers that Handlebars.js (so SES) does not have. */
    private static final List<String> NOT_IN_SES = List.of("embedded", "block", "partial", "precompile", "i18n", "i18nJs");
    private static final Handlebars HANDLEBARS = handlebars();

    private TemplateRenderer() {
    }

    private static Handlebars handlebars() {
        Handlebars h = new Handlebars(new AbstractTemplateLoader() {
            @Override
            public TemplateSource sourceAt(String location) throws IOException {
                throw new FileNotFoundException("SES templates have no partials ({{> " + location + "}})");
            }
        });
        h.with(EscapingStrategy.NOOP).prettyPrint(true).parentScopeResolution(false);
        h.with((value, next) -> next.format(jsText(value)));
        for (String name : NOT_IN_SES) {
            h.registerHelper(name, (Helper<Object>) (context, options) -> {
                throw new TemplateException("SES templates have no helper '" + name + "'");
            });
        }
        return h;
    }

    /** Renders {@code source} with {@code data} (maps, lists, strings, numbers, booleans, null). */
    public static String render(String source, Object data) {
        try {
            Template template = HANDLEBARS.compileInline(source);
            return template.apply(Context.newBuilder(data).resolver(MapValueResolver.INSTANCE).build());
        } catch (HandlebarsException | IOException e) {
            throw problem(e);
        }
    }

    /** Parses without rendering: throws {@link TemplateException} for a template Handlebars can't parse. */
    public static void check(String source) {
        try {
            HANDLEBARS.compileInline(source);
        } catch (HandlebarsException | IOException e) {
            throw problem(e);
        }
    }

    /** What SES would send for this data: each part rendered, values made HTML-safe first (see {@link TemplateValues}). */
    public static Rendered render(EmailTemplate template, Map<String, ?> data) {
        Map<String, Object> safe = TemplateValues.htmlSafe(data);
        return new Rendered(render(template.subject(), safe),
                template.html() == null ? null : render(template.html(), safe),
                template.text() == null ? null : render(template.text(), safe));
    }

    /** One rendered message. */
    public record Rendered(String subject, String html, String text) {
    }

    private static TemplateException problem(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TemplateException own) {
                return own;
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        TemplateException out = new TemplateException("the template can't be rendered: " + m.strip());
        out.initCause(e);
        return out;
    }

    /** A value as JavaScript's String() writes it (what Handlebars.js inserts). */
    static Object jsText(Object value) {
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            BigDecimal d = value instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) value).doubleValue());
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(x -> x == null ? "" : String.valueOf(jsText(x))).collect(Collectors.joining(","));
        }
        if (value instanceof Map<?, ?>) {
            return "[object Object]";
        }
        return value;
    }
}
