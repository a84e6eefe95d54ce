package io.roominvites.logging;

import io.roominvites.logging.Log;
import io.roominvites.json.Json;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonSlf4jProviderTest {

    @Test
    void slf4jIsBoundToTheJsonLogAndTheSdksWarningsReachIt() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            var logger = LoggerFactory.getLogger("software.amazon.awssdk.http.apache.internal.Example");
            logger.info("chatty {}", "detail");
            logger.warn("Connection pool is {} full", 95);
            logger.error("It broke", new IllegalStateException("boom"));
        } finally {
            Log.redirect(System.out);
            System.setErr(stderr);
        }
        assertInstanceOf(JsonSlf4jProvider.JsonLogger.class, LoggerFactory.getLogger("any"));
        assertTrue(err.toString(StandardCharsets.UTF_8).lines().noneMatch(l -> l.startsWith("SLF4J")),
                "SLF4J printed plain text: " + err);
        List<Map<String, Object>> lines = out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return Json.parseObject(l);
            } catch (java.text.ParseException e) {
                throw new AssertionError("not a JSON line: " + l);
            }
        }).toList();
        assertEquals(2, lines.size(), "WARN and ERROR only: " + lines);
        assertEquals("WARN", lines.get(0).get("level"));
        assertEquals("Connection pool is 95 full", lines.get(0).get("message"));
        assertEquals("software.amazon.awssdk.http.apache.internal.Example", lines.get(0).get("logger"));
        assertEquals("ERROR", lines.get(1).get("level"));
        assertEquals(IllegalStateException.class.getName(), lines.get(1).get("errorType"));
    }
}
