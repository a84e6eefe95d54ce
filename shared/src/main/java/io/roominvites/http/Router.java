package io.roominvites.http;

import io.roominvites.logging.Log;

import io.roominvites.json.Json;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.InviteException;
import io.roominvites.metrics.Metrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes a request to its operation and turns every outcome into the contract's shape: one error body,
 * a request id in every answer, CORS for configured origins, a body size limit. Shared by the Lambda
 * handlers and the local runner so that both behave the same.
 */
public final class Router {
    /** Bodies larger than this are refused with INVALID_REQUEST (a bulk create takes more: {@link Operation#maxBodyBytes}). */
    public static final int MAX_BODY_BYTES = Operation.DEFAULT_MAX_BODY_BYTES;

    /** One operation's logic. */
    @FunctionalInterface
    public interface Handler {
        HttpResponse handle(HttpRequest request, Map<String, String> pathParams);
    }

    private final Map<Operation, Handler> handlers;
    private final Cors cors;

    public Router(Map<Operation, Handler> handlers, Cors cors) {
        this.handlers = new EnumMap<>(handlers);
        this.cors = cors;
    }

    public Set<Operation> operations() {
        return handlers.keySet();
    }

    public HttpResponse handle(HttpRequest request) {
        long started = System.nanoTime();
        Operation matched = null;
        HttpResponse response;
        String outcome = "OK";
        try {
            String[] path = split(request.path());
            Map<String, String> params = new HashMap<>();
            boolean pathKnown = false;
            List<String> allow = new ArrayList<>();
            for (Map.Entry<Operation, Handler> e : handlers.entrySet()) {
                params.clear();
                if (matches(e.getKey(), path, params)) {
                    pathKnown = true;
                    allow.add(e.getKey().method());
                    if (e.getKey().method().equals(request.method())) {
                        matched = e.getKey();
                        break;
                    }
                }
            }
            if (matched == null) {
                if ("OPTIONS".equals(request.method()) && (pathKnown || cors.allowed(request) != null)) {
                    // a preflight from an allowed origin is answered even for a route this deployment lacks, so the
                    // page then reads the real answer (404 ROUTE_NOT_FOUND) instead of an opaque network failure
                    Map<String, String> headers = baseHeaders(request);
                    cors.addPreflight(headers, request);
                    response = new HttpResponse(204, headers, null);
                } else if (pathKnown) {
                    outcome = "METHOD_NOT_ALLOWED";
                    response = error(request, 405, "METHOD_NOT_ALLOWED", "This route does not answer " + request.method()
                            + ". Use " + String.join(" or ", allow) + ".", List.of(), Map.of());
                    response.headers().put("Allow", String.join(", ", allow) + ", OPTIONS"); // a 405 must name what is allowed
                } else {
                    outcome = "ROUTE_NOT_FOUND";
                    response = error(request, 404, "ROUTE_NOT_FOUND", "There is no such route. Check the URL against the API description.",
                            List.of(), Map.of());
                }
            } else if (request.body() != null && request.body().getBytes(StandardCharsets.UTF_8).length > matched.maxBodyBytes()) {
                outcome = ErrorCode.INVALID_REQUEST.name();
                response = error(request, ErrorCode.INVALID_REQUEST.status(), ErrorCode.INVALID_REQUEST.name(),
                        tooLarge(matched.maxBodyBytes()), List.of(), Map.of());
            } else {
                HttpResponse raw = handlers.get(matched).handle(request, params);
                Map<String, String> headers = baseHeaders(request);
                headers.putAll(raw.headers());
                response = new HttpResponse(raw.status(), headers, raw.body());
                if (raw.status() >= 400) {
                    outcome = "HTTP_" + raw.status();
                }
            }
        } catch (InviteException e) {
            outcome = e.code().name();
            response = error(request, e.code().status(), e.code().name(), e.getMessage(), e.fields(), e.details());
        } catch (RuntimeException | Error e) {
            outcome = ErrorCode.INTERNAL.name();
            Log.error("unhandled error", Map.of("requestId", request.requestId(),
                    "route", matched == null ? "?" : matched.routeKey()), e);
            response = error(request, 500, ErrorCode.INTERNAL.name(),
                    io.roominvites.i18n.Messages.text("en", "error.INTERNAL.requestId", request.requestId()),
                    List.of(), Map.of());
        }
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("requestId", request.requestId());
        access.put("route", matched == null ? request.method() + " ?" : matched.routeKey());
        access.put("status", response.status());
        double durationMs = (System.nanoTime() - started) / 1_000_000.0;
        access.put("durationMs", durationMs);
        Log.access(access);
        Metrics.request(matched == null ? null : matched.name(), outcome, response.status(), durationMs);
        return response;
    }

