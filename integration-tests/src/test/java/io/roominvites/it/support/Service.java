package io.roominvites.it.support;

import io.roominvites.email.EmailGateway;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.local.DevClock;
import io.roominvites.local.LocalServices;
import io.roominvites.testing.Backend;
import io.roominvites.testing.Backends;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole service in-process against a real backend (DynamoDB Local, or LocalStack), driven through the
 * same router the Lambda handlers and the local runner use. Each instance has its own table.
 */
public final class Service implements AutoCloseable {
    public static final String ADMIN = "admin@example.com";
    public static final String OWNER = "owner@example.com";

    private static final AtomicInteger ROOMS = new AtomicInteger();

    private final LocalServices services;
    private final CallCounter counter = new CallCounter();
    private final CapacityMeter capacity = new CapacityMeter();

    public Service(Backend backend) {
        this(backend, EmailGateway.NONE);
    }

    public Service(Backend backend, EmailGateway email) {
        this(backend, email, o -> { });
    }

    /** With {@code interceptors} on the service's DynamoDB client too (after the call counter): to inject faults. */
    public Service(Backend backend, EmailGateway email,
                   List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        this(backend, email, o -> o.interceptors.addAll(interceptors));
    }

    /** With {@code lifecycleEvents}, the stream consumer runs on the table's stream (LocalServices.events()). */
    public Service(Backend backend, EmailGateway email, boolean lifecycleEvents) {
        this(backend, email, o -> {
            o.lifecycleEvents = lifecycleEvents;
            o.streamPollInterval = Duration.ofMillis(50);
        });
    }

    /** As {@link #Service(Backend, EmailGateway)}, with further options set by {@code customize}. */
    public Service(Backend backend, EmailGateway email, java.util.function.Consumer<LocalServices.Options> customize) {
        java.net.URI endpoint = backend.dynamoDbEndpoint(); // a backend that can't run here aborts (SKIPPED) right here
        try {
            LocalServices.Options o = new LocalServices.Options();
            o.dynamoEndpoint = endpoint;
            o.tableName = Backends.uniqueName("invites");
            o.email = email;
            o.interceptors.add(counter);
            o.interceptors.add(capacity);
            o.clock = new DevClock();
            // no stream unless a test's consumer reads it (lifecycleEvents): one shared DynamoDB Local serves the
            // whole suite, and it does extra work on every write to a stream table (TableSetup says how much)
            o.tableStream = false;
            o.corsOrigins = java.util.Set.of("https://app.example.com");
            customize.accept(o);
            this.services = LocalServices.start(o);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the service against " + backend.name(), e);
        }
    }

    /** The service a started local runner assembled (the browser tests seed through it, then drive its pages). */
    public Service(LocalServices services) {
        this.services = services;
    }

    public LocalServices services() {
        return services;
    }

    public DevClock clock() {
        return services.clock();
    }

    public CallCounter calls() {
        return counter;
    }

    /** The write capacity DynamoDB reported for the transactions that asked for it (bulk writes). */
    public CapacityMeter capacity() {
        return capacity;
    }

    /** Sends the emails waiting in the in-memory queue now, as the queue's consumer function does in AWS. */
    public int drainEmailQueue() {
        return services.emailQueue().drain(services.app().queuedEmails());
    }

    /** POST /rooms/{roomId}/invites/bulk as the owner with a JSON or CSV body (a String body is sent as it is). */
    public Response bulk(String roomId, Object body, Map<String, String> headers) {
        return call("POST", "/rooms/" + roomId + "/invites/bulk", token(OWNER), body, headers);
    }

    /** A bearer token from the local identity provider, verified exactly like a real one. */
    public String token(String email) {
        return services.identityProvider().mint(email, "Given", "Family", false, Duration.ofHours(2));
    }

    public String token(String email, String first, String last) {
        return services.identityProvider().mint(email, first, last, false, Duration.ofHours(2));
    }

    public String adminToken() {
        return services.identityProvider().mint(ADMIN, "Site", "Admin", true, Duration.ofHours(2));
    }

    public Response call(String method, String path, String bearer, Object body) {
        return call(method, path, bearer, body, Map.of());
    }

    public Response call(String method, String path, String bearer, Object body, Map<String, String> headers) {
        return callFrom("127.0.0.1", method, path, bearer, body, headers);
    }

