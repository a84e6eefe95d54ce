package io.roominvites.contract;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An SQS queue for the functions' processes: answers SendMessageBatch (SQS's JSON protocol, as SqsMessages speaks it)
 * with every entry taken, and keeps the message bodies for the test to hand to the queue's consumer as SQS would.
 */
final class SqsStub implements AutoCloseable {
    private final HttpServer server;
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

    SqsStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                if (!"AmazonSQS.SendMessageBatch".equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                Map<String, Object> body = JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                List<Object> ok = new ArrayList<>();
                for (Object e : JSONObjectUtils.getJSONArray(body, "Entries")) {
                    Map<String, Object> entry = SamTemplate.map(e);
                    bodies.add(String.valueOf(entry.get("MessageBody")));
                    ok.add(Map.of("Id", entry.get("Id"), "MessageId", "stub-" + bodies.size(), "MD5OfMessageBody", "-"));
                }
                byte[] out = JSONObjectUtils.toJSONString(Map.of("Successful", ok, "Failed", List.of()))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
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

    /** A queue URL on this stub. */
    String queueUrl(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/000000000000/" + name;
    }

    /** The bodies of the messages sent so far, oldest first. */
    List<String> bodies() {
        return List.copyOf(bodies);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
