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

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(env("PORT", "3000"));
        String dataDir = env("LOCAL_DATA_DIR", null);
        String base = "http://127.0.0.1:" + port;

        LocalServices.Options options = new LocalServices.Options();
        options.dataDir = dataDir == null ? null : Path.of(dataDir);
        options.issuerBase = base;
        options.corsOrigins = Set.of(env("CORS_ALLOWED_ORIGINS", "http://localhost:5173").split(","));
        options.email = LocalEmail.choose(base, System.getenv());
        LocalServices services = LocalServices.start(options);
        services.startEmailConsumer();
        seedDemo(services, base);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", exchange -> serve(services.app().router(), exchange));
        server.createContext("/join", LocalRunner::joinPage);
        LocalEmail.addRoutes(server, options.email);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            try {
                services.close();
            } catch (Exception ignored) {
                // shutting down
            }
        }));
        System.out.println(banner(base, services, dataDir));
    }

    /** Settings with invitations on, and the seed's sample session starting ten minutes from now. */
    static void seedDemo(LocalServices services, String base) {
        var admin = new AdminService(services.store(),
                new SettingsCache(services.store(), services.clock(), Duration.ZERO), services.clock());
        var caller = LocalServices.localAdmin();
        if (services.store().loadSettings().isEmpty()) {
            admin.saveSettings(caller, new SiteSettings(true, LocalEmail.DEFAULT_TEMPLATE, List.of("blocked.example"),
                    SiteSettings.DEFAULT_LINK_TTL_MINUTES, base + "/join"));
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

    static String banner(String base, LocalServices services, String dataDir) {
        return """

                room-invites local runner
                  API         %1$s   (all routes of ../shared/API.md, plus POST /dev/token and POST /dev/clock)
                  Join page   %1$s/join#invite=<token>   (where links point: countdown, lobby, entry)
                  JWKS        %1$s/.well-known/jwks.json
                  Outbox      %1$s/dev/outbox   (emails "sent" with sendEmail: true)
                  DynamoDB    %2$s (%3$s)
                  Demo room   %4$s: "Next-Level Growth: Practical Strategies That Work", starts 10 minutes after start-up
                              owner %5$s; invitations enabled; blocked domain: blocked.example

                Try it:
                  OWNER=$(curl -s -X POST %1$s/dev/token -H 'content-type: application/json' \\
                      -d '{"email":"%5$s","firstName":"Olivia","lastName":"Owner"}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
                  curl -s -X POST %1$s/rooms/%4$s/invites -H "authorization: Bearer $OWNER" \\
                      -H 'content-type: application/json' \\
                      -d '{"email":"guest@example.org","firstName":"Gia","lastName":"Guest","role":"SPEAKER","sendEmail":true}'
                The README walks through preview, the countdown, /dev/clock, the lobby and redeem.
                """.formatted(base, services.dynamoEndpoint(), dataDir == null ? "embedded, in memory" : "embedded, data in " + dataDir,
                DEMO_ROOM_ID, DEMO_OWNER);
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

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
