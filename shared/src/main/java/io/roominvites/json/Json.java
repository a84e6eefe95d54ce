package io.roominvites.json;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.Map;

/**
 * JSON for requests, answers and log lines. Parsing goes through the parser nimbus-jose-jwt already ships (no
 * second JSON library on the cold-start path). Writing is done here, directly into a {@link StringBuilder}: it is
 * on every request's path (the answer and the access log line), and nimbus's Gson-based writer spent several
 * times as long through its reflective adapters. The output is exactly Gson's as configured by nimbus
 * ({@code serializeNulls}, no HTML escaping), which a test compares value by value.
 */
public final class Json {
    private Json() {
    }

    /** Parses a JSON object; throws {@link ParseException} for anything else (including the literal {@code null}). */
    public static Map<String, Object> parseObject(String text) throws ParseException {
        if (!startsAnObject(text)) {
            throw new ParseException("not a JSON object", 0); // nimbus reads "[]" as an empty object
        }
        Map<String, Object> object = JSONObjectUtils.parse(text);
        if (object == null) {
            throw new ParseException("not a JSON object", 0);
        }
        return object;
    }

    private static boolean startsAnObject(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{';
            }
        }
        return false;
    }

    /**
     * Writes a JSON object. Values may be maps (keys written with {@code String.valueOf}), iterables, arrays of
     * objects, strings, characters, booleans, numbers (non-finite ones are refused), enums (by name) and nulls.
     *
     * @throws IllegalArgumentException for any other value, or NaN or an infinity
     */
    public static String write(Map<String, ?> object) {
        StringBuilder out = new StringBuilder(256);
        value(out, object);
        return out.toString();
    }

    private static void value(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            string(out, s);
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            out.append(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + v);
            }
            out.append(v); // Double.toString / Float.toString, as Gson writes them
        } else if (v instanceof Number n) {
            out.append(n); // BigDecimal, BigInteger, atomics: their own decimal form
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue());
            }
            out.append('}');
        } else if (v instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                value(out, item);
            }
            out.append(']');
        } else if (v instanceof Object[] items) {
            value(out, java.util.Arrays.asList(items));
        } else if (v instanceof Enum<?> e) {
            string(out, e.name());
        } else if (v instanceof Character c) {
            string(out, c.toString());
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A JSON string: quotes, backslashes and control characters escaped; U+2028 and U+2029 too, as Gson does. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        int from = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String esc;
            if (c >= 0x20 && c != '"' && c != '\\' && c != '\u2028' && c != '\u2029') {
                continue;
            }
            switch (c) {
                case '"' -> esc = "\\\"";
                case '\\' -> esc = "\\\\";
                case '\t' -> esc = "\\t";
                case '\b' -> esc = "\\b";
                case '\n' -> esc = "\\n";
                case '\r' -> esc = "\\r";
                case '\f' -> esc = "\\f";
                default -> esc = null;
            }
            out.append(s, from, i);
            if (esc != null) {
                out.append(esc);
            } else {
                out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                        .append(HEX[c & 0xF]);
            }
            from = i + 1;
        }
        out.append(s, from, n).append('"');
    }
}
