package io.roominvites.http;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.Map;

/** JSON through the parser nimbus-jose-jwt already ships: no second JSON library on the cold-start path. */
public final class Json {
    private Json() {
    }

    /** Parses a JSON object; throws {@link ParseException} for anything else (including the literal {@code null}). */
    public static Map<String, Object> parseObject(String text) throws ParseException {
        Map<String, Object> object = JSONObjectUtils.parse(text);
        if (object == null) {
            throw new ParseException("not a JSON object", 0);
        }
        return object;
    }

    public static String write(Map<String, ?> object) {
        return JSONObjectUtils.toJSONString(object);
    }
}
