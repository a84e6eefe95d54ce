package io.roominvites.it.local;

import io.roominvites.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's HTTP layer as API Gateway would be in front of the functions, through {@code java -jar}: bodies
 * read up to the route's limit (a 500-row bulk as JSON and as CSV), a body over it and a head too large answered
 * in the contract's error shape (400 past a route's limit, 413 past API Gateway's 10 MB, 431), the pages' 405 in that shape too, and connections kept alive.
 */
class LocalRunnerHttpTest {
    private static LocalRunnerProcessTest.Runner runner;
    private static String owner;

    @BeforeAll
    static void start() throws Exception {
        runner = LocalRunnerProcessTest.start(Map.of());
        owner = runner.token("owner@example.com", false);
        // two bulks of 500 by one manager: past the demo site's default of 500 a day (the send limits are not
        // what this class tests: SendLimitsTest does)
        String admin = runner.token("admin@example.com", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = new LinkedHashMap<>(Json.parseObject(
                call("GET", "/admin/settings", admin, null).body()));
        settings.put("sendLimits", Map.of("perManagerPerDay", 10_000, "perRoomPerDay", 10_000, "resendCooldownSeconds", 0));
        assertEquals(200, call("PUT", "/admin/settings", admin, Json.write(settings)).statusCode());
    }

    /**
     * Each request on a connection of its own: a test here may make the runner close its connection (a body past the
     * limit is not read), and a pooled connection the server closed answers a client nothing (connection reuse is
     * tested on a raw socket: {@link #aConnectionIsKeptAliveForTheNextRequest}).
     */
    private static HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(runner.base() + path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    private static HttpResponse<String> send(java.net.http.HttpRequest request) throws Exception {
        try (java.net.http.HttpClient fresh = java.net.http.HttpClient.newHttpClient()) {
            return fresh.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
    }

    /** {"error": {"code", "message", "requestId"}} with the same id in X-Request-Id. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> errorShape(int status, String code, int gotStatus, String body, String requestIdHeader) throws Exception {
        assertEquals(status, gotStatus, body);
        Map<String, Object> error = (Map<String, Object>) Json.parseObject(body).get("error");
        assertNotNull(error, body);
        assertEquals(code, error.get("code"), body);
        assertTrue(error.get("message") instanceof String m && !m.isBlank(), body);
        assertTrue(error.get("requestId") instanceof String id && !id.isBlank(), body);
        assertEquals(error.get("requestId"), requestIdHeader, "the header names the same request id");
        return error;
    }

    private static HttpResponse<String> bulk(String contentType, String query, String body) throws Exception {
        return send(java.net.http.HttpRequest.newBuilder(
                        URI.create(runner.base() + "/rooms/next-level-growth/invites/bulk" + query))
                .header("authorization", "Bearer " + owner).header("content-type", contentType)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aBulkOf500JsonRowsCreatesAll500() throws Exception {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("email", "json-row-" + i + "@example.org");
            row.put("firstName", "Firstname" + i);
            row.put("lastName", "Lastname" + i);
            row.put("role", "VIEWER");
            rows.add(row);
        }
        String body = Json.write(Map.of("invites", rows, "sendEmail", false));
        assertTrue(body.length() > 32 * 1024, "well past the 16 KB of the other routes: " + body.length());
        allCreated(500, bulk("application/json", "", body));
    }

    private static void allCreated(long rows, HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> json = Json.parseObject(r.body());
        assertEquals(rows, ((Number) json.get("created")).longValue(), r.body().substring(0, Math.min(300, r.body().length())));
        assertEquals(0L, ((Number) json.get("failed")).longValue());
    }

    @Test
    void aBulkOf500CsvRowsCreatesAll500() throws Exception {
        StringBuilder csv = new StringBuilder("email,firstName,lastName,role\r\n");
        for (int i = 0; i < 500; i++) {
            csv.append("csv-row-").append(i).append("@example.org,Firstname").append(i).append(",Lastname").append(i).append(",VIEWER\r\n");
        }
        assertTrue(csv.length() > 24 * 1024, "past the 16 KB the runner used to stop at: " + csv.length());
        allCreated(500, bulk("text/csv", "?sendEmail=false", csv.toString()));
    }

    @Test
    void aBodyOverTheRoutesLimitIsTheFunctions400AndOverTheGatewaysIs413() throws Exception {
        // 16 KB for a single invite, 512 KB for a bulk (Operation.maxBodyBytes): the deployed function's 400
        HttpResponse<String> one = send(java.net.http.HttpRequest.newBuilder(
                        URI.create(runner.base() + "/rooms/next-level-growth/invites"))
                .header("authorization", "Bearer " + owner).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"big@example.org\",\"padding\":\"" + "p".repeat(17 * 1024) + "\"}")).build());
        Map<String, Object> e = errorShape(400, "INVALID_REQUEST", one.statusCode(), one.body(),
                one.headers().firstValue("x-request-id").orElse(null));
        assertTrue(((String) e.get("message")).contains("16 KB"), e.toString());
        HttpResponse<String> many = bulk("text/csv", "", "email,firstName,lastName,role\r\n" + "x".repeat(600 * 1024));
        Map<String, Object> e2 = errorShape(400, "INVALID_REQUEST", many.statusCode(), many.body(),
                many.headers().firstValue("x-request-id").orElse(null));
        assertTrue(((String) e2.get("message")).contains("512 KB"), e2.toString());
        // over API Gateway's 10 MB: its own 413, told from the declared length (the body is never sent nor read)
        URI base = URI.create(runner.base());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /rooms/next-level-growth/invites/bulk HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nContent-Type: text/csv\r\nContent-Length: " + (10L * 1024 * 1024 + 1) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.contains("\"code\":\"INVALID_REQUEST\"") && answer.contains("\"requestId\""), answer);
        }
        // and the runner still answers
        assertEquals(200, call("GET", "/.well-known/jwks.json", null, null).statusCode());
    }

    @Test
    void aHeadTooLargeIs431InTheErrorShape() throws Exception {
        Raw answer = Raw.exchange(port(), "GET /rooms/next-level-growth/invites HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + "t".repeat(100 * 1024) + "\r\nConnection: close\r\n\r\n");
        errorShape(431, "INVALID_REQUEST", answer.status, answer.body, answer.header("x-request-id"));
        assertEquals(200, call("GET", "/.well-known/jwks.json", null, null).statusCode());
    }

    @Test
    void otherMethodsOnThePagesAre405InTheErrorShape() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            for (String path : List.of("/", "/manage", "/styles.css")) {
                HttpResponse<String> r = call(method, path, null, method.equals("DELETE") ? null : "{}");
                errorShape(405, "METHOD_NOT_ALLOWED", r.statusCode(), r.body(), r.headers().firstValue("x-request-id").orElse(null));
                assertEquals("GET, HEAD", r.headers().firstValue("allow").orElse(""), method + " " + path);
            }
        }
    }

    @Test
    void aConnectionIsKeptAliveForTheNextRequest() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET /.well-known/jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Raw r = Raw.read(in);
                assertEquals(200, r.status, "request " + (i + 1) + " on the same connection: " + r.head);
                assertTrue(r.body.contains("\"keys\""), r.body);
            }
        }
    }

    private static int port() {
        return URI.create(runner.base()).getPort();
    }

    /** One HTTP/1.1 answer read off a socket: status, head, body (by Content-Length, else to the end). */
    record Raw(int status, String head, String body) {
        static Raw exchange(int port, String request) throws IOException {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                try {
                    s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException closedEarly) {
                    // a server may answer and close before it read the whole request: the answer is still there
                }
                return read(s.getInputStream());
            }
        }

        static Raw read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed before a whole answer: " + head);
                }
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(h.substring(9, 12));
            Raw partial = new Raw(status, h, "");
            String length = partial.header("content-length");
            byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
            return new Raw(status, h, new String(body, StandardCharsets.UTF_8));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }
}