    /** As {@link #call(String, String, String, Object, Map)}, from the caller's address {@code sourceIp}. */
    @SuppressWarnings("unchecked")
    public Response callFrom(String sourceIp, String method, String path, String bearer, Object body,
                             Map<String, String> headers) {
        Map<String, String> h = new HashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
        if (bearer != null) {
            h.put("authorization", "Bearer " + bearer);
        }
        String raw = body == null ? null : body instanceof String s ? s : Json.write((Map<String, ?>) body);
        String p = path;
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            p = path.substring(0, q);
            for (String pair : path.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                query.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        HttpResponse r = services.app().router().handle(new HttpRequest(method, p, h, query, raw,
                UUID.randomUUID().toString(), sourceIp));
        return new Response(r);
    }

    // ------------------------------------------------------------------ seeding through the API

    /** A room id unique within the JVM (every test makes its own rooms, so tests never share state). */
    public static String roomId(String prefix) {
        return prefix + "-" + ROOMS.incrementAndGet();
    }

    /**
     * Send limits that no test of another rule reaches (a million a day, no resend cool-down): the settings helpers
     * here send them, so that a test that creates thousands of invites or resends at once tests its own rule;
     * SendLimitsTest tests the limits, and SettingsDefaultsTest their defaults.
     */
    public static final Map<String, Object> UNLIMITED_SENDS = Map.of("perManagerPerDay", 1_000_000,
            "perRoomPerDay", 1_000_000, "resendCooldownSeconds", 0);

    /** Enables invitations with these blocked domains and template name. */
    public Response settings(boolean enabled, String template, List<String> blocked, int ttlMinutes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", enabled);
        body.put("emailTemplateName", template);
        body.put("blockedDomains", blocked);
        body.put("linkTtlMinutes", ttlMinutes);
        body.put("linkBaseUrl", "https://events.example.com/join");
        body.put("sendLimits", UNLIMITED_SENDS);
        return call("PUT", "/admin/settings", adminToken(), body).expect(200);
    }

    /** Enables invitations (no template, nothing blocked, links for a day) with links for up to this many devices. */
    public Response settingsWithMaxDevices(int linkMaxDevices) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("blockedDomains", List.of());
        body.put("linkTtlMinutes", 1440);
        body.put("linkBaseUrl", "https://events.example.com/join");
        body.put("linkMaxDevices", linkMaxDevices);
        body.put("sendLimits", UNLIMITED_SENDS);
        return call("PUT", "/admin/settings", adminToken(), body).expect(200);
    }

    /** POST /rooms/{roomId}/invites/{inviteId}/{action} as the owner (reissue, release-device, resend, promote). */
    public Response manage(String roomId, String inviteId, String action, Object body) {
        return call("POST", "/rooms/" + roomId + "/invites/" + inviteId + "/" + action, token(OWNER), body);
    }

    public Response enableInvitations() {
        return settings(true, null, List.of(), 1440);
    }

    /** A room owned by {@link #OWNER}, starting {@code startsIn} from now (negative: already open), lasting an hour. */
    public Response room(String roomId, Duration startsIn) {
        return room(roomId, startsIn, Duration.ofHours(1), true, List.of(), List.of(), List.of());
    }

