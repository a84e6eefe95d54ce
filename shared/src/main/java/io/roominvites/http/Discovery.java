package io.roominvites.http;

import io.roominvites.json.Json;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenID Connect discovery (OpenID Connect Discovery 1.0, section 4) for the access tokens this service signs:
 * served at {@code {issuer}/.well-known/openid-configuration}, so that an API Gateway JWT authorizer or any OIDC
 * library finds the verification keys from the issuer URL alone. {@code issuer} is exactly the {@code iss} of the
 * access tokens; {@code jwks_uri} is the JWKS route under the same base URL.
 */
public final class Discovery {
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    /** Plain http is accepted only for these hosts (the local runner, {@code sam local}); everything else is https. */
    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "host.docker.internal");

    private Discovery() {
    }

    /**
     * Why {@code issuer} can't be an OpenID issuer, or null when it can: an https URL (http only for a loopback
     * host) with no query, fragment, user info or trailing slash, so that {@code issuer + "/.well-known/..."}
     * is where the document is served.
     */
    public static String problem(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            return "is empty";
        }
        URI u;
        try {
            u = URI.create(issuer);
        } catch (IllegalArgumentException e) {
            return "is not a URL";
        }
        String scheme = u.getScheme();
        if (u.getHost() == null || !("https".equals(scheme) || "http".equals(scheme) && LOCAL_HOSTS.contains(u.getHost()))) {
            return "must be an https URL (http only for 127.0.0.1, localhost or host.docker.internal)";
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            return "must have no query, fragment or user info";
        }
        if (issuer.endsWith("/")) {
            return "must not end with '/'";
        }
        return null;
    }

    /** The discovery document of {@code issuer}, as JSON. */
    public static String document(String issuer) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + JWKS_PATH);
        // no authorization or token endpoint: tokens come from POST /invites/redeem, not from an OAuth flow
        doc.put("response_types_supported", List.of("none"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("ES256"));
        doc.put("claims_supported", List.of("iss", "aud", "sub", "exp", "iat", "jti", "room_id", "role", "permissions",
                "invite_id", "device_id"));
        return Json.write(doc);
    }
}
