package io.roominvites.local;

import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.http.Router;
import io.roominvites.service.AdminService;
import io.roominvites.service.SettingsCache;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the whole API on {@code http://127.0.0.1:${PORT:-3000}} with an embedded DynamoDB Local (in memory,
 * or in {@code LOCAL_DATA_DIR}; or an external DynamoDB), a signing key (kept in {@code LOCAL_DATA_DIR}), a local
 * identity provider, the local-only {@code /dev/*} routes, the two screens of {@code web/}, and a seeded demo room.
 */
public final class LocalRunner {
    public static final String DEMO_ROOM_ID = "next-level-growth";
    public static final String DEMO_OWNER = "owner@example.com";

    private LocalRunner() {
    }

    public static void main(String[] args) {
        Running[] started = new Running[1];
        LocalServices[] services = new LocalServices[1];
        try {
            Map<String, String> env = System.getenv();
            int port = port(env, "PORT", "3000");
            String webPort = get(env, "WEB_PORT", null);
            started[0] = start(port, webPort == null ? null : port(env, "WEB_PORT", null), env, services);
            Runtime.getRuntime().addShutdownHook(new Thread(started[0]::close));
            System.out.println(banner(started[0]));
        } catch (Throwable e) {
            // never hang on a start-up error (DynamoDB Local's threads would keep the JVM alive): say why, exit non-zero
            System.err.println("room-invites local runner could not start: " + reason(e));
            if (services[0] != null) {
                try {
                    services[0].close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }
            System.exit(1);
        }
    }

    private static int port(Map<String, String> env, String name, String otherwise) {
        String raw = get(env, name, otherwise);
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (got '" + raw + "')");
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        boolean taken = e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException;
        return (taken ? "the port is taken (" + m + "); set PORT to another"
                : m == null || m.isBlank() ? e.getClass().getName() : m);
    }

    /** What the runner reads from its environment (see the README). */
    static LocalServices.Options options(Map<String, String> env, String base) {
        String dataDir = get(env, "LOCAL_DATA_DIR", null);
        String endpoint = get(env, "AWS_ENDPOINT_URL_DYNAMODB", null);
        LocalServices.Options options = new LocalServices.Options();
        options.issuerBase = base;
        // DynamoDB's TTL on the runner's clock: after every POST /dev/clock, and every few seconds (docs/lifetimes.md)
        options.ttlSweepInterval = java.time.Duration.ofSeconds(5);
        options.corsOrigins = new LinkedHashSet<>(List.of(get(env, "CORS_ALLOWED_ORIGINS", "http://localhost:5173").split(",")));
        options.tableName = get(env, "TABLE_NAME", options.tableName);
        // the stream consumer on DynamoDB Local's stream, its events at GET /dev/events (an external table: when asked)
        options.lifecycleEvents = endpoint == null || Boolean.parseBoolean(get(env, "LOCAL_LIFECYCLE_EVENTS", "false"));
        if (endpoint != null) {
            // an external DynamoDB (a real table, moto_server, a DynamoDB Local started separately): its table is
            // created only when asked
            options.dynamoEndpoint = java.net.URI.create(endpoint.trim());
            options.createTable = Boolean.parseBoolean(get(env, "LOCAL_CREATE_TABLE", "false"));
            options.region = software.amazon.awssdk.regions.Region.of(get(env, "AWS_REGION", "us-east-1"));
            if (get(env, "AWS_ACCESS_KEY_ID", null) != null || get(env, "AWS_PROFILE", null) != null) {
                options.credentials = software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build();
            }
        } else {
            options.dataDir = dataDir == null ? null : Path.of(dataDir);
        }
        if (dataDir != null) {
            options.keysFile = Path.of(dataDir, "signing-keys.json"); // links survive a restart
        }
        return options;
    }

    /** {@link #start(int, Integer, Map, LocalServices[])} for tests: the runner in this JVM. */
    public static Running start(int port, Integer webPort, Map<String, String> env) throws Exception {
        return start(port, webPort, env, new LocalServices[1]);
    }

    /**
     * Starts the runner: the API and the pages on {@code port}, and the pages alone on {@code webPort} too when
     * given (another origin, as a real site would be: that origin is added to the CORS origins and invitation links
     * point there). The services are put in {@code started} as soon as they run, so that a later start-up failure can
     * close them.
     */
    static Running start(int port, Integer webPort, Map<String, String> env, LocalServices[] started) throws Exception {
        String base = "http://127.0.0.1:" + port;
        String webBase = webPort == null ? base : "http://127.0.0.1:" + webPort;
        LocalServices.Options options = options(env, base);
        if (webPort != null) {
            Set<String> origins = new LinkedHashSet<>(options.corsOrigins);
            origins.add(webBase);
            origins.add("http://localhost:" + webPort);
            options.corsOrigins = origins;
        }
        options.email = LocalEmail.choose(base, env);
        // one server for the pages, /dev/outbox and the API (everything else: the router's 404 for what it lacks). It
        // starts beside the services, so that its classes load while they start; until they run it answers 503
        AtomicReference<Router> ready = new AtomicReference<>();
        WebPages samePages = new WebPages(null);
        Request.Handler outbox = LocalEmail.routes(options.email);
        CompletableFuture<Server[]> listening = CompletableFuture.supplyAsync(() -> {
            Server api = null;
            try {
                api = LocalHttp.start(port, (request, response, callback) -> {
                    Router router = ready.get();
                    if (router == null) {
                        LocalHttp.error(request, response, callback, 503, "SERVICE_UNAVAILABLE",
                                "The local runner is still starting. Try again in a few seconds.");
                        return true;
                    }
                    return samePages.serve(request, response, callback) || outbox.handle(request, response, callback)
                            || serve(router, request, response, callback);
                });
                // the pages alone on the other origin, when asked
                return new Server[] {api, webPort == null ? null : LocalHttp.start(webPort, new WebPages(base)::serveOr404)};
            } catch (Exception e) {
                if (api != null) {
                    stop(api);
                }
                throw new CompletionException(e);
            }
        });
        LocalServices services;
        boolean seeded;
        try {
            services = LocalServices.start(options);
            started[0] = services;
            services.startEmailConsumer(); // bulk emails after the answer, as the queue's function does in AWS
            services.startErasureConsumer(); // erasures' jobs after the answer, as the erasure function does in AWS
            services.startFollowUpConsumer(250); // calendar updates and reminders, as the follow-up function and Scheduler do
            seeded = seedDemo(services, webBase);
        } catch (Exception | Error e) {
            listening.thenAccept(servers -> Arrays.stream(servers).filter(Objects::nonNull).forEach(LocalRunner::stop));
            throw e;
        }
        Server[] servers;
        try {
            servers = listening.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        ready.set(services.app().router());
        return new Running(base, webBase, services, options, seeded, servers[0], servers[1]);
    }

    /** A started runner. */
    public static final class Running implements AutoCloseable {
        private final String apiBase;
        private final String webBase;
        private final LocalServices services;
        private final LocalServices.Options options;
        private final boolean seeded;
        private final Server api;
        private final Server web;

        Running(String apiBase, String webBase, LocalServices services, LocalServices.Options options, boolean seeded,
                Server api, Server web) {
            this.apiBase = apiBase;
            this.webBase = webBase;
            this.services = services;
            this.options = options;
            this.seeded = seeded;
            this.api = api;
            this.web = web;
        }

        /** The API, e.g. {@code http://127.0.0.1:3000}. */
        public String apiBase() {
            return apiBase;
        }

        /** Where the pages are: {@link #apiBase()} unless a web port was given. */
        public String webBase() {
            return webBase;
        }

        public LocalServices services() {
            return services;
        }

        @Override
        public void close() {
            if (web != null) {
                stop(web);
            }
            stop(api);
            try {
                services.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }

    private static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // shutting down
        }
    }

    /**
     * On an empty store: settings with invitations on, the demo room starting ten minutes from now, three directory
     * users. A store that has settings already (LOCAL_DATA_DIR, an external table) is used as it is, whatever it holds
     * (the demo room may have been changed or deleted). Answers whether it seeded.
     */
    static boolean seedDemo(LocalServices services, String pagesBase) {
        if (services.store().loadSettings().isPresent()) {
            return false;
        }
        var admin = new AdminService(services.store(),
                new SettingsCache(services.store(), services.clock(), Duration.ZERO), services.clock());
        var caller = LocalServices.localAdmin();
        Instant start = services.clock().instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        if (services.store().findRoom(DEMO_ROOM_ID).isEmpty()) {
            admin.putRoom(caller, new Room(DEMO_ROOM_ID, "Next-Level Growth: Practical Strategies That Work",
                    "Join us for a focused 45-minute session where product leaders share tactical approaches to customer growth, "
                            + "onboarding optimization, and cross-team alignment. You'll walk away with three concrete experiments "
                            + "you can run next week to improve activation and retention.",
                    start, start.plus(Duration.ofMinutes(45)), true, DEMO_OWNER, List.of("cohost@example.com"), List.of(),
                    List.of(), false, 0, null));
        }
        admin.putUser(caller, new DirectoryUser("ada@example.org", "Ada", "Lovelace"));
        admin.putUser(caller, new DirectoryUser("grace@example.org", "Grace", "Hopper"));
        admin.putUser(caller, new DirectoryUser("alan@example.org", "Alan", "Turing"));
        // settings last: they mark the store as seeded, so a start interrupted above seeds again
        // the languages the default templates and the screens speak
        admin.saveSettings(caller, new SiteSettings(true, LocalEmail.DEFAULT_TEMPLATE, List.of("blocked.example"),
                SiteSettings.DEFAULT_LINK_TTL_MINUTES, pagesBase + "/join", SiteSettings.DEFAULT_LINK_MAX_DEVICES,
                null, null, SiteSettings.DEFAULT_GUEST_LINKS_PER_ROOM, "en", List.of("en", "es", "de", "ar")));
        return true;
    }

    static String banner(Running r) {
        LocalServices.Options o = r.options;
        String where = o.dynamoEndpoint != null ? "external, table " + o.tableName
                : o.dataDir == null ? "embedded, in memory" : "embedded, data in " + o.dataDir;
        String demo = r.seeded ? "starts 10 minutes after start-up" : "as stored (this store was seeded before; it is not reseeded)";
        return """

                room-invites local runner
                  Start page  %6$s/   (the screens, sign in as anyone, the outbox, the server clock)
                  Invite users %6$s/manage?room=%4$s
                  Join page   %6$s/join#invite=<token>   (where links point: countdown, lobby, entry)
                  API         %1$s   (all routes of docs/api.md, plus the local-only /dev routes)
                  JWKS        %1$s/.well-known/jwks.json
                  Outbox      %1$s/dev/outbox   (emails "sent" with sendEmail: true)
                  Events      %1$s/dev/events   (lifecycle events from the table's stream, as EventBridge gets them)
                  DynamoDB    %2$s (%3$s)
                  Demo room   %4$s: "Next-Level Growth: Practical Strategies That Work", %7$s
                              owner %5$s; invitations enabled; blocked domain: blocked.example

                Open %6$s/ in a browser, or try it with curl:
                  OWNER=$(curl -s -X POST %1$s/dev/token -H 'content-type: application/json' \\
                      -d '{"email":"%5$s","firstName":"Olivia","lastName":"Owner"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -X POST %1$s/rooms/%4$s/invites -H "authorization: Bearer $OWNER" \\
                      -H 'content-type: application/json' \\
                      -d '{"email":"guest@example.org","firstName":"Gia","lastName":"Guest","role":"SPEAKER","sendEmail":true}'
                The README walks through preview, the countdown, /dev/clock, the lobby and redeem.
                """.formatted(r.apiBase(), r.services().dynamoEndpoint(), where, DEMO_ROOM_ID, DEMO_OWNER, r.webBase(), demo);
    }

    /** API Gateway's own limit on a request's payload (HTTP API): over it, API Gateway answers 413 itself. */
    static final long GATEWAY_PAYLOAD_LIMIT = 10L * 1024 * 1024;

    /**
     * The API: the request as API Gateway hands it to a function, through the router, answered as the deployed stack
     * answers: a body over API Gateway's 10 MB is 413 (API Gateway's own answer, in the contract's shape here); a body
     * over the route's limit is the function's 400 INVALID_REQUEST, once the body was received (not kept).
     */
    static boolean serve(Router router, Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        int limit = router.maxBodyBytes(method, path);
        String body = null;
        if (request.getLength() > GATEWAY_PAYLOAD_LIMIT) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            LocalHttp.error(request, response, callback, 413, "INVALID_REQUEST",
                    "The request body is larger than the 10 MB the API takes.");
            return true;
        }
        if (request.getLength() > limit) {
            return tooLarge(request, response, callback, limit);
        }
        if (request.getLength() != 0) {
            byte[] bytes;
            try (InputStream in = Request.asInputStream(request)) {
                bytes = in.readNBytes(limit + 1);
            }
            if (bytes.length > limit) {
                return tooLarge(request, response, callback, limit);
            }
            body = bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        HttpRequest apiRequest = new HttpRequest(method, path, LocalHttp.headers(request), query(request.getHttpURI().getQuery()),
                body, UUID.randomUUID().toString(), Request.getRemoteAddr(request));
        HttpResponse answer = router.handle(apiRequest);
        answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        LocalHttp.send(request, response, callback, answer.status(), null,
                answer.body() == null ? null : answer.body().getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /**
     * The function's 400 for a body over the route's limit, after the rest of the body is received, as API Gateway
     * receives the whole payload (at most its 10 MB) before it invokes the function: an answer sent while the client
     * still sends its body reached a loaded client as a reset connection instead of the 400.
     */
    private static boolean tooLarge(Request request, Response response, Callback callback, int limit) throws java.io.IOException {
        long received = 0;
        try (InputStream in = Request.asInputStream(request)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0 && received <= GATEWAY_PAYLOAD_LIMIT; ) {
                received += n;
            }
        }
        if (received > GATEWAY_PAYLOAD_LIMIT) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest is not read
            LocalHttp.error(request, response, callback, 413, "INVALID_REQUEST",
                    "The request body is larger than the 10 MB the API takes.");
            return true;
        }
        LocalHttp.error(request, response, callback, 400, "INVALID_REQUEST", Router.tooLarge(limit));
        return true;
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException malformed) {
                // a malformed pair is ignored, like a missing one
            }
        }
        return out;
    }

    private static String get(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
