package io.roominvites.http;

import io.roominvites.json.Json;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.InviteException;

import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON request body field by field, collecting every problem so that the caller gets them all
 * at once in the contract's {@code fields} list.
 */
final class Body {
    private final Map<String, Object> json;
    private final List<FieldError> problems = new ArrayList<>();

    private static final Instant YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z");

    private Body(Map<String, Object> json) {
        this.json = json;
    }

    static Body parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The request needs a JSON object body.");
        }
        try {
            return new Body(Json.parseObject(raw));
        } catch (ParseException | RuntimeException e) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "The request body is not a valid JSON object.");
        }
    }

    /** A body already parsed (one row of a bulk request, say). */
    static Body of(Map<String, Object> json) {
        return new Body(json);
    }

    /** The field's JSON value as parsed (null when absent). */
    Object raw(String field) {
        return json.get(field);
    }

    /** The problems found so far. */
    List<FieldError> problems() {
        return List.copyOf(problems);
    }

    boolean has(String field) {
        return json.containsKey(field) && json.get(field) != null;
    }

    /** A string trimmed; null when absent and not required. */
    String string(String field, boolean required, int maxLength) {
        Object v = json.get(field);
        if (v == null) {
            if (required) {
                problem(field, "is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            problem(field, "must be a string");
            return null;
        }
        String t = s.trim();
        if (t.isEmpty() && required) {
            problem(field, "is required");
            return null;
        }
        if (t.length() > maxLength) {
            problem(field, "must be at most " + maxLength + " characters");
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            if (Character.isISOControl(t.charAt(i)) && t.charAt(i) != '\n' && t.charAt(i) != '\t') {
                problem(field, "must not contain control characters");
                return null;
            }
            if (isHiddenFormatting(t.charAt(i))) {
                problem(field, "must not contain invisible or text-direction characters (such as U+202E), which can make"
                        + " text display as something else");
                return null;
            }
        }
        return t;
    }

    /**
     * Text-direction controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and invisible characters
     * (U+200B, U+2060 to U+2064, U+FEFF): they let a name or title display as something else. The joiners U+200C
     * and U+200D stay allowed: some scripts and emoji need them.
     */
    static boolean isHiddenFormatting(char c) {
        return c == '\u061C' || c == '\u200B' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2060' && c <= '\u2064') || (c >= '\u2066' && c <= '\u2069') || c == '\uFEFF';
    }

    Boolean bool(String field, boolean required, Boolean otherwise) {
        Object v = json.get(field);
        if (v == null) {
            if (required) {
                problem(field, "is required");
            }
            return otherwise;
        }
        if (!(v instanceof Boolean b)) {
            problem(field, "must be true or false");
            return otherwise;
        }
        return b;
    }

    Long integer(String field, boolean required, long min, long max, Long otherwise) {
        Object v = json.get(field);
        if (v == null) {
            if (required) {
                problem(field, "is required");
            }
            return otherwise;
        }
        if (!(v instanceof Number n) || (n instanceof Double d && (d != Math.rint(d) || d.isInfinite()))) {
            problem(field, "must be a whole number");
            return otherwise;
        }
        long value = n.longValue();
        if (value < min || value > max) {
            problem(field, "must be between " + min + " and " + max);
            return otherwise;
        }
        return value;
    }

    Instant instant(String field, boolean required) {
        String s = string(field, required, 64);
        if (s == null) {
            return null;
        }
        try {
            Instant t = Instant.parse(s);
            if (t.isBefore(Instant.EPOCH) || !t.isBefore(YEAR_10000)) {
                // far years overflow the store's epoch milliseconds (a 500): no room is scheduled there
                problem(field, "must be a time between the years 1970 and 9999");
                return null;
            }
            return t;
        } catch (DateTimeParseException e) {
            problem(field, "must be an ISO-8601 UTC time like 2026-11-23T20:00:00Z");
            return null;
        }
    }

    /** A list of strings (trimmed, non-empty); an empty list when absent. */
    List<String> strings(String field, int maxItems, int maxLength) {
        Object v = json.get(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problem(field, "must be a list of strings");
            return List.of();
        }
        if (list.size() > maxItems) {
            problem(field, "must have at most " + maxItems + " entries");
            return List.of();
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s) || s.isBlank() || s.trim().length() > maxLength) {
                problem(field, "must be a list of non-empty strings of at most " + maxLength + " characters");
                return List.of();
            }
            out.add(s.trim());
        }
        return out;
    }

    void problem(String field, String problem) {
        problems.add(new FieldError(field, problem));
    }

    /** Throws INVALID_REQUEST with every field problem found so far. */
    void check() {
        if (!problems.isEmpty()) {
            throw InviteException.invalid(problems);
        }
    }
}
