package io.roominvites.testkit;

import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;

import java.text.ParseException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/** What the router answered, with its JSON body read and the contract's checks of an answer. */
public record Answer(HttpResponse raw, String requestId) {

    public int status() {
        return raw.status();
    }

    /** A header by name, whatever its case; null when absent. */
    public String header(String name) {
        return raw.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    public Map<String, Object> json() {
        try {
            return raw.body() == null ? Map.of() : Json.parseObject(raw.body());
        } catch (ParseException e) {
            throw new AssertionError("not a JSON object: " + raw.body());
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> obj(String field) {
        return (Map<String, Object>) json().get(field);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(String field) {
        return (List<Map<String, Object>>) json().get(field);
    }

    /** A string field of the body, or of an object in it ({@code "invite.inviteId"}). */
    public String text(String path) {
        int dot = path.indexOf('.');
        Object v = dot < 0 ? json().get(path) : obj(path.substring(0, dot)).get(path.substring(dot + 1));
        return v == null ? null : v.toString();
    }

    /** Asserts the status; answers this answer. */
    public Answer expect(int status) {
        if (raw.status() != status) {
            fail("expected HTTP " + status + " but got " + this);
        }
        return this;
    }

    /**
     * Asserts an error in the contract's shape: this status, {@code {"error":{"code","message","requestId"}}} with a
     * message to read and the request's own id (also in X-Request-Id). Answers the error object.
     */
    public Map<String, Object> error(int status, String code) {
        expect(status);
        Map<String, Object> error = obj("error");
        if (error == null) {
            fail("no error object: " + this);
        }
        assertEquals(code, error.get("code"), this::toString);
        assertFalse(assertInstanceOf(String.class, error.get("message")).isBlank(), this::toString);
        assertEquals(requestId, error.get("requestId"), "the error names the request");
        assertEquals(requestId, header("X-Request-Id"));
        return error;
    }

    /** The fields an INVALID_REQUEST names, in order. */
    @SuppressWarnings("unchecked")
    public List<String> invalidFields() {
        List<Map<String, Object>> fields = (List<Map<String, Object>>) error(400, "INVALID_REQUEST").get("fields");
        return fields == null ? List.of() : fields.stream().map(f -> (String) f.get("field")).toList();
    }

    @Override
    public String toString() {
        String body = String.valueOf(raw.body());
        return raw.status() + " " + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body);
    }
}
