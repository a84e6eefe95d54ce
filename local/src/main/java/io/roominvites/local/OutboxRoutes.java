package io.roominvites.local;

import io.roominvites.json.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /dev/outbox} on the local runner (never deployed):
 * <ul>
 *   <li>{@code GET /dev/outbox}: the emails, newest first: a page for a browser ({@code Accept: text/html}
 *       or {@code ?format=html}), else JSON ({@code ?format=json}, curl): {@code {mode, dir, emails: [{id,
 *       to, subject, sentAt, template, inviteLinks, html, text, eml}]}};
 *   <li>{@code GET /dev/outbox/{id}.html}, {@code .txt}, {@code .eml}: one message's HTML part, text part,
 *       raw file;
 *   <li>{@code DELETE /dev/outbox}: empties the folder.
 * </ul>
 * When the runner sends through an SES v2 endpoint instead, {@code GET /dev/outbox} says where the mail went.
 */
final class OutboxRoutes implements Request.Handler {
    static final String PATH = "/dev/outbox";
    /** A message's HTML is shown as it is, without running anything it might contain. */
    private static final String CSP = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'";

    private final OutboxEmailGateway outbox;
    private final URI sesEndpoint;

    private OutboxRoutes(OutboxEmailGateway outbox, URI sesEndpoint) {
        this.outbox = outbox;
        this.sesEndpoint = sesEndpoint;
    }

    static OutboxRoutes forOutbox(OutboxEmailGateway outbox) {
        return new OutboxRoutes(outbox, null);
    }

    static OutboxRoutes forSesEndpoint(URI endpoint) {
        return new OutboxRoutes(null, endpoint);
    }

    /** Whether a request's path is one of these routes'. */
    static boolean owns(String path) {
        return path != null && (path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback);
        String rest = Request.getPathInContext(request).substring(PATH.length());
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (rest.isEmpty() || rest.equals("/")) {
            switch (method) {
                case "GET", "HEAD" -> index(exchange);
                case "DELETE" -> {
                    if (outbox == null) {
                        exchange.error(409, "INVALID_REQUEST", "Emails go to the SES v2 endpoint " + sesEndpoint + "; clear them there.");
                    } else {
                        outbox.clear();
                        send(exchange, 204, null, null);
                    }
                }
                default -> methodNotAllowed(exchange, "GET, HEAD, DELETE");
            }
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            methodNotAllowed(exchange, "GET, HEAD");
            return true;
        }
        int dot = rest.lastIndexOf('.');
        String id = dot > 1 ? rest.substring(1, dot) : "";
        String kind = dot > 1 ? rest.substring(dot + 1) : "";
        Optional<OutboxEmailGateway.OutboxEmail> found = outbox == null ? Optional.empty() : outbox.find(id);
        if (found.isEmpty() || !List.of("html", "txt", "eml", "ics", "calendar").contains(kind)
                || (kind.equals("ics") || kind.equals("calendar")) && calendarOf(found.get()) == null) {
            exchange.error(404, "NOT_FOUND", "No such email in the local outbox.");
            return true;
        }
        OutboxEmailGateway.OutboxEmail e = found.get();
        switch (kind) {
            case "html" -> {
                response.getHeaders().put("Content-Security-Policy", CSP);
                send(exchange, 200, "text/html; charset=utf-8", e.html() == null ? "" : e.html());
            }
            case "txt" -> send(exchange, 200, "text/plain; charset=utf-8", e.text() == null ? "" : e.text());
            case "ics" -> {
                response.getHeaders().put("Content-Disposition", "attachment; filename=\"invite.ics\"");
                send(exchange, 200, "text/calendar; charset=utf-8", calendarOf(e));
            }
            case "calendar" -> send(exchange, 200, "text/html; charset=utf-8", page("Calendar attachment",
                    CalendarSummary.html(calendarOf(e), e.subject(), PATH + "/" + esc(e.id()))));
            default -> {
                response.getHeaders().put("Content-Disposition", "inline; filename=\"" + e.id() + ".eml\"");
                send(exchange, 200, "message/rfc822", e.raw());
            }
        }
        return true;
    }

