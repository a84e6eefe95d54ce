package io.roominvites.service;

import io.roominvites.json.Json;

import java.text.ParseException;
import java.util.Map;

/** The body of an erasure queue's message, which every queue adapter and consumer shares: {@code {"erasureId": "…"}}. */
public final class ErasureJobs {
    private ErasureJobs() {
    }

    public static String message(String erasureId) {
        return Json.write(Map.of("erasureId", erasureId));
    }

    /** The erasure a message names; a malformed message fails (it goes to the dead-letter queue after its retries). */
    public static String erasureId(String body) {
        try {
            if (Json.parseObject(body).get("erasureId") instanceof String id && !id.isBlank()) {
                return id;
            }
        } catch (ParseException | RuntimeException e) {
            // the same answer below
        }
        throw new IllegalArgumentException("not an erasure queue message");
    }
}
