package io.roominvites.metrics;

import io.roominvites.json.Json;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch metrics in Embedded Metric Format: one JSON line on stdout per event, which CloudWatch Logs turns into
 * metrics in the function's namespace (no API call, no extra permission, nothing on the request's critical path
 * but one {@code println}). Hand-written rather than Powertools' metrics module: docs/observability.md has the
 * measurements behind that choice.
 *
 * <p>Metrics (namespace {@code METRICS_NAMESPACE}, dimension {@code Service=room-invites} on all):
 * <ul>
 *   <li>{@code Requests} by {@code Operation} and {@code Outcome} (OK or the error code), and by {@code Operation};
 *   <li>{@code ServerErrors} (answers with a 5xx status) and {@code Latency} (ms, in the router) by {@code Operation};
 *   <li>{@code EmailSent} and {@code EmailFailed} (SES sends);
 *   <li>{@code LobbyLocks} (an invite locked after too many wrong emails).
 * </ul>
 * Off until {@link #enable} (the Lambda functions enable it at init; tests and the local runner leave it off).
 */
public final class Metrics {
    public static final String SERVICE = "room-invites";
    public static final String DEFAULT_NAMESPACE = "RoomInvites";

    private static volatile String namespace;
    private static volatile PrintStream out = System.out;
    private static volatile Clock clock = Clock.systemUTC();
    private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

    private Metrics() {
    }

    /** Starts writing metrics under {@code ns} (a CloudWatch namespace). */
    public static void enable(String ns) {
        namespace = ns;
    }

    public static void disable() {
        namespace = null;
    }

    /** For tests that read what was written, at a fixed time. */
    public static void redirect(PrintStream stream, Clock at) {
        out = stream;
        clock = at;
    }

    /**
     * Runs {@code work} on this thread with every metric formatted but not written: SnapStart priming sends requests
     * through the router before the snapshot, and they are not traffic.
     */
    public static void muted(Runnable work) {
        boolean before = MUTED.get();
        MUTED.set(true);
        try {
            work.run();
        } finally {
            MUTED.set(before);
        }
    }

    /** One answered request: its operation (null when no route matched), outcome, status and latency. */
    public static void request(String operation, String outcome, int status, double latencyMs) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Operation", operation == null ? "NONE" : operation);
        values.put("Outcome", outcome);
        values.put("Requests", 1);
        values.put("ServerErrors", status >= 500 ? 1 : 0);
        values.put("Latency", Math.round(latencyMs * 1000) / 1000.0);
        emit(values,
                directive(List.of(List.of("Service", "Operation", "Outcome")), metric("Requests", "Count")),
                directive(List.of(List.of("Service"), List.of("Service", "Operation")),
                        metric("Requests", "Count"), metric("ServerErrors", "Count"), metric("Latency", "Milliseconds")));
    }

    /** An invitation email SES accepted. */
    public static void emailSent() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("EmailSent", 1);
        emit(values, directive(List.of(List.of("Service")), metric("EmailSent", "Count")));
    }

    /** An invitation email that could not be sent, and why (a property for log queries, not a dimension). */
    public static void emailFailed(String reason) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("EmailFailed", 1);
        values.put("failure", reason);
        emit(values, directive(List.of(List.of("Service")), metric("EmailFailed", "Count")));
    }

    /** An invite locked by the lobby's wrong-email limit. */
    public static void lobbyLocked() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("LobbyLocks", 1);
        emit(values, directive(List.of(List.of("Service")), metric("LobbyLocks", "Count")));
    }

    // ------------------------------------------------------------------ EMF

    @SafeVarargs
    private static void emit(Map<String, Object> values, Map<String, Object>... directives) {
        String ns = namespace;
        if (ns == null) {
            return;
        }
        List<Object> list = new ArrayList<>(directives.length);
        for (Map<String, Object> d : directives) {
            Map<String, Object> withNs = new LinkedHashMap<>();
            withNs.put("Namespace", ns);
            withNs.putAll(d);
            list.add(withNs);
        }
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.millis());
        aws.put("CloudWatchMetrics", list);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", aws);
        line.put("Service", SERVICE);
        line.putAll(values);
        String json = Json.write(line);
        if (!MUTED.get()) {
            out.println(json);
        }
    }

    private static Map<String, Object> directive(List<List<String>> dimensions, Map<?, ?>... metrics) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("Dimensions", dimensions);
        d.put("Metrics", List.of(metrics));
        return d;
    }

    private static Map<String, Object> metric(String name, String unit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", name);
        m.put("Unit", unit);
        return m;
    }
}
