package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No 500 for garbage: malformed bodies, paths, query strings and headers at every route answer a 4xx in the
 * contract's error shape (or succeed), never a 5xx.
 */
class MalformedInputTest extends ServiceTest {
    private static final String ROOM = "fuzz-room";
    private static final String SPARE_ROOM = "fuzz-spare";
    private String inviteId;
    private String spareInviteId;
    private String linkToken;
    private String ownerToken;
    private String adminToken;

    @Override
    protected void afterStart() {
        ownerToken = service.token(Service.OWNER);
        adminToken = service.adminToken();
        service.enableInvitations();
        service.room(ROOM, Duration.ofMinutes(-5), Duration.ofHours(3), true, List.of(), List.of(), List.of());
        service.room(SPARE_ROOM, Duration.ofDays(1));
        Service.Response created = service.invite(ROOM, "fuzz@example.org", "VIEWER");
        inviteId = Service.inviteId(created);
        linkToken = Service.linkToken(created);
        spareInviteId = Service.inviteId(service.invite(ROOM, "spare@example.org", "VIEWER"));
    }

    /** {method, path template, who}: who is admin, owner or none. */
    private static final String[][] ROUTES = {
            {"GET", "/admin/settings", "admin"},
            {"PUT", "/admin/settings", "admin"},
            {"PUT", "/admin/rooms/{spareRoom}", "admin"},
            {"DELETE", "/admin/rooms/fuzz-never-created", "admin"},
            {"PUT", "/admin/users/fuzzed%40example.com", "admin"},
            {"GET", "/rooms/{room}/invite-options", "owner"},
            {"GET", "/rooms/{room}/invitee-suggestions?q=a", "owner"},
            {"POST", "/rooms/{room}/invites", "owner"},
            {"GET", "/rooms/{room}/invites", "owner"},
            {"DELETE", "/rooms/{room}/invites/{spareInvite}", "owner"},
            {"POST", "/rooms/{room}/invites/{invite}/promote", "owner"},
            {"POST", "/rooms/{room}/invites/{invite}/resend", "owner"},
            {"POST", "/invites/preview", "none"},
            {"POST", "/invites/redeem", "none"},
    };

    private static final List<String> FIELDS = List.of("email", "firstName", "lastName", "role", "sendEmail",
            "inviteToMediaEnabled", "emailTemplateName", "blockedDomains", "linkTtlMinutes", "linkBaseUrl", "title",
            "description", "startsAt", "endsAt", "chatAndCollaborationEnabled", "owner", "coOwners", "coEditors",
            "coPublishers", "token", "deviceId");

    static Stream<Arguments> bodies() {
        List<Arguments> out = new ArrayList<>();
        List<Map.Entry<String, String>> bodies = malformedBodies();
        for (String[] route : ROUTES) {
            boolean readsBody = route[0].equals("POST") && !route[1].endsWith("/resend") || route[0].equals("PUT");
            int every = !readsBody ? 12 : route[1].startsWith("/invites/") ? 4 // the invitee routes are tested elsewhere
                    : route[1].endsWith("/promote") || route[1].startsWith("/admin/users") ? 2 : 1; // one-field bodies
            for (int i = 0; i < bodies.size(); i++) {
                if (i % every != 0) {
                    continue; // a sample
                }
                Map.Entry<String, String> body = bodies.get(i);
                out.add(Arguments.of(route[0] + " " + route[1] + " <- " + body.getKey(), route[0], route[1], route[2], body.getValue(), Map.of()));
            }
        }
        return out.stream();
    }

