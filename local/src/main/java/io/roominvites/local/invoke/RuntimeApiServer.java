package io.roominvites.local.invoke;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A Lambda Runtime API (2018-06-01) for one invocation, on the loopback interface: hands the event to the first
 * {@code GET /runtime/invocation/next}, takes the function's response or error, or its init error, and keeps every
 * later {@code next} waiting (as Lambda does between invocations) until {@link #close()}.
 */
final class RuntimeApiServer implements AutoCloseable {
    private static final String BASE = "/2018-06-01/runtime";

    /** What the function answered: a response body, an invocation error or an init error (JSON each). */
    record Outcome(Kind kind, String body) {
        enum Kind { RESPONSE, ERROR, INIT_ERROR }
    }

    private final HttpServer server;
    private final byte[] event;
    private final String requestId = UUID.randomUUID().toString();
    private final String functionArn;
    private final Duration timeout;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean handedOut;

    RuntimeApiServer(byte[] event, String functionArn, Duration timeout) throws IOException {
        this.event = event;
        this.functionArn = functionArn;
        this.timeout = timeout;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext(BASE + "/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String requestId() {
        return requestId;
    }

    CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(BASE.length());
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals("/invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("/invocation/" + requestId + "/response")) {
                outcome.complete(new Outcome(Outcome.Kind.RESPONSE, new String(body, StandardCharsets.UTF_8)));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.equals("/invocation/" + requestId + "/error")) {
                outcome.complete(new Outcome(Outcome.Kind.ERROR, new String(body, StandardCharsets.UTF_8)));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.equals("/init/error")) {
                outcome.complete(new Outcome(Outcome.Kind.INIT_ERROR, new String(body, StandardCharsets.UTF_8)));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                send(exchange, 404, "{\"errorMessage\":\"unknown Runtime API call " + method + " " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        boolean first;
        synchronized (this) {
            first = !handedOut;
            handedOut = true;
        }
        if (!first) {
            try {
                closed.await(); // the one invocation is over: the runtime waits here until the process is stopped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        var h = exchange.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("Lambda-Runtime-Aws-Request-Id", requestId);
        h.set("Lambda-Runtime-Deadline-Ms", String.valueOf(System.currentTimeMillis() + timeout.toMillis()));
        h.set("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        h.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + requestId.replace("-", "").substring(0, 24) + ";Parent=" + requestId.replace("-", "").substring(0, 16) + ";Sampled=0");
        exchange.sendResponseHeaders(200, event.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(event);
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
