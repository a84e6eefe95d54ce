package io.roominvites.tokens;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Hand-made token parts for attacks the libraries refuse to build. */
final class Forge {
    private Forge() {
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    /** The token with its payload JSON replaced by {@code newPayloadJson}, signature kept. */
    static String withPayload(String token, String newPayloadJson) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + b64(newPayloadJson) + "." + parts[2];
    }

    static String payloadJson(String token) {
        return decode(token.split("\\.")[1]);
    }

    static String headerJson(String token) {
        return decode(token.split("\\.")[0]);
    }

    /** An unsecured JWT ({@code alg: none}) with an empty signature part. */
    static String unsecured(String headerJson, String payloadJson) {
        return b64(headerJson) + "." + b64(payloadJson) + ".";
    }
}
