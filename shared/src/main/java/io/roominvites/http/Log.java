package io.roominvites.http;

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
