package io.roominvites.logging;

import io.roominvites.json.Json;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON line per event on stdout (Lambda's JSON log format picks it up). Callers pass no token and
 * no unmasked email: the access log names the route template, never the raw path.
 */
public final class Log {
    private static volatile PrintStream out = System.out;
    /** Set on a thread that runs requests which are not traffic (SnapStart priming): no access lines from it. */
    private static final ThreadLocal<Boolean> NOT_TRAFFIC = new ThreadLocal<>();

    private Log() {
    }

    public static void info(String message, Map<String, Object> fields) {
        write("INFO", message, fields, null);
    }

    public static void warn(String message, Map<String, Object> fields) {
        write("WARN", message, fields, null);
    }

    public static void error(String message, Map<String, Object> fields, Throwable t) {
        write("ERROR", message, fields, t);
    }

    /**
     * Runs {@code work} with the router's access lines left out on this thread: its requests are not traffic (SnapStart
     * priming), and a log-based request or 4xx metric must not count them. Warnings and errors are still written.
     */
    public static <T> T withoutAccessLines(java.util.function.Supplier<T> work) {
        Boolean before = NOT_TRAFFIC.get();
        NOT_TRAFFIC.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            NOT_TRAFFIC.set(before);
        }
    }

    /** The router's one line per request, unless this thread's requests are not traffic. */
    public static void access(Map<String, Object> fields) {
        if (NOT_TRAFFIC.get() == null) {
            write("INFO", "request", fields, null);
        }
    }

    /** For tests that look at what was logged. */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    private static void write(String level, String message, Map<String, Object> fields, Throwable t) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        line.putAll(fields);
        if (t != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            line.put("errorType", t.getClass().getName());
            line.put("stackTrace", trace.toString());
        }
        out.println(Json.write(line));
    }
}
