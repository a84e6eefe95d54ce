package io.roominvites.local;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
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
    private static final Pattern FILE = Pattern.compile("/((?:i18n/)?[a-z0-9][a-z0-9-]*\\.(?:html|js|css|png|svg))");
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
        if (path == null) {
            return null;
        }
        String alias = ALIASES.get(path);
        if (alias != null) {
            return alias;
        }
        var m = FILE.matcher(path);
        return m.matches() && WebPages.class.getResource("/web/" + m.group(1)) != null ? m.group(1) : null;
    }

    /** Serves the request when its path is one of the pages' files; answers whether it did. */
    public boolean serve(Request request, Response response, Callback callback) {
        String name = fileFor(Request.getPathInContext(request));
        if (name == null) {
            return false;
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        var headers = new Headers(response.getHeaders());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-cache");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            headers.set("Allow", "GET, HEAD");
            LocalHttp.error(request, response, callback, 405, "METHOD_NOT_ALLOWED",
                    "This page answers GET and HEAD only, not " + method + ".");
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
        LocalHttp.send(request, response, callback, 200, null, body);
        return true;
    }

    /** For a server of pages only: the pages, and a 404 in the error shape for anything else. */
    public boolean serveOr404(Request request, Response response, Callback callback) {
        if (!serve(request, response, callback)) {
            LocalHttp.error(request, response, callback, 404, "ROUTE_NOT_FOUND",
                    "Not found: this origin serves the pages only; the API is at " + apiBase + ".");
        }
        return true;
    }

    /** The answer's headers, set one by one. */
    private record Headers(HttpFields.Mutable fields) {
        void set(String name, String value) {
            fields.put(name, value);
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
