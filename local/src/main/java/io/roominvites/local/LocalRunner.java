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

    public static void main(String[] args) {
        LocalServices[] started = new LocalServices[1];
        try {
            run(System.getenv(), started);
        } catch (Throwable e) {
            // never hang on a start-up error (DynamoDB Local's threads would keep the JVM alive): say why, exit non-zero
            System.err.println("room-invites local runner could not start: " + reason(e));
            if (started[0] != null) {
                try {
                    started[0].close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }
            System.exit(1);
        }
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return (e instanceof java.net.BindException ? "the port is taken (" + m + "); set PORT to another"
                : m == null || m.isBlank() ? e.getClass().getName() : m);
    }

    /** What the runner reads from its environment (see the README). */
    static LocalServices.Options options(Map<String, String> env, String base) {
        String dataDir = get(env, "LOCAL_DATA_DIR", null);
        String endpoint = get(env, "AWS_ENDPOINT_URL_DYNAMODB", null);
        LocalServices.Options options = new LocalServices.Options();
        options.issuerBase = base;
        options.corsOrigins = Set.of(get(env, "CORS_ALLOWED_ORIGINS", "http://localhost:5173").split(","));
        options.tableName = get(env, "TABLE_NAME", options.tableName);
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

    static void run(Map<String, String> env, LocalServices[] started) throws Exception {
        int port;
        try {
            port = Integer.parseInt(get(env, "PORT", "3000"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a port number (got '" + env.get("PORT") + "')");
        }
        String base = "http://127.0.0.1:" + port;
        LocalServices.Options options = options(env, base);
        options.email = LocalEmail.choose(base, env);
        LocalServices services = LocalServices.start(options);
        started[0] = services;
        boolean seeded = seedDemo(services, base);

        // the JDK server listens on a loopback port of its own; the front door takes the public one and answers
        // request lines the JDK server can't parse in the contract's error shape
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", exchange -> serve(services.app().router(), exchange));
        server.createContext("/join", LocalRunner::joinPage);
        LocalEmail.addRoutes(server, options.email);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        FrontDoor door;
        try {
            door = FrontDoor.open(port, server.getAddress());
        } catch (IOException e) {
            server.stop(0);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                door.close();
            } catch (IOException ignored) {
                // shutting down
            }
            server.stop(0);
            try {
                services.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
        System.out.println(banner(base, services, options, seeded));
    }

    /**
     * On an empty store: settings with invitations on, the demo room starting ten minutes from now, three directory
     * users. A store that has settings already (LOCAL_DATA_DIR, an external table) is used as it is, whatever it holds
     * (the demo room may have been changed or deleted). Answers whether it seeded.
     */
    static boolean seedDemo(LocalServices services, String base) {
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
        admin.saveSettings(caller, new SiteSettings(true, LocalEmail.DEFAULT_TEMPLATE, List.of("blocked.example"),
                SiteSettings.DEFAULT_LINK_TTL_MINUTES, base + "/join"));
        return true;
    }

    static String banner(String base, LocalServices services, LocalServices.Options o, boolean seeded) {
        String where = o.dynamoEndpoint != null ? "external, table " + o.tableName
                : o.dataDir == null ? "embedded, in memory" : "embedded, data in " + o.dataDir;
        String demo = seeded ? "starts 10 minutes after start-up" : "as stored (this store was seeded before; it is not reseeded)";
        return """

                room-invites local runner
                  API         %1$s   (all routes of docs/api.md, plus POST /dev/token and POST /dev/clock)
                  Join page   %1$s/join#invite=<token>   (where links point: countdown, lobby, entry)
                  JWKS        %1$s/.well-known/jwks.json
                  Outbox      %1$s/dev/outbox   (emails "sent" with sendEmail: true)
                  DynamoDB    %2$s (%3$s)
                  Demo room   %4$s: "Next-Level Growth: Practical Strategies That Work", %6$s
                              owner %5$s; invitations enabled; blocked domain: blocked.example

                Try it:
                  OWNER=$(curl -s -X POST %1$s/dev/token -H 'content-type: application/json' \\
                      -d '{"email":"%5$s","firstName":"Olivia","lastName":"Owner"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -X POST %1$s/rooms/%4$s/invites -H "authorization: Bearer $OWNER" \\
                      -H 'content-type: application/json' \\
                      -d '{"email":"guest@example.org","firstName":"Gia","lastName":"Guest","role":"SPEAKER","sendEmail":true}'
                The README walks through preview, the countdown, /dev/clock, the lobby and redeem.
                """.formatted(base, services.dynamoEndpoint(), where, DEMO_ROOM_ID, DEMO_OWNER, demo);
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

    /** The local stand-in for the site's join page, where invitation links point. */
    static void joinPage(HttpExchange exchange) throws IOException {
        try (exchange; InputStream page = LocalRunner.class.getResourceAsStream("join.html")) {
            byte[] html = page.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, html.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(html);
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

    private static String get(Map<String, String> env, String name, String otherwise) {
        String v = env.get(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
