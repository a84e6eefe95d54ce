package io.roominvites.eventbus;

import com.sun.net.httpserver.HttpServer;
import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher against a PutEvents endpoint this test serves (the SDK's own JSON protocol over loopback HTTP). */
class EventBridgePublisherTest {
    private HttpServer server;
    private EventBridgeClient client;
    /** Each PutEvents call's entries' detail-eventIds, in call order. */
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    /** eventIds to refuse, and how many more times each. */
    private final Map<String, AtomicInteger> refuse = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger failWholeCalls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                Map<String, Object> body = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                List<String> ids = new ArrayList<>();
                List<Object> results = new ArrayList<>();
                int failed = 0;
                for (Object o : (List<?>) body.get("Entries")) {
                    Map<?, ?> entry = (Map<?, ?>) o;
                    assertEquals("room-invites", entry.get("Source"));
                    assertEquals("bus-1", entry.get("EventBusName"));
                    Map<String, Object> detail = Json.parseObject(String.valueOf(entry.get("Detail")));
                    String id = String.valueOf(detail.get("eventId"));
                    ids.add(id);
                    AtomicInteger left = refuse.get(id);
                    if (left != null && left.getAndDecrement() > 0) {
                        failed++;
                        results.add(Map.of("ErrorCode", "ThrottlingException", "ErrorMessage", "Rate exceeded"));
                    } else {
                        results.add(Map.of("EventId", "ev-" + id));
                    }
                }
                calls.add(ids);
                byte[] out;
                int status;
                if (failWholeCalls.getAndDecrement() > 0) {
                    status = 500;
                    out = "{\"__type\":\"InternalException\",\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 200;
                    out = Json.write(Map.of("FailedEntryCount", failed, "Entries", results)).getBytes(StandardCharsets.UTF_8);
                }
                assertEquals("AWSEvents.PutEvents", target);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(status, out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            } catch (java.text.ParseException e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        server.start();
        client = EventBridgeClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private static List<LifecycleEvent> events(int n) {
        List<LifecycleEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LifecycleEvent(EventType.INVITE_CREATED, "inv-" + i + ":0:invite-created", 0, "r1", "inv-" + i,
                    "VIEWER", null, "g***@example.org", "o***@example.com", Instant.parse("2026-11-23T20:00:00Z"), 1,
                    Map.of()));
        }
        return out;
    }

    @Test
    void publishesInBatchesOfAtMostTen() {
        List<LifecycleEvent> failed = new EventBridgePublisher(client, "bus-1", 0).publish(events(23));
        assertEquals(List.of(), failed);
        assertEquals(List.of(10, 10, 3), calls.stream().map(List::size).toList());
        Set<String> all = new HashSet<>();
        calls.forEach(all::addAll);
        assertEquals(23, all.size());
    }

    @Test
    void onlyTheRefusedEntriesAreSentAgain() {
        refuse.put("inv-3:0:invite-created", new AtomicInteger(2));
        List<LifecycleEvent> failed = new EventBridgePublisher(client, "bus-1", 0).publish(events(5));
        assertEquals(List.of(), failed, "published on the third attempt");
        assertEquals(3, calls.size());
        assertEquals(5, calls.get(0).size());
        assertEquals(List.of("inv-3:0:invite-created"), calls.get(1));
        assertEquals(List.of("inv-3:0:invite-created"), calls.get(2));
    }

    @Test
    void aFailedCallIsRetriedWhole() {
        failWholeCalls.set(1);
        List<LifecycleEvent> failed = new EventBridgePublisher(client, "bus-1", 0).publish(events(3));
        assertEquals(List.of(), failed);
        assertEquals(2, calls.size());
        assertEquals(calls.get(0), calls.get(1));
    }

    @Test
    void retriesAreBoundedAndWhatStillFailsIsAnswered() {
        refuse.put("inv-1:0:invite-created", new AtomicInteger(1000));
        List<LifecycleEvent> events = events(3);
        List<LifecycleEvent> failed = new EventBridgePublisher(client, "bus-1", 0).publish(events);
        assertEquals(List.of(events.get(1)), failed);
        assertTrue(failed.getFirst() == events.get(1), "the same instance, so the caller can tell its origin");
        assertEquals(EventBridgePublisher.MAX_ATTEMPTS, calls.size());
        assertFalse(calls.stream().skip(1).anyMatch(c -> c.size() != 1));
    }
}
