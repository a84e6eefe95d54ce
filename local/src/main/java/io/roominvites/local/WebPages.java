package io.roominvites.local;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the static files of {@code web/} (packaged into the runner under {@code /web/}): {@code /} the start
 * page, {@code /manage} the "Invite users" screen, {@code /join} the invitee's page, and the files themselves
 * ({@code /room-invites.js}, {@code /styles.css}, ...). Pages get a strict Content-Security-Policy (no inline
 * script or style; API calls only to this origin and the API's), {@code Cross-Origin-Opener-Policy: same-origin} and
 * {@code Referrer-Policy: no-referrer}.
 * When the API lives on another origin, the pages' {@code <meta name="room-invites-api">} is filled in with it.
 */
public final class WebPages {
    private static final Map<String, String> ALIASES = Map.of("/", "index.html", "/join", "join.html", "/manage", "manage.html");
    private static final Pattern FILE = Pattern.compile("/([a-z0-9][a-z0-9-]*\\.(?:html|js|css|png|svg))");
    private static final String API_META = "<meta name=\"room-invites-api\" content=\"\">";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml");

    private final String apiBase;
    private final String csp;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** @param apiBase the API's base URL when it is on another origin than the pages; null when it is the same */
    public WebPages(String apiBase) {
        this.apiBase = apiBase;
        String connect = apiBase == null ? "'self'" : "'self' " + origin(apiBase);
        this.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    /** The file a path names, or null when it is not one of the pages' (then it is the API's). */
    static String fileFor(String path) {
        String alias = ALIASES.get(path);
        if (alias != null) {
            return alias;
        }
        var m = FILE.matcher(path);
        return m.matches() && WebPages.class.getResource("/web/" + m.group(1)) != null ? m.group(1) : null;
    }

    /** Serves the request when its path is one of the pages' files; answers whether it did. */
    public boolean serve(HttpExchange exchange) throws IOException {
        String name = fileFor(exchange.getRequestURI().getPath());
        if (name == null) {
            return false;
        }
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            var headers = exchange.getResponseHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("Cache-Control", "no-cache");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                headers.set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return true;
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            headers.set("Content-Type", TYPES.get(ext));
            if (ext.equals("html")) {
                headers.set("Content-Security-Policy", csp);
                headers.set("X-Frame-Options", "DENY");
                // a page of another origin that opened this one gets no handle on it (it can't navigate it)
                headers.set("Cross-Origin-Opener-Policy", "same-origin");
            }
            byte[] body = cache.computeIfAbsent(name, this::load);
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
            return true;
        }
    }

    /** For a server of pages only: the pages, and a plain 404 for anything else. */
    public void serveOr404(HttpExchange exchange) throws IOException {
        if (!serve(exchange)) {
            try (exchange) {
                byte[] body = "Not found. The API is elsewhere.\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(404, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
        }
    }

    private byte[] load(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the runner");
            }
            byte[] bytes = in.readAllBytes();
            if (name.endsWith(".html") && apiBase != null) {
                String html = new String(bytes, StandardCharsets.UTF_8);
                bytes = html.replace(API_META, "<meta name=\"room-invites-api\" content=\"" + attr(apiBase) + "\">")
                        .getBytes(StandardCharsets.UTF_8);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static String attr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