    /** The message's {@code invite.ics} (its first calendar attachment) as text, or null when it has none. */
    private static String calendarOf(OutboxEmailGateway.OutboxEmail e) {
        for (OutboxEmailGateway.OutboxAttachment a : e.attachments()) {
            if (a.fileName().endsWith(".ics")) {
                try {
                    return java.nio.file.Files.readString(a.file(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException gone) {
                    return null;
                }
            }
        }
        return null;
    }

    /** One request and its answer. */
    private record Exchange(Request request, Response response, Callback callback) {
        void error(int status, String code, String message) {
            LocalHttp.error(request, response, callback, status, code, message);
        }
    }

    private void index(Exchange exchange) {
        // a browser (Accept: text/html) gets the page, curl and scripts get JSON; ?format= decides otherwise
        String format = LocalRunner.query(exchange.request().getHttpURI().getQuery()).get("format");
        boolean json = format != null ? format.equals("json") : !accepts(exchange, "text/html");
        if (outbox == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", "ses");
            m.put("endpoint", sesEndpoint.toString());
            m.put("message", "Emails are sent through the SES v2 endpoint " + sesEndpoint
                    + " (AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL); aws-ses-v2-local lists them at " + sesEndpoint + "/");
            if (json) {
                send(exchange, 200, "application/json; charset=utf-8", Json.write(m));
            } else {
                send(exchange, 200, "text/html; charset=utf-8", page("Outbox",
                        "<p>Emails are sent through the SES v2 endpoint <a href=\"" + esc(sesEndpoint.toString()) + "/\">"
                                + esc(sesEndpoint.toString()) + "</a> (set by AWS_ENDPOINT_URL_SESV2 or AWS_ENDPOINT_URL), "
                                + "not kept here. aws-ses-v2-local shows them at that address.</p>"));
            }
            return;
        }
        List<OutboxEmailGateway.OutboxEmail> emails = outbox.list();
        if (json) {
            List<Object> list = new ArrayList<>();
            for (OutboxEmailGateway.OutboxEmail e : emails) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.id());
                m.put("messageId", e.messageId());
                m.put("from", e.from());
                m.put("to", e.to());
                m.put("subject", e.subject());
                m.put("sentAt", e.sentAt() == null ? null : e.sentAt().toString());
                m.put("template", e.template());
                m.put("inviteLinks", e.inviteLinks());
                m.put("html", PATH + "/" + e.id() + ".html");
                m.put("text", PATH + "/" + e.id() + ".txt");
                m.put("eml", PATH + "/" + e.id() + ".eml");
                m.put("attachments", e.attachments().stream().map(OutboxEmailGateway.OutboxAttachment::fileName).toList());
                if (calendarOf(e) != null) {
                    m.put("calendar", PATH + "/" + e.id() + ".ics");
                }
                list.add(m);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("mode", "outbox");
            body.put("dir", outbox.dir().toString());
            body.put("emails", list);
            send(exchange, 200, "application/json; charset=utf-8", Json.write(body));
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<p>Emails the local runner \"sent\", newest first. Files: <code>").append(esc(outbox.dir().toString()))
                .append("</code> &middot; <a href=\"").append(PATH).append("?format=json\">JSON</a></p>");
        if (emails.isEmpty()) {
            sb.append("<p class=\"empty\">No emails yet. Create an invite with <code>\"sendEmail\": true</code>.</p>");
        } else {
            sb.append("<table><thead><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th><th>Template</th><th>Open</th></tr></thead><tbody>");
            for (OutboxEmailGateway.OutboxEmail e : emails) {
                String base = PATH + "/" + esc(e.id());
                sb.append("<tr><td>").append(e.sentAt() == null ? "" : esc(e.sentAt().toString().replace('T', ' ')))
                        .append("</td><td>").append(esc(e.to()))
                        .append("</td><td><a href=\"").append(base).append(".html\">").append(esc(e.subject())).append("</a>")
                        .append("</td><td>").append(esc(e.template()))
                        .append("</td><td><a href=\"").append(base).append(".html\">HTML</a> &middot; <a href=\"")
                        .append(base).append(".txt\">text</a> &middot; <a href=\"").append(base).append(".eml\">.eml</a>");
                if (calendarOf(e) != null) {
                    sb.append(" &middot; <a href=\"").append(base).append(".calendar\">invite.ics</a>");
                }
                sb.append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        send(exchange, 200, "text/html; charset=utf-8", page("Outbox (" + emails.size() + ")", sb.toString()));
    }

    static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>room-invites local "
                + esc(title) + "</title><style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}"
                + "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e5e7eb;"
                + "vertical-align:top}th{background:#f9fafb}td{overflow-wrap:anywhere}code{background:#f3f4f6;padding:0 .2rem}.empty{color:#6b7280}</style>"
                + "</head><body><h1>room-invites local " + esc(title) + "</h1>" + body + "</body></html>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static boolean accepts(Exchange exchange, String type) {
        String accept = exchange.request().getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(type);
    }

    private static void methodNotAllowed(Exchange exchange, String allow) {
        exchange.response().getHeaders().put("Allow", allow);
        exchange.error(405, "METHOD_NOT_ALLOWED", "This route does not answer " + exchange.request().getMethod()
                + ". Use " + allow.replace(", ", " or ") + ".");
    }

    private static void send(Exchange exchange, int status, String type, String body) {
        exchange.response().getHeaders().put("Cache-Control", "no-store");
        exchange.response().getHeaders().put("X-Content-Type-Options", "nosniff");
        LocalHttp.send(exchange.request(), exchange.response(), exchange.callback(), status, type,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
}