    /**
     * The largest body the route of this request takes: its operation's {@link Operation#maxBodyBytes}, or
     * {@link #MAX_BODY_BYTES} when none matches (then the answer is a 404 or 405 anyway). For a server that reads the
     * body itself (the local runner), so that it reads no more than that.
     */
    public int maxBodyBytes(String method, String path) {
        String[] p = split(path);
        Map<String, String> ignored = new HashMap<>();
        for (Operation op : handlers.keySet()) {
            if (op.method().equals(method) && matches(op, p, ignored)) {
                return op.maxBodyBytes();
            }
        }
        return MAX_BODY_BYTES;
    }

    /** What a body over {@code maxBytes} is told. */
    public static String tooLarge(int maxBytes) {
        return "The request body is too large (at most " + maxBytes / 1024 + " KB).";
    }

    private Map<String, String> baseHeaders(HttpRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Request-Id", request.requestId());
        headers.put("Cache-Control", "no-store");
        cors.addTo(headers, request);
        return headers;
    }

    private HttpResponse error(HttpRequest request, int status, String code, String message, List<FieldError> fields,
                               Map<String, Object> details) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        String language = io.roominvites.i18n.Messages.negotiate(request.header("accept-language"));
        String shown = localized(code, message, language, request.requestId());
        err.put("message", shown);
        err.put("requestId", request.requestId());
        if (!fields.isEmpty()) {
            List<Object> list = new ArrayList<>(fields.size());
            for (FieldError f : fields) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("field", f.field());
                m.put("problem", f.problem());
                list.add(m);
            }
            err.put("fields", list);
        }
        err.putAll(details);
        Map<String, String> headers = baseHeaders(request);
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("Content-Language", shown.equals(message) ? "en" : language);
        headers.merge("Vary", "Accept-Language", (was, more) -> was + ", " + more); // CORS may have said Origin
        if (status == 503 || status == 429) {
            Object wait = details.get("details") instanceof Map<?, ?> d ? d.get("retryAfterSeconds") : null;
            headers.put("Retry-After", wait instanceof Number n ? Long.toString(n.longValue()) : "2");
        }
        return new HttpResponse(status, headers, Json.write(Map.of("error", err)));
    }

    /**
     * The error's message in {@code language} (a catalog language) where the catalog has it: an error code's own
     * message ({@link ErrorCode#defaultMessage}) has a translation in each catalog; a message written for one case (with
     * the domain or the row in it) has none and stays English. The code never changes.
     */
    static String localized(String code, String message, String language, String requestId) {
        if (language.equals("en") || message == null) {
            return message;
        }
        if (ErrorCode.INTERNAL.name().equals(code)
                && message.equals(io.roominvites.i18n.Messages.text("en", "error.INTERNAL.requestId", requestId))) {
            return io.roominvites.i18n.Messages.text(language, "error.INTERNAL.requestId", requestId);
        }
        ErrorCode known;
        try {
            known = ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            return message;
        }
        if (!message.equals(known.defaultMessage())) {
            return message;
        }
        String t = io.roominvites.i18n.Messages.text(language, "error." + code);
        return t == null ? message : t;
    }

    static String[] split(String path) {
        String p = path == null ? "/" : path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p.substring(1).split("/", -1) : p.split("/", -1);
    }

    private static boolean matches(Operation op, String[] path, Map<String, String> params) {
        String[] template = op.segments();
        if (template.length != path.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{")) {
                String value = PathDecoder.decode(path[i]);
                if (value == null || value.isEmpty()) {
                    return false;
                }
                params.put(t.substring(1, t.length() - 1), value);
            } else if (!t.equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decoding of one path segment ('+' stays '+'); null when malformed. */
    static final class PathDecoder {
        private PathDecoder() {
        }

        static String decode(String segment) {
            if (segment.indexOf('%') < 0) {
                return segment;
            }
            try {
                return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
