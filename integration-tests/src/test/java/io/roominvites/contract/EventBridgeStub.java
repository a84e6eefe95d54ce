package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An EventBridge endpoint for the stream consumer's process: answers PutEvents (AWS JSON 1.1) with an EventId per
 * entry and keeps every entry it was given, for the test to read.
 */
final class EventBridgeStub implements AutoCloseable {
    private final HttpServer server;
    private final List<Map<String, Object>> entries = Collections.synchronizedList(new ArrayList<>());

    EventBridgeStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                Map<String, Object> body = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                List<Object> results = new ArrayList<>();
                for (Object e : JSONObjectUtils.getJSONArray(body, "Entries")) {
                    entries.add(SamTemplate.map(e));
                    results.add(Map.of("EventId", "stub-" + entries.size()));
                }
                byte[] out = JSONObjectUtils.toJSONString(Map.of("FailedEntryCount", 0, "Entries", results))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(200, out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            } catch (java.text.ParseException e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Map<String, Object>> entries() {
        return List.copyOf(entries);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
