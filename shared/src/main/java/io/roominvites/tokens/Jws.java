package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.roominvites.json.Json;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;

/** Package-private helpers shared by the token classes. Never puts a token or a key into a message. */
final class Jws {

    private Jws() {
    }

    /**
     * True when {@code token} is a compact JWS shape: exactly three non-empty-header base64url parts
     * ({@code [A-Za-z0-9_-]}, no padding, no white space) and at most {@code maxLength} characters.
     */
    static boolean looksCompact(String token, int maxLength) {
        if (token == null || token.isEmpty() || token.length() > maxLength) {
            return false;
        }
        int dots = 0;
        int partLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (partLength == 0) {
                    return false; // empty header or payload
                }
                dots++;
                partLength = 0;
            } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && partLength > 0;
    }

    /**
     * True when every part of a compact token is canonical unpadded base64url: no length that base64 can't make,
     * and zero in the bits of the last character that carry no data. Decoders ignore those bits, so without this a
     * link would have several spellings (the same signature bytes with another last character) that all verify.
     */
    static boolean canonical(String token) {
        int start = 0;
        while (start <= token.length()) {
            int end = token.indexOf('.', start);
            if (end < 0) {
                end = token.length();
            }
            int length = end - start;
            if (length > 0) {
                int rest = length % 4;
                int last = sextet(token.charAt(end - 1));
                if (rest == 1 || (rest == 2 && (last & 0x0F) != 0) || (rest == 3 && (last & 0x03) != 0)) {
                    return false;
                }
            }
            start = end + 1;
        }
        return true;
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    /**
     * Parses and verifies a compact JWS of exactly algorithm {@code alg} and type {@code typ}, signed by the key
     * that {@code verifiers} gives for its {@code kid}. Returns the claims, or null when anything is wrong (shape,
     * alg, typ, crit, kid, signature, JSON).
     */
    static JWTClaimsSet verifyOwn(String token, int maxLength, JWSAlgorithm alg, Function<String, JWSVerifier> verifiers,
                                  JOSEObjectType typ) {
        if (!looksCompact(token, maxLength) || !canonical(token)) {
            return null;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!alg.equals(header.getAlgorithm())) {
                return null;
            }
            if (!typ.equals(header.getType())) {
                return null;
            }
            if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
                return null; // we define no critical extensions
            }
            JWSVerifier verifier = verifiers.apply(header.getKeyID());
            if (verifier == null || !jwt.verify(verifier)) {
                return null;
            }
            return jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A compact JWS: {@code header} (already base64url-encoded as {@code encodedHeader}, once per key) over the JSON of
     * {@code claims}, signed by nimbus's {@code signer}. The claims are written by {@link Json} rather than through
     * nimbus's JWTClaimsSet and Gson, which took longer than the rest of a request outside the signature itself.
     * Claim values: strings, numbers (times in epoch seconds), lists of strings.
     */
    static String sign(JWSSigner signer, JWSHeader header, String encodedHeader, Map<String, Object> claims)
            throws JOSEException {
        String signingInput = encodedHeader + '.' + Base64URL.encode(Json.write(claims));
        Base64URL signature = signer.sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + '.' + signature;
    }

    /** True when {@code exp} has passed at {@code now}, allowing {@code leeway} (exp is exclusive). */
    static boolean expired(Date exp, Instant now, Duration leeway) {
        return exp == null || !now.isBefore(exp.toInstant().plus(leeway));
    }

    /** True when {@code nbf} is present and still in the future at {@code now}, allowing {@code leeway}. */
    static boolean notYetValid(Date nbf, Instant now, Duration leeway) {
        return nbf != null && now.plus(leeway).isBefore(nbf.toInstant());
    }

    static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