    private static List<Map.Entry<String, String>> malformedBodies() {
        Map<String, String> b = new LinkedHashMap<>();
        Random random = new Random(20261123);
        for (int i = 0; i < 3; i++) {
            byte[] bytes = new byte[1 + random.nextInt(300)];
            random.nextBytes(bytes);
            b.put("random bytes (latin-1) " + i, new String(bytes, StandardCharsets.ISO_8859_1));
            b.put("random bytes (utf-8) " + i, new String(bytes, StandardCharsets.UTF_8));
        }
        b.put("random bytes after a brace", "{" + new String(new byte[]{(byte) 0xff, 0, 1, (byte) 0x80}, StandardCharsets.ISO_8859_1) + "}");
        for (String s : List.of("", " ", "\n", "null", "true", "0", "-1", "1e999", "\"str\"", "[]", "[null]", "{}", "{\"a\":}",
                "{,}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":01}",
                "{'email':'a@example.org'}", "{\"a\":\"unterminated}", "\uFEFF{}", "{\"a\":1}{\"b\":2}", "{\"a\":1} trailing",
                "{\"email\":\"a@example.org\",\"email\":\"b@example.org\"}", "{\"\\u0000\":1}", "{\"a\":\"\\u0000\"}",
                "{\"a\":\"\\x41\"}", "{\"a\":\"\\ud800\"}", "\u0000\u0000\u0000", "{\"__proto__\":{\"admin\":true}}")) {
            b.put("literal " + s.replace("\n", "\\n"), s);
        }
        b.put("deep arrays", "[".repeat(5000) + "]".repeat(5000));
        b.put("deep objects", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000));
        b.put("deep field", "{\"email\":" + "[".repeat(4000) + "]".repeat(4000) + "}");
        b.put("unclosed deep", "[".repeat(15000));
        b.put("huge numbers", "{\"linkTtlMinutes\": 1e308, \"role\": 123456789012345678901234567890, \"sendEmail\": 1e999,"
                + " \"email\": -0.0, \"inviteToMediaEnabled\": 99999999999999999999999999999999999999}");
        b.put("huge ttl", "{\"inviteToMediaEnabled\":true,\"linkBaseUrl\":\"https://x.example\",\"linkTtlMinutes\":18446744073709551621}");
        b.put("negative zero ttl", "{\"inviteToMediaEnabled\":true,\"linkBaseUrl\":\"https://x.example\",\"linkTtlMinutes\":-0.0}");
        b.put("long string", "{\"email\":\"" + "a".repeat(15000) + "\"}");
        for (Object wrong : new Object[]{null, true, 1, -1.5, List.of(), Map.of(), "x", List.of(List.of()), Map.of("$ne", 1)}) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String f : FIELDS) {
                m.put(f, wrong);
            }
            b.put("every field " + wrong, io.roominvites.json.Json.write(m));
        }
        b.put("unicode", "{\"email\":\"ü@ü.ü\",\"firstName\":\"\uD83D\uDE00\",\"lastName\":\"\u202Eevil\",\"role\":\"VİEWER\","
                + "\"sendEmail\":false,\"token\":\"ü\",\"deviceId\":\"ü-ü-ü-ü-ü\",\"title\":\"\u0000\"}");
        b.put("lone surrogates in valid invite", "{\"email\":\"lone@example.org\",\"firstName\":\"\\ud800\",\"lastName\":\"\\udfff\","
                + "\"role\":\"VIEWER\",\"sendEmail\":false}");
        b.put("lone surrogate email", "{\"email\":\"a\\ud800@example.org\",\"firstName\":\"A\",\"lastName\":\"B\",\"role\":\"VIEWER\"}");
        b.put("rtl and zero width names", "{\"email\":\"zw@example.org\",\"firstName\":\"\u200B\",\"lastName\":\"\u202E\u200F\","
                + "\"role\":\"SPEAKER\",\"sendEmail\":false}");
        b.put("valid settings with odd domains", "{\"inviteToMediaEnabled\":true,\"linkBaseUrl\":\"https://events.example.com/join\","
                + "\"blockedDomains\":[\"ü.example\",\"xn--bcher-kva.example\",\"\\u0000.example\",\"a..b\"]}");
        b.put("room with odd times", "{\"title\":\"t\",\"startsAt\":\"+999999999-12-31T23:59:59Z\",\"endsAt\":\"+1000000000-01-01T00:00:00Z\","
                + "\"chatAndCollaborationEnabled\":true,\"owner\":\"owner@example.com\"}");
        b.put("room at the epoch", "{\"title\":\"t\",\"startsAt\":\"-999999999-01-01T00:00:00Z\",\"endsAt\":\"1970-01-01T00:00:00Z\","
                + "\"chatAndCollaborationEnabled\":true,\"owner\":\"owner@example.com\"}");
        b.put("token garbage", "{\"token\":\"a.b.c\",\"deviceId\":\"device-fuzz-1\",\"email\":\"a@example.org\"}");
        b.put("token alg none", "{\"token\":\"eyJhbGciOiJub25lIn0.eyJpbnYiOiJmdXp6LXJvb206eCJ9.\",\"deviceId\":\"device-fuzz-1\"}");
        b.put("role with spaces", "{\"role\":\" speaker \"}");
        return new ArrayList<>(b.entrySet());
    }

    static Stream<Arguments> paths() {
        List<String> garbage = List.of("%00", "%", "%2F", "%2E%2E", "a b", "%ED%A0%80", "x".repeat(5000), "ROOM%23x",
                "%C0%AF", "\u0000", "a%0D%0AInjected: 1");
        List<Arguments> out = new ArrayList<>();
        for (String g : garbage) {
            for (String[] route : ROUTES) {
                if (!route[1].startsWith("/rooms") || route[1].contains("suggestions") || route[1].endsWith("resend")
                        || route[1].endsWith("options")) {
                    continue; // the manager routes with a room (and an invite) in the path
                }
                if (route[1].contains("{room}")) {
                    out.add(Arguments.of(route[0] + " room=" + label(g), route[0], route[1].replace("{room}", g), route[2], bodyFor(route[1]), Map.of()));
                }
                if (route[1].contains("{invite}") || route[1].contains("{spareInvite}")) {
                    String p = route[1].replace("{invite}", g).replace("{spareInvite}", g);
                    out.add(Arguments.of(route[0] + " invite=" + label(g), route[0], p, route[2], bodyFor(route[1]), Map.of()));
                }
            }
            out.add(Arguments.of("PUT user=" + label(g), "PUT", "/admin/users/" + g, "admin", "{\"firstName\":\"A\",\"lastName\":\"B\"}", Map.of()));
            out.add(Arguments.of("DELETE room=" + label(g), "DELETE", "/admin/rooms/" + g, "admin", null, Map.of()));
            out.add(Arguments.of("GET path " + label(g), "GET", "/" + g, "owner", null, Map.of()));
        }
        for (String p : List.of("", "//", "/rooms/{room}/invites/", "///rooms///", "/rooms/{room}/invites/{invite}/promote/",
                "rooms/{room}/invites", "/rooms/{room}/invites/{invite}/../../invites", "/admin/users/", "/admin/users/%40")) {
            out.add(Arguments.of("GET " + p, "GET", p, "owner", null, Map.of()));
            out.add(Arguments.of("POST " + p, "POST", p, "owner", "{}", Map.of()));
        }
        return out.stream();
    }

    static Stream<Arguments> queriesAndHeaders() {
        List<Arguments> out = new ArrayList<>();
        String invites = "/rooms/{room}/invites";
        for (String q : List.of("limit=" + enc("\u0000"), "limit=" + enc("１２"), "limit=2147483648", "limit=-2147483649", "limit=0x10",
                "status=" + enc("ü"), "status=" + enc("\u0000"), "status=" + enc("PENDİNG"), "cursor=" + enc("\u0000"),
                "cursor=" + enc("ü".repeat(1000)), "cursor=" + enc("%%%"), "cursor=AAAA", "cursor=" + enc("QUxMCg"),
                "cursor=" + enc(java.util.Base64.getUrlEncoder().encodeToString("ALL\nROOM#fuzz-room\nINVITE#\n\n".getBytes())),
                "cursor=" + enc(java.util.Base64.getUrlEncoder().encodeToString("ALL\nROOM#fuzz-room\nINVITE#\u0000\n\n".getBytes(StandardCharsets.UTF_8))),
                "cursor=" + enc(java.util.Base64.getUrlEncoder().encodeToString(("ALL\nROOM#fuzz-room\nINVITE#" + "z".repeat(1200) + "\n\n").getBytes())),
                "status=&limit=&cursor=", "limit=1&limit=2")) {
            out.add(Arguments.of("list ?" + label(q), "GET", invites + "?" + q, "owner", null, Map.of()));
        }
        for (String q : List.of("q=" + enc("\u0000"), "q=" + enc("\uD800"), "q=" + enc("\uDFFF\uD800"), "q=" + enc("%"), "q=" + enc("#"),
                "q=" + enc("ü".repeat(254)), "q=" + enc("\uD83D\uDE00"), "q=" + enc("a".repeat(255)), "q=" + enc(" \t "), "q=" + enc("\u202E"),
                "q=" + enc("DIR#a"))) {
            out.add(Arguments.of("suggest ?" + label(q), "GET", "/rooms/{room}/invitee-suggestions?" + q, "owner", null, Map.of()));
        }
        List<String> auths = List.of("", " ", "Bearer", "Bearer ", "Bearer  ", "bearer x", "Bearer a.b", "Bearer a.b.c.d.e",
                "Bearer ..", "Bearer " + "A".repeat(20000), "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "Bearer ü.ü.ü", "Basic Zm9vOmJhcg==", "Bearer \u0000",
                "Bearer {owner}x", "Bearer {owner} {owner}", "Digest x");
        for (String a : auths) {
            out.add(Arguments.of("auth '" + label(a) + "' create", "POST", invites, "raw", body("POST /rooms/{room}/invites"), Map.of("Authorization", a)));
            out.add(Arguments.of("auth '" + label(a) + "' settings", "PUT", "/admin/settings", "raw", "{}", Map.of("Authorization", a)));
            out.add(Arguments.of("auth '" + label(a) + "' redeem", "POST", "/invites/redeem", "raw", "{\"token\":\"{link}\",\"deviceId\":\"device-fuzz-2\"}",
                    Map.of("Authorization", a)));
        }
        for (String key : List.of("", " ", "\u0000", "ü", "k".repeat(129), "a\r\nb", "\uD800", "{owner}")) {
            out.add(Arguments.of("idempotency '" + label(key) + "'", "POST", invites, "owner", body("POST /rooms/{room}/invites"),
                    Map.of("Idempotency-Key", key)));
        }
        for (String origin : List.of("", "null", "*", "https://app.example.com\r\nX: y", "ü", "x".repeat(9000))) {
            out.add(Arguments.of("origin '" + label(origin) + "'", "GET", invites, "owner", null, Map.of("Origin", origin)));
            out.add(Arguments.of("preflight origin '" + label(origin) + "'", "OPTIONS", invites, "none", null, Map.of("Origin", origin)));
        }
        for (String method : List.of("", "get", "TRACE", "CONNECT", "POST ", "\u0000", "X".repeat(1000))) {
            out.add(Arguments.of("method '" + label(method) + "'", method, invites, "owner", null, Map.of()));
        }
        return out.stream();
    }

    private static String bodyFor(String template) {
        return body(template.startsWith("/rooms") && template.endsWith("/invites") ? "POST /rooms/{room}/invites" : template);
    }

    private static String body(String route) {
        if (route.endsWith("/promote")) {
            return "{\"role\":\"SPEAKER\"}";
        }
        if (route.equals("POST /rooms/{room}/invites")) {
            return "{\"email\":\"fz@example.org\",\"firstName\":\"F\",\"lastName\":\"Z\",\"role\":\"VIEWER\",\"sendEmail\":false}";
        }
        return null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String label(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + ")" : s;
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    private String fill(String s) {
        if (s == null) {
            return null;
        }
        return s.replace("{room}", ROOM).replace("{spareRoom}", SPARE_ROOM).replace("{invite}", inviteId)
                .replace("{spareInvite}", spareInviteId).replace("{link}", linkToken)
                .replace("{owner}", ownerToken);
    }

    private void check(String method, String path, String who, String body, Map<String, String> headers) {
        String bearer = switch (who) {
            case "admin" -> adminToken;
            case "owner" -> ownerToken;
            default -> null;
        };
        Map<String, String> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.put(k, fill(v)));
        Service.Response r;
        try {
            r = service.call(method, fill(path), bearer, fill(body), h);
        } catch (RuntimeException harness) {
            throw new AssertionError("the router threw instead of answering", harness);
        }
        assertTrue(r.status() < 500, () -> "HTTP " + r.status() + ": " + r.body());
        assertTrue(r.status() >= 200, () -> "HTTP " + r.status());
        String requestId = r.header("X-Request-Id");
        assertNotNull(requestId, "X-Request-Id");
        if (r.status() >= 400) {
            Map<String, Object> err = r.obj("error");
            assertNotNull(err, () -> "no error object: " + r.body());
            assertTrue(err.get("code") instanceof String c && c.matches("[A-Z_]+"), r::toString);
            assertTrue(err.get("message") instanceof String m && !m.isBlank(), r::toString);
            assertEquals(requestId, err.get("requestId"));
            assertTrue(r.header("Content-Type").startsWith("application/json"));
            Manage.assertNoLeak(r);
        } else if (r.body() != null) {
            r.json(); // parses
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void malformedBodies(String name, String method, String path, String who, String body, Map<String, String> headers) {
        check(method, path, who, body, headers);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void malformedPaths(String name, String method, String path, String who, String body, Map<String, String> headers) {
        check(method, path, who, body, headers);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queriesAndHeaders")
    void malformedQueriesAndHeaders(String name, String method, String path, String who, String body, Map<String, String> headers) {
        check(method, path, who, body, headers);
    }
}
