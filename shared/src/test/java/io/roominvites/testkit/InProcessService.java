package io.roominvites.testkit;

import com.nimbusds.jose.jwk.RSAKey;
import io.roominvites.app.App;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.Operation;
import io.roominvites.json.Json;
import io.roominvites.service.Ids;
import io.roominvites.store.memory.MemoryInviteStore;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LocalIdentityProvider;
import io.roominvites.tokens.MutableClock;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole API in-process for the fast tests: {@link App} over a {@link MemoryInviteStore} (held to the store's
 * contract), a {@link MutableClock}, real signing keys and tokens, callers' tokens from a {@link LocalIdentityProvider},
 * and a {@link RecordingEmail}; driven through {@code app.router().handle(...)}, as the functions and the local runner
 * drive it. A new one per test costs well under a millisecond (the keys are made once per JVM).
 */
public final class InProcessService {
    /** The people of the tests: a site administrator, the room's owner and co-owner, the invitee. */
    public static final String ADMIN = "admin@example.com";
    public static final String OWNER = "owner@example.com";
    public static final String CO_OWNER = "co@example.com";
    public static final String GUEST = "guest@example.org";
    /** When every test starts. */
    public static final Instant T0 = Instant.parse("2026-11-23T19:00:00Z");
    /** The invitee's two devices. */
    public static final String LAPTOP = "laptop-0001";
    public static final String PHONE = "phone-0002";
    /** A well-formed invite id that no test stores. */
    public static final String NO_SUCH_INVITE = "01JAAAAAAAAAAAAAAAAAAAAAAA";

    private static final RSAKey IDENTITY_KEY = LocalIdentityProvider.newKey();
    private static final KeyRing KEYS = KeyRing.generate("fast-loop-1");
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    /** The site's join page (links are {@code JOIN_PAGE#invite=<token>}) and the service's token issuer. */
    public static final String JOIN_PAGE = "https://events.example.com/join";
    public static final String ISSUER = "https://invites.example.com";

    public final MutableClock clock = new MutableClock(T0);
    public final MemoryInviteStore store = new MemoryInviteStore();
    public final RecordingEmail email = new RecordingEmail();
    private final LocalIdentityProvider identity = new LocalIdentityProvider(ISSUER + "/idp", "room-invites-tests",
            clock, IDENTITY_KEY);
    private final App app;

