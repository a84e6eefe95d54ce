package io.roominvites.local;

import io.roominvites.logging.Log;
import io.roominvites.json.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The local runner's HTTP server: Jetty 12 (the one DynamoDB Local brings), standing in for API Gateway. Every answer
 * it gives on its own is in the contract's error shape with a request id, as the API's are: a request line or URL it
 * can't parse (400), a head over API Gateway's 10 KB (431), an error in a handler (500); connections are kept alive,
 * with TCP_NODELAY.
 */
public final class LocalHttp {
    /** API Gateway HTTP API's quota for the request line and the header values together: 10,240 bytes. */
    static final int MAX_HEAD_BYTES = 10 * 1024;
    /** A body this small that an answer did not need is read and dropped, keeping the connection. */
    private static final int MAX_DRAINED_BYTES = 64 * 1024;

    private LocalHttp() {
    }

    /** Serves {@code handler} on 127.0.0.1:{@code port} (0: any free port); started. */
    public static Server start(int port, Request.Handler handler) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("runner-http-" + port);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEAD_BYTES);
        http.setSendServerVersion(false);
        // the path is passed raw to the router (as API Gateway passes it): %2F and the like are its to judge
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        connector.setAcceptQueueSize(256);
        // an answer's head and a body past the first buffer go in two writes: with Nagle's algorithm the second
        // would wait for the client's delayed ACK (~40 ms a list page)
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        server.setErrorHandler(new ErrorShape());
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String problem = targetProblem(request);
                if (problem != null) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    error(request, response, callback, 400, "INVALID_REQUEST", problem);
                    return true;
                }
                return handler.handle(request, response, callback);
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /** The port a started server listens on. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Why this request's target is not a valid URL (a malformed %-escape, a raw space), or null when it is. */
    static String targetProblem(Request request) {
        String path = request.getHttpURI().getPath();
        String query = request.getHttpURI().getQuery();
        try {
            new URI((path == null ? "/" : path) + (query == null ? "" : "?" + query));
            return null;
        } catch (URISyntaxException e) {
            return "The URL is not valid: it has a malformed %-escape or a character that must be %-encoded. Encode it and try again.";
        }
    }

    /** The request's headers, lower-cased, the first value of each. */
    static Map<String, String> headers(Request request) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
        }
        return headers;
    }

    /** Sends a whole answer (no body for HEAD, its length all the same). */
    static void send(Request request, Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        byte[] bytes = body == null ? new byte[0] : body;
        if (status != 204 && status != 304) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        }
        boolean head = request.getMethod().equalsIgnoreCase("HEAD");
        response.write(true, bytes.length == 0 || head ? null : ByteBuffer.wrap(bytes), callback);
    }

    /**
     * An answer of the runner's own in the contract's error shape, with a new request id (logged like the API's). A body
     * the request still has is read and dropped first when small, else the connection is closed after the answer: a
     * client must not send its next request on a connection whose last body is still arriving.
     */
    static void error(Request request, Response response, Callback callback, int status, String code, String message) {
        drainOrClose(request, response);
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("requestId", requestId);
        response.getHeaders().put("X-Request-Id", requestId);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (status == 503 || status == 429) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
        }
        send(request, response, callback, status, "application/json; charset=utf-8",
                Json.write(Map.of("error", error)).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("requestId", requestId);
        access.put("route", request.getMethod() + " ? (answered by the runner)");
        access.put("status", status);
        Log.access(access);
    }

    private static void drainOrClose(Request request, Response response) {
        long length = request.getLength();
        if (length == 0 || response.getHeaders().contains(HttpHeader.CONNECTION, "close")) {
            return;
        }
        if (length > 0 && length <= MAX_DRAINED_BYTES) {
            try (InputStream in = Request.asInputStream(request)) {
                in.transferTo(OutputStream.nullOutputStream());
                return;
            } catch (IOException | RuntimeException e) {
                // unreadable: close instead
            }
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    /** Jetty's own answers (a request it can't parse, a head too large, a handler's failure) in the error shape. */
    static final class ErrorShape extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
            String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
            response.getHeaders().remove(HttpHeader.CONTENT_TYPE);
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // what is left of this request is not read
            error(request, response, callback, status, code(status), message(status, reason));
            return true;
        }

        static String code(int status) {
            return switch (status) {
                case 404 -> "ROUTE_NOT_FOUND";
                case 405 -> "METHOD_NOT_ALLOWED";
                case 429 -> "RATE_LIMITED";
                case 503 -> "SERVICE_UNAVAILABLE";
                default -> status >= 500 ? "INTERNAL" : "INVALID_REQUEST";
            };
        }

        static String message(int status, String reason) {
            String why = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
            return switch (status) {
                case 431 -> "The request's headers are too large (at most " + MAX_HEAD_BYTES / 1024
                        + " KB for the request line and headers together)." + why;
                case 413 -> "The request body is too large." + why;
                case 414 -> "The URL is too long." + why;
                case 400 -> "The request is not valid HTTP (method, target and version, then headers)." + why;
                default -> status >= 500 ? "Something went wrong in the local runner." + why
                        : "The request was not accepted." + why;
            };
        }
    }
}
