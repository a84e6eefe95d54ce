package io.roominvites.http;

import java.util.Map;
import java.util.Set;

/** CORS for the configured front-end origins only. */
public final class Cors {
    static final String ALLOW_HEADERS = "authorization, content-type, idempotency-key, x-request-id";
    static final String ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    private final Set<String> origins;

    public Cors(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** The origin to echo back, or null when the request's origin is not allowed. */
    String allowed(HttpRequest request) {
        String origin = request.header("origin");
        if (origin == null) {
            return null;
        }
        return origins.contains(origin) || origins.contains("*") ? origin : null;
    }

    void addTo(Map<String, String> headers, HttpRequest request) {
        String origin = allowed(request);
        if (origin != null) {
            headers.put("Access-Control-Allow-Origin", origin);
            headers.put("Access-Control-Expose-Headers", "x-request-id, retry-after, idempotent-replayed, link, content-disposition");
            headers.put("Vary", "Origin");
        }
    }

    void addPreflight(Map<String, String> headers, HttpRequest request) {
        if (allowed(request) != null) {
            headers.put("Access-Control-Allow-Methods", ALLOW_METHODS);
            headers.put("Access-Control-Allow-Headers", ALLOW_HEADERS);
            headers.put("Access-Control-Max-Age", "600");
        }
    }
}
