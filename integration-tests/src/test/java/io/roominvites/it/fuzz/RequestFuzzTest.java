package io.roominvites.it.fuzz;

import io.roominvites.http.Operation;
import io.roominvites.it.support.Service;
import io.roominvites.json.Json;
import io.roominvites.testing.EmulatorBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, item 4: 10,000 generated requests per run over every route (wrong types, nesting, Unicode edges, huge
 * values, missing and duplicated fields, bad escapes in bodies and paths), as the room's owner, an administrator,
 * a stranger or nobody. Never a 5xx; every refusal in the error shape; and a refused request changes no stored
 * record (the seeded room's invites and the site settings, read back through the API, are as before).
 */
class RequestFuzzTest {
    static final String ROOM = "fuzz-room";
    static Service service;
    static String inviteId;
    static String token;
    static final AtomicInteger requests = new AtomicInteger();
    static final AtomicInteger refused = new AtomicInteger();
    static String snapshot;
    /** Counts the DynamoDB writes that succeeded (afterExecution runs only for a call that succeeded). */
    static final AtomicInteger writes = new AtomicInteger();
    static final software.amazon.awssdk.core.interceptor.ExecutionInterceptor WRITES =
            new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                @Override
                public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                           software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                    String op = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
                    if (op.startsWith("Put") || op.startsWith("Update") || op.startsWith("Delete") || op.startsWith("Transact")
                            || op.startsWith("BatchWrite")) {
                        writes.incrementAndGet();
                    }
                }
            };

    @BeforeContainer
    static void start() {
        service = new Service(EmulatorBackend.shared(), io.roominvites.email.EmailGateway.NONE, o -> o.interceptors.add(WRITES));
        service.enableInvitations();
        service.room(ROOM, Duration.ofMinutes(-5));
        Service.Response created = service.invite(ROOM, "fuzzed@example.org", "VIEWER");
        inviteId = Service.inviteId(created);
        token = Service.linkToken(created);
        snapshot = snapshot();
    }

    @AfterContainer
    static void stop() throws Exception {
        System.out.printf("Request fuzzing: %d generated requests, %d refused, none answered 5xx%n", requests.get(), refused.get());
        assertTrue(requests.get() >= 10_000, "fewer than 10,000 requests were fuzzed: " + requests.get());
        service.close();
    }

    /** What the stored records look like through the API: the room's invites and the settings. */
    static String snapshot() {
        // status and body: an accepted request may legitimately change the room (its owner, say) so that the listing
        // is refused from then on; what matters is that a refusal changes nothing
        return stable(service.call("GET", "/rooms/" + ROOM + "/invites?limit=100", service.token(Service.OWNER), null))
                + stable(service.call("GET", "/admin/settings", service.adminToken(), null));
    }

    /** The body of a success; the status and code of a refusal (whose request id differs every time). */
    private static String stable(Service.Response r) {
        return r.status() == 200 ? r.body() : r.status() + " " + r.code();
    }

    record Request(String method, String path, String bearer, String body, Map<String, String> headers) {
    }

    /**
     * Refusals that write by design: the lobby counts a wrong email (EMAIL_MISMATCH, then INVITE_LOCKED), which is the
     * contract's rule, not a half-written request.
     */
    static final java.util.Set<String> COUNTED_REFUSALS = java.util.Set.of("EMAIL_MISMATCH", "INVITE_LOCKED");

    @Property(tries = 10_000)
    void neverA5xxAlwaysTheErrorShapeAndARefusalChangesNothing(@ForAll("requests") Request r) {
        int writesBefore = writes.get();
        Service.Response answer = service.call(r.method(), r.path(), r.bearer(), r.body(), r.headers());
        int n = requests.incrementAndGet();
        assertTrue(answer.status() < 500, () -> "5xx for " + r + ": " + answer);
        assertTrue(answer.header("X-Request-Id") != null, "no request id: " + answer);
        if (answer.status() >= 400) {
            refused.incrementAndGet();
            Map<String, Object> json = answer.json();
            assertEquals(List.of("error"), List.copyOf(json.keySet()), () -> "not the error shape: " + answer);
            Map<String, Object> err = answer.obj("error");
            assertInstanceOf(String.class, err.get("code"), answer::toString);
            assertInstanceOf(String.class, err.get("message"), answer::toString);
            assertFalse(((String) err.get("message")).isBlank(), answer::toString);
            assertInstanceOf(String.class, err.get("requestId"), answer::toString);
            if (!COUNTED_REFUSALS.contains(answer.code())) {
                assertEquals(writesBefore, writes.get(), () -> "a refused request wrote to DynamoDB: " + r + " -> " + answer);
                if (n % 50 == 0) {
                    // and, read back through the API now and then (each read costs two DynamoDB calls), nothing changed
                    String after = snapshot();
                    assertEquals(snapshot, after, () -> "stored records changed while only refusals ran, last " + r);
                }
            } else {
                snapshot = snapshot();
            }
        } else {
            snapshot = snapshot(); // an accepted request may change things; the next refusal is compared with this
        }
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<Operation> ops = Arbitraries.of(Operation.values()).filter(o -> !o.localOnly());
        Arbitrary<String> methods = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
        Arbitrary<String> bearer = Arbitraries.of("owner", "admin", "stranger", "none", "garbage");
        return Combinators.combine(ops, methods.injectNull(0.8), bearer, segment(), segment(), body(), headers())
                .as((op, otherMethod, who, a, b, body, headers) -> {
                    String method = otherMethod == null ? op.method() : otherMethod;
                    // deleting the seeded room is an administrator's right: aim any DELETE of a room at one nobody uses
                    String room = a != null ? a : method.equals("DELETE") && op.pathTemplate().startsWith("/admin/rooms/")
                            ? "fuzz-other-room" : ROOM;
                    String path = op.pathTemplate().replace("{roomId}", room)
                            .replace("{inviteId}", b == null ? inviteId : b)
                            .replace("{email}", a == null ? "someone%40example.org" : a);
                    String token = switch (who) {
                        case "owner" -> service.token(Service.OWNER);
                        case "admin" -> service.adminToken();
                        case "stranger" -> service.token("stranger@example.org");
                        case "garbage" -> "eyJhbGciOiJub25lIn0.e30.";
                        default -> null;
                    };
                    return new Request(method, path, token, body, headers);
                });
    }

    /** A path segment: the seeded one (null), junk, Unicode, bad %-escapes, huge. */
    static Arbitrary<String> segment() {
        return Arbitraries.oneOf(
                Arbitraries.just((String) null),
                Arbitraries.just((String) null),
                Arbitraries.of("%ZZ", "%", "%2", "%00", "bad%21id", "..", "%2F", "a%2Fb", "%E2%80%AE", "%F0%9F%98%80",
                        "%C0%AF", "%ED%A0%80", "+", "~snapstart", "00000000000000000000000000"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(80).map(RequestFuzzTest::pathSafe),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(300));
    }

    private static String pathSafe(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c == '/' || c == '?' || c == '#' ? '_' : c);
        }
        return out.toString();
    }

    /** A body: none, raw junk, broken JSON, or a JSON object mixing the contract's field names with junk values. */
    static Arbitrary<String> body() {
        Arbitrary<String> raw = Arbitraries.oneOf(
                Arbitraries.of("", " ", "null", "[]", "{", "}", "\"x\"", "{\"token\":\"\\u12\"}", "{\"a\":\"\\x41\"}",
                        "{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}", "{\"role\":\"VIEWER\",\"role\":1}", "{\"a\":1}{\"b\":2}",
                        "{\"firstName\":\"\\ud800\"}", "{\"firstName\":\"Ada\\u202egnp.exe\",\"lastName\":\"x\"}", "\u0000",
                        "{\"n\":1e999999}", "{\"n\":-0}", "{\"n\":123456789012345678901234567890}", "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]"),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withCharRange('[', '[').ofLength(5000),
                Arbitraries.strings().ofLength(17_000));
        Arbitrary<String> fields = Arbitraries.of("email", "firstName", "lastName", "role", "sendEmail", "token", "deviceId",
                "title", "description", "startsAt", "endsAt", "chatAndCollaborationEnabled", "owner", "coOwners", "coEditors",
                "coPublishers", "inviteToMediaEnabled", "emailTemplateName", "blockedDomains", "linkTtlMinutes",
                "linkBaseUrl", "x", "__proto__", "");
        Arbitrary<String> objects = Combinators.combine(fields.list().ofMaxSize(8), value(3).list().ofMaxSize(8))
                .as((names, values) -> {
                    StringBuilder sb = new StringBuilder("{");
                    for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append(Json.write(Map.of("k", names.get(i))), 5, Json.write(Map.of("k", names.get(i))).length() - 1)
                                .append(':').append(values.get(i));
                    }
                    return sb.append('}').toString();
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null)),
                net.jqwik.api.Tuple.of(3, raw),
                net.jqwik.api.Tuple.of(6, objects));
    }

    /** A JSON value (as text) of up to {@code depth} levels of nesting. */
    static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5", "1e308", "-1e308", "9223372036854775808",
                        "\"\"", "\" \"", "\"VIEWER\"", "\"MODERATOR\"", "\"ada@example.org\"", "\"2030-01-01T10:00:00Z\"",
                        "\"+10000-01-01T00:00:00Z\"", "\"https://events.example.com/join\"", "\"\\u202e\"", "\"\\u0000\"",
                        "\"\\ud83d\\ude00\"", "\"\\udc00\"", "\"e\\u0301\"", "\"\\ufeff\"", "\"a\\nb\""),
                Arbitraries.strings().ofMaxLength(40).map(s -> Json.write(Map.of("k", s)).substring(5, Json.write(Map.of("k", s)).length() - 1)),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(100).ofMaxLength(6000).map(s -> "\"" + s + "\""),
                Arbitraries.longs().map(String::valueOf));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> list = value(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = value(depth - 1).list().ofMaxSize(3).map(l -> {
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                pairs.add("\"k" + i + "\":" + l.get(i));
            }
            return "{" + String.join(",", pairs) + "}";
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalars), net.jqwik.api.Tuple.of(1, list),
                net.jqwik.api.Tuple.of(1, object));
    }

    static Arbitrary<Map<String, String>> headers() {
        return Arbitraries.of(
                Map.of(),
                Map.of("Idempotency-Key", "key-1"),
                Map.of("Idempotency-Key", "\u202e"),
                Map.of("Idempotency-Key", "x".repeat(200)),
                Map.of("Origin", "https://evil.example"),
                Map.of("Content-Type", "text/plain"));
    }
}
