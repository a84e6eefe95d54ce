package io.roominvites.local;

import io.roominvites.logging.Log;
import io.roominvites.json.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The local runner's listening socket, in front of the JDK's HTTP server (which listens on another loopback port).
 * The JDK server answers a request line it can't parse (a malformed %-escape such as {@code GET /rooms/%ZZ/invites})
 * with its own HTML page naming {@code URISyntaxException} and no request id; the front door reads each request's
 * line first and answers those itself in the contract's error shape, with a request id. Anything else is relayed
 * byte for byte, one request per connection ({@code Connection: close}), so that every request line passes here.
 */
final class FrontDoor implements AutoCloseable {
    static final int MAX_HEAD_BYTES = 64 * 1024;

    private final ServerSocket socket;
    private final InetSocketAddress backend;
    private volatile boolean open = true;

    private FrontDoor(ServerSocket socket, InetSocketAddress backend) {
        this.socket = socket;
        this.backend = backend;
    }

    /** Listens on 127.0.0.1:{@code port}, relaying to {@code backend}. */
    static FrontDoor open(int port, InetSocketAddress backend) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        FrontDoor door = new FrontDoor(s, backend);
        Thread.ofPlatform().name("front-door").daemon().start(door::acceptLoop);
        return door;
    }

    private void acceptLoop() {
        while (open) {
            try {
                Socket client = socket.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                if (!open) {
                    return;
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream());
            byte[] head = readHead(in);
            if (head == null) {
                return; // closed before a whole request head, or a head too large: nothing to answer sensibly
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int eol = text.indexOf("\r\n");
            String requestLine = text.substring(0, eol);
            String problem = problem(requestLine);
            if (problem != null) {
                refuse(client.getOutputStream(), problem);
                return;
            }
            String rebuilt = withClose(text);
            try (Socket server = new Socket(backend.getAddress(), backend.getPort())) {
                server.setTcpNoDelay(true);
                OutputStream up = server.getOutputStream();
                up.write(rebuilt.getBytes(StandardCharsets.ISO_8859_1));
                up.flush();
                Thread body = Thread.ofVirtual().start(() -> {
                    try {
                        in.transferTo(up); // the body (and anything a client pipelines, which the server then ignores)
                    } catch (IOException ignored) {
                        // one side closed
                    }
                });
                InputStream down = new BufferedInputStream(server.getInputStream());
                OutputStream out = client.getOutputStream();
                byte[] response;
                do {
                    // interim answers (100 Continue) pass as they are; the final one is told to close the connection,
                    // so that the client sends its next request on a new one (through here)
                    response = readHead(down);
                    if (response == null) {
                        return;
                    }
                    String answerHead = new String(response, StandardCharsets.ISO_8859_1);
                    if (answerHead.startsWith("HTTP/1.1 1") || answerHead.startsWith("HTTP/1.0 1")) {
                        out.write(response);
                        out.flush();
                        response = null;
                    } else {
                        out.write(withClose(answerHead).getBytes(StandardCharsets.ISO_8859_1));
                    }
                } while (response == null);
                down.transferTo(out);
                out.flush();
                body.interrupt();
            }
        } catch (IOException ignored) {
            // the client or the server went away mid-request
        }
    }

    /** A request or response head with its connection headers replaced by {@code Connection: close}. */
    static String withClose(String head) {
        int eol = head.indexOf("\r\n");
        StringBuilder rebuilt = new StringBuilder(head.substring(0, eol)).append("\r\n");
        for (String header : head.substring(eol + 2, head.length() - 4).split("\r\n", -1)) {
            String name = header.contains(":") ? header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
            if (!header.isEmpty() && !name.equals("connection") && !name.equals("keep-alive")) {
                rebuilt.append(header).append("\r\n");
            }
        }
        return rebuilt.append("Connection: close\r\n\r\n").toString();
    }

    /** Why the JDK server would refuse this request line with its own page, or null when it is fine. */
    static String problem(String requestLine) {
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[2].startsWith("HTTP/")) {
            return "The request line is not valid HTTP (method, target and version, separated by single spaces).";
        }
        try {
            new URI(parts[1]);
            return null;
        } catch (URISyntaxException e) {
            return "The URL is not valid: it has a malformed %-escape or a character that must be %-encoded. Encode it and try again.";
        }
    }

    /** Reads up to and including the blank line ending the head; null at end of stream or beyond the size limit. */
    static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                return bytes.length == 4 ? readHead(in) : bytes; // a stray empty line before a request is allowed
            }
        }
        return null;
    }

    private static void refuse(OutputStream out, String message) throws IOException {
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "INVALID_REQUEST");
        error.put("message", message);
        error.put("requestId", requestId);
        byte[] body = Json.write(Map.of("error", error)).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: " + requestId
                + "\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("requestId", requestId);
        access.put("route", "? (request line refused)");
        access.put("status", 400);
        Log.access(access);
    }

    @Override
    public void close() throws IOException {
        open = false;
        socket.close();
    }
}