    public Response room(String roomId, Duration startsIn, Duration length, boolean chatAndCollaboration,
                         List<String> coOwners, List<String> coEditors, List<String> coPublishers) {
        Instant start = clock().instant().plus(startsIn).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Next-Level Growth: Practical Strategies That Work");
        body.put("description", "A focused 45-minute session.");
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(length).toString());
        body.put("chatAndCollaborationEnabled", chatAndCollaboration);
        body.put("owner", OWNER);
        body.put("coOwners", coOwners);
        body.put("coEditors", coEditors);
        body.put("coPublishers", coPublishers);
        return call("PUT", "/admin/rooms/" + roomId, adminToken(), body).expect(200);
    }

    /** A create request for Gia Guest that sends no email. */
    public static Map<String, Object> inviteBody(String email, String role) {
        return inviteBody(email, "Gia", "Guest", role, false);
    }

    /** A create request (POST /rooms/{roomId}/invites body), mutable. */
    public static Map<String, Object> inviteBody(String email, String first, String last, String role, boolean sendEmail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("firstName", first);
        body.put("lastName", last);
        body.put("role", role);
        body.put("sendEmail", sendEmail);
        return body;
    }

    /** Creates an invite as the owner; answers the created body. */
    public Response invite(String roomId, String email, String role) {
        return call("POST", "/rooms/" + roomId + "/invites", token(OWNER), inviteBody(email, role)).expect(201);
    }

    /** Seeds a room of {@link #OWNER}'s starting {@code startsIn} from now (an hour long) and invites {@code email}. */
    public Invited invitedTo(String roomId, Duration startsIn, String email, String role) {
        room(roomId, startsIn);
        return new Invited(roomId, invite(roomId, email, role));
    }

    /** Invites {@code email} to an existing room and redeems the link on {@code deviceId} with that email (200). */
    public Invited redeemedInvite(String roomId, String email, String role, String deviceId) {
        Invited invited = new Invited(roomId, invite(roomId, email, role));
        redeem(invited.token(), deviceId, email).expect(200);
        return invited;
    }

    /** The link token inside a create answer's link. */
    public static String linkToken(Response created) {
        return tokenOf((String) created.json().get("link"));
    }

    /** The link token of an invitation link (what follows {@code #invite=}). */
    public static String tokenOf(String link) {
        return link.substring(link.indexOf("#invite=") + "#invite=".length());
    }

    /** The decoded JSON payload of a compact JWS. */
    public static String jwsPayload(String token) {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, "a compact JWS");
        return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    }

    /** The invite id inside a create (or revoke, promote, resend) answer. */
    public static String inviteId(Response answer) {
        return (String) answer.obj("invite").get("inviteId");
    }

    public Response redeem(String token, String device, String email) {
        return redeem(token, device, email, null);
    }

    /** POST /invites/redeem; a null device, email or bearer is left out of the request. */
    public Response redeem(String token, String device, String email, String bearer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        if (device != null) {
            body.put("deviceId", device);
        }
        if (email != null) {
            body.put("email", email);
        }
        return call("POST", "/invites/redeem", bearer, body);
    }

    public Response preview(String token, String device) {
        return preview(token, device, null);
    }

    /** POST /invites/preview; a null device or bearer is left out of the request. */
    public Response preview(String token, String device, String bearer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        if (device != null) {
            body.put("deviceId", device);
        }
        return call("POST", "/invites/preview", bearer, body);
    }

    /** The invite as the room's owner sees it in GET /rooms/{roomId}/invites. */
    public Map<String, Object> listed(String roomId, String inviteId) {
        Response list = call("GET", "/rooms/" + roomId + "/invites?limit=100", token(OWNER), null).expect(200);
        for (Map<String, Object> i : list.list("invites")) {
            if (inviteId.equals(i.get("inviteId"))) {
                return i;
            }
        }
        throw new AssertionError("invite " + inviteId + " is not in the listing of " + roomId + ": " + list);
    }

    public Map<String, Object> listed(Invited invited) {
        return listed(invited.room(), invited.id());
    }

    public void advance(Duration d) {
        clock().advance(d);
    }

    @Override
    public void close() throws Exception {
        services.close();
    }

    /** An invite created through the API: its room and the create answer. */
    public record Invited(String room, Response created) {
        /** The token of the invite's link. */
        public String token() {
            return linkToken(created);
        }

        public String id() {
            return inviteId(created);
        }
    }

    /** An answer with its JSON parsed. */
    public static final class Response {
        private final HttpResponse raw;
        private Map<String, Object> json;

        Response(HttpResponse raw) {
            this.raw = raw;
        }

        public int status() {
            return raw.status();
        }

        public String header(String name) {
            for (Map.Entry<String, String> e : raw.headers().entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        public String body() {
            return raw.body();
        }

        public Map<String, Object> json() {
            if (json == null) {
                try {
                    json = raw.body() == null ? Map.of() : Json.parseObject(raw.body());
                } catch (java.text.ParseException e) {
                    throw new AssertionError("not JSON: " + raw.body());
                }
            }
            return json;
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> obj(String name) {
            return (Map<String, Object>) json().get(name);
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list(String name) {
            return new ArrayList<>((List<Map<String, Object>>) json().get(name));
        }

        /** The error code of an error answer, null otherwise. */
        public String code() {
            Map<String, Object> err = obj("error");
            return err == null ? null : (String) err.get("code");
        }

        public Response expect(int status) {
            if (raw.status() != status) {
                throw new AssertionError("expected HTTP " + status + " but got " + raw.status() + ": " + raw.body());
            }
            return this;
        }

        /** Asserts an error answer with this status and code, in the contract's shape. */
        public Response expectError(int status, String code) {
            expect(status);
            Map<String, Object> err = obj("error");
            if (err == null || !code.equals(err.get("code")) || !(err.get("message") instanceof String m) || m.isBlank()
                    || !(err.get("requestId") instanceof String)) {
                throw new AssertionError("expected error " + code + " in the contract's shape but got " + raw.body());
            }
            return this;
        }

        @Override
        public String toString() {
            return raw.status() + " " + raw.body();
        }
    }
}
