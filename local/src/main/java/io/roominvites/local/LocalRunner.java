package io.roominvites.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.http.Router;
import io.roominvites.service.AdminService;
import io.roominvites.service.SettingsCache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * Runs the whole API on {@code http://127.0.0.1:${PORT:-3000}} with an embedded DynamoDB Local (in memory,
 * or in {@code LOCAL_DATA_DIR}), a generated signing key, a local identity provider, the local-only
 * {@code /dev/token} and {@code /dev/clock} routes, and a seeded demo room.
 */
public final class LocalRunner {
    public static final String DEMO_ROOM_ID = "next-level-growth";
    public static final String DEMO_OWNER = "owner@example.com";

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        int port = Integer.parseInt(env(env, "PORT", "3000"));
        String webPort = env(env, "WEB_PORT", null);
        Running running = start(port, webPort == null ? null : Integer.parseInt(webPort), env);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        System.out.println(banner(running, env(env, "LOCAL_DATA_DIR", null)));
    }

    /**
     * Starts the runner: the API and the pages on {@code port}, and the pages alone on {@code webPort} too when
     * given (another origin, as a real site would be: that origin is added to the CORS origins and invitation
     * links point there). Reads PORT-independent settings from {@code env} (LOCAL_DATA_DIR, CORS_ALLOWED_ORIGINS,
     * the email variables).
     */
    public static Running start(int port, Integer webPort, Map<String, String> env) throws Exception {
        String dataDir = env(env, "LOCAL_DATA_DIR", null);
        String base = "http://127.0.0.1:" + port;
        String webBase = webPort == null ? base : "http://127.0.0.1:" + webPort;

        LocalServices.Options options = new LocalServices.Options();
        options.dataDir = dataDir == null ? null : Path.of(dataDir);
        options.issuerBase = base;
        Set<String> origins = new LinkedHashSet<>(List.of(env(env, "CORS_ALLOWED_ORIGINS", "http://localhost:5173").split(",")));
        if (webPort != null) {
            origins.add(webBase);
            origins.add("http://localhost:" + webPort);
        }
        options.corsOrigins = origins;
        options.email = LocalEmail.choose(base, env);
        LocalServices services = LocalServices.start(options);
        seedDemo(services, webBase);

        WebPages samePages = new WebPages(null);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", exchange -> {
            if (!samePages.serve(exchange)) {
                serve(services.app().router(), exchange);
            }
        });
        LocalEmail.addRoutes(server, options.email);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        HttpServer web = null;
        if (webPort != null) {
            WebPages otherPages = new WebPages(base);
            web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), webPort), 64);
            web.createContext("/", otherPages::serveOr404);
            web.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            web.start();
        }
        return new Running(base, webBase, services, server, web);
    }

    /** A started runner. */
    public static final class Running implements AutoCloseable {
        private final String apiBase;
        private final String webBase;
        private final LocalServices services;
        private final HttpServer api;
        private final HttpServer web;

        Running(String apiBase, String webBase, LocalServices services, HttpServer api, HttpServer web) {
            this.apiBase = apiBase;
            this.webBase = webBase;
            this.services = services;
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
                web.stop(0);
            }
            api.stop(0);
            try {
                services.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }
    }

    /** Settings with invitations on, and the seed's sample session starting ten minutes from now. */
    static void seedDemo(LocalServices services, String pagesBase) {
        var admin = new AdminService(services.store(),
                new SettingsCache(services.store(), services.clock(), Duration.ZERO), services.clock());
        var caller = LocalServices.localAdmin();
        if (services.store().loadSettings().isEmpty()) {
            admin.saveSettings(caller, new SiteSettings(true, LocalEmail.DEFAULT_TEMPLATE, List.of("blocked.example"),
                    SiteSettings.DEFAULT_LINK_TTL_MINUTES, pagesBase + "/join"));
        }
        Instant start = services.clock().instant().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        admin.putRoom(caller, new Room(DEMO_ROOM_ID, "Next-Level Growth: Practical Strategies That Work",
                "Join us for a focused 45-minute session where product leaders share tactical approaches to customer growth, "
                        + "onboarding optimization, and cross-team alignment. You'll walk away with three concrete experiments "
                        + "you can run next week to improve activation and retention.",
                start, start.plus(Duration.ofMinutes(45)), true, DEMO_OWNER, List.of("cohost@example.com"), List.of(),
                List.of(), false, 0, null));
        admin.putUser(caller, new DirectoryUser("ada@example.org", "Ada", "Lovelace"));
        admin.putUser(caller, new DirectoryUser("grace@example.org", "Grace", "Hopper"));
        admin.putUser(caller, new DirectoryUser("alan@example.org", "Alan", "Turing"));
    }

    static String banner(Running r, String dataDir) {
        return """

                room-invites local runner
                  Start page  %6$s/   (the screens, sign in as anyone, the outbox, the server clock)
                  Invite users %6$s/manage?room=%4$s
                  Join page   %6$s/join#invite=<token>   (where links point: countdown, lobby, entry)
                  API         %1$s   (all routes of the API, plus POST /dev/token and POST /dev/clock)
                  JWKS        %1$s/.well-known/jwks.json
                  Outbox      %1$s/dev/outbox   (emails "sent" with sendEmail: true)
                  DynamoDB    %2$s (%3$s)
                  Demo room   %4$s: "Next-Level Growth: Practical Strategies That Work", starts 10 minutes after start-up
                              owner %5$s; invitations enabled; blocked domain: blocked.example

                Open %6$s/ in a browser, or try it with curl:
                  OWNER=$(curl -s -X POST %1$s/dev/token -H 'content-type: application/json' \\
                      -d '{"email":"%5$s","firstName":"Olivia","lastName":"Owner"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -X POST %1$s/rooms/%4$s/invites -H "authorization: Bearer $OWNER" \\
                      -H 'content-type: application/json' \\
                      -d '{"email":"guest@example.org","firstName":"Gia","lastName":"Guest","role":"SPEAKER","sendEmail":true}'
                The README walks through preview, the countdown, /dev/clock, the lobby and redeem.
                """.formatted(r.apiBase(), r.services().dynamoEndpoint(),
                dataDir == null ? "embedded, in memory" : "embedded, data in " + dataDir, DEMO_ROOM_ID, DEMO_OWNER, r.webBase());
    }

    static void serve(Router router, HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> {
                if (!v.isEmpty()) {
                    headers.put(k.toLowerCase(Locale.ROOT), v.getFirst());
                }
            });
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(Router.MAX_BODY_BYTES + 1);
                body = bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
            }
            String requestId = UUID.randomUUID().toString();
            HttpRequest request = new HttpRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    headers, query(exchange.getRequestURI().getRawQuery()), body, requestId,
                    exchange.getRemoteAddress().getAddress().getHostAddress());
            HttpResponse response = router.handle(request);
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            byte[] out = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
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

    private static String env(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
