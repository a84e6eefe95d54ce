package io.roominvites.http;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.util.Map;

/** JSON through the parser nimbus-jose-jwt already ships: no second JSON library on the cold-start path. */
public final class Json {
    private Json() {
    }

    /** Parses a JSON object; throws {@link ParseException} for anything else. */
    public static Map<String, Object> parseObject(String text) throws ParseException {
        return JSONObjectUtils.parse(text);
    }

    public static String write(Map<String, ?> object) {
        return JSONObjectUtils.toJSONString(object);
    }
}