    /** Erasures' jobs handed over and not run yet ({@link #runErasureJobs}), in order. */
    public final java.util.concurrent.ConcurrentLinkedQueue<String> erasureJobs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Runs after each erasure job is handed over (a test's fault: it may throw, as a queue that took the job and then failed). */
    public volatile Runnable afterEnqueue;

    public InProcessService() {
        this(s -> s);
    }

    /** A service whose app uses {@code decorate(store)}: a test's fault-injecting decorator. */
    public InProcessService(java.util.function.UnaryOperator<io.roominvites.store.InviteStore> decorate) {
        App.Parts parts = new App.Parts();
        parts.store = decorate.apply(store);
        parts.erasureQueue = id -> {
            erasureJobs.add(id);
            Runnable hook = afterEnqueue;
            if (hook != null) {
                hook.run();
            }
        };
        parts.keys = KEYS;
        parts.callers = identity.verifier(clock);
        parts.email = email;
        parts.clock = clock;
        parts.ids = new Ids(new Random(7));
        parts.issuer = ISSUER;
        parts.settingsMaxAge = Duration.ZERO;
        EnumSet<Operation> served = EnumSet.allOf(Operation.class);
        served.removeIf(Operation::localOnly);
        this.app = App.create(parts, served);
    }

    /** Runs the erasure jobs waiting (and those they hand over again), as the erasure function does; answers how many runs. */
    public int runErasureJobs() {
        int runs = 0;
        String id;
        while ((id = erasureJobs.poll()) != null) {
            app.erasures().run(id);
            runs++;
        }
        return runs;
    }

    /** A service with invitations on and {@link #room(String, Duration) a room} {@code roomId}. */
    public static InProcessService withRoom(String roomId, Duration startsIn) {
        InProcessService service = new InProcessService();
        service.enableInvitations();
        service.room(roomId, startsIn);
        return service;
    }

    public App app() {
        return app;
    }

    /** A verifier of the access tokens a redeem grants, as a room's own service would verify them. */
    public AccessTokens accessTokens() {
        return new AccessTokens(KEYS, ISSUER, "rooms");
    }

    /** A signed-in person's bearer token (valid two hours from now). */
    public String token(String email) {
        return identity.mint(email, "Given", "Family", false, Duration.ofHours(2));
    }

    public String adminToken() {
        return identity.mint(ADMIN, "Site", "Admin", true, Duration.ofHours(2));
    }

    public void advance(Duration d) {
        clock.advance(d);
    }

    // ------------------------------------------------------------------ requests

    public Answer call(String method, String path, String bearer, Object body) {
        return call(method, path, bearer, body, Map.of());
    }

    /** One request through the router; {@code body} a map (sent as JSON), a string (sent as it is) or null. */
    @SuppressWarnings("unchecked")
    public Answer call(String method, String path, String bearer, Object body, Map<String, String> headers) {
        return callFrom("127.0.0.1", method, path, bearer, body, headers);
    }

    /** {@link #call} from the caller's address {@code sourceIp} (as API Gateway's requestContext gives it). */
    @SuppressWarnings("unchecked")
    public Answer callFrom(String sourceIp, String method, String path, String bearer, Object body, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        if (bearer != null) {
            h.put("authorization", "Bearer " + bearer);
        }
        String text = body == null ? null : body instanceof String s ? s : Json.write((Map<String, ?>) body);
        int q = path.indexOf('?');
        Map<String, String> query = new HashMap<>();
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length == 1 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        String requestId = "req-" + REQUESTS.incrementAndGet();
        HttpRequest request = new HttpRequest(method, q < 0 ? path : path.substring(0, q), h, query, text, requestId,
                sourceIp);
        return new Answer(app.router().handle(request), requestId);
    }

    // ------------------------------------------------------------------ seeding through the API

    /** PUT /admin/settings: invitations on, nothing blocked, links for a day, single-device; {@code changes} on top. */
    public Answer settings(Map<String, Object> changes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inviteToMediaEnabled", true);
        body.put("blockedDomains", List.of());
        body.put("linkTtlMinutes", 1440);
        body.put("linkBaseUrl", JOIN_PAGE);
        body.putAll(changes);
        return call("PUT", "/admin/settings", adminToken(), body).expect(200);
    }

    public Answer enableInvitations() {
        return settings(Map.of());
    }

    /** PUT /admin/rooms/{roomId}: {@link #OWNER}'s room with {@link #CO_OWNER}, starting {@code startsIn} from now, an hour long. */
    public Answer room(String roomId, Duration startsIn) {
        return room(roomId, startsIn, Map.of());
    }

    public Answer room(String roomId, Duration startsIn, Map<String, Object> changes) {
        Instant start = clock.instant().plus(startsIn).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new HashMap<>(Map.of("title", "Next-Level Growth",
                "description", "A focused 45-minute session.", "startsAt", start.toString(),
                "endsAt", start.plus(Duration.ofHours(1)).toString(), "chatAndCollaborationEnabled", true,
                "owner", OWNER, "coOwners", List.of(CO_OWNER)));
        body.putAll(changes);
        return call("PUT", "/admin/rooms/" + roomId, adminToken(), body).expect(200);
    }

    /** DELETE /admin/rooms/{roomId} as the administrator (204). */
    public void deleteRoom(String roomId) {
        call("DELETE", "/admin/rooms/" + roomId, adminToken(), null).expect(204);
    }

    /** DELETE /rooms/{roomId}/invites/{inviteId} as {@code as}. */
    public Answer revoke(Invited invite, String as) {
        return call("DELETE", "/rooms/" + invite.roomId() + "/invites/" + invite.id(), token(as), null);
    }

    /** A create body: Gia Guest, no email. */
    public static Map<String, Object> inviteBody(String email, String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("firstName", "Gia");
        body.put("lastName", "Guest");
        body.put("role", role);
        return body;
    }

    /** POST /rooms/{roomId}/invites as the owner, without email; answers the 201. */
    public Invited invite(String roomId, String email, String role) {
        return new Invited(call("POST", "/rooms/" + roomId + "/invites", token(OWNER), inviteBody(email, role)).expect(201));
    }

    /** POST /invites/preview; a null device or bearer is left out. */
    public Answer preview(String link, String device, String bearer) {
        return call("POST", "/invites/preview", bearer, entryBody(link, device, null));
    }

    /** POST /invites/redeem; a null device, email or bearer is left out. */
    public Answer redeem(String link, String device, String email, String bearer) {
        return call("POST", "/invites/redeem", bearer, entryBody(link, device, email));
    }

    /** The token, and the device and email when given. */
    private static Map<String, Object> entryBody(String link, String device, String email) {
        Map<String, Object> body = new HashMap<>();
        body.put("token", link);
        body.put("deviceId", device);
        body.put("email", email);
        body.values().removeIf(java.util.Objects::isNull);
        return body;
    }

    /** POST /rooms/{roomId}/invites/{inviteId}/{action} as the owner (promote, reissue, resend, release-device). */
    public Answer manage(Invited invite, String action, Object body) {
        return call("POST", "/rooms/" + invite.roomId() + "/invites/" + invite.id() + "/" + action, token(OWNER), body);
    }

    /** A created invite: the create's answer, its ids and its link's token. */
    public record Invited(Answer created) {
        public String id() {
            return created.text("invite.inviteId");
        }

        public String roomId() {
            return created.text("invite.roomId");
        }

        /** The token in the link ({@code …#invite=<token>}). */
        public String token() {
            return linkToken(created.text("link"));
        }
    }

    /** The token of an invitation link. */
    public static String linkToken(String link) {
        return link.substring(link.indexOf("#invite=") + "#invite=".length());
    }
}
