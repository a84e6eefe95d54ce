package io.roominvites.aws;


import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signing-key secret is read with one hand-signed GetSecretValue (no Secrets Manager SDK client in the
 * jars): checked here against a loopback stand-in for the service that records what it receives.
 */
class SecretsManagerGetTest {
    private static HttpServer server;
    private static final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private static final List<Received> received = Collections.synchronizedList(new ArrayList<>());

    private record Answer(int status, String body) {
    }

    private record Received(String target, String authorization, String body) {
    }

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("aws.region", "eu-west-1");
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "test-secret-key");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                Answer a = answers.poll();
                byte[] out = (a == null ? "{}" : a.body).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a == null ? 500 : a.status, out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void reset() {
        answers.clear();
        received.clear();
    }

    private static Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void readsTheSecretWithOneSignedGetSecretValue() {
        answers.add(new Answer(200, "{\"ARN\":\"arn\",\"Name\":\"keys\",\"SecretString\":\"{\\\"activeKid\\\":\\\"k1\\\"}\"}"));
        assertEquals("{\"activeKid\":\"k1\"}", AwsClients.SecretsManagerGet.secretString("room-invites/keys", env()));
        assertEquals(1, received.size());
        Received r = received.getFirst();
        assertEquals("secretsmanager.GetSecretValue", r.target());
        assertTrue(r.authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/"), r.authorization());
        assertTrue(r.authorization().contains("/eu-west-1/secretsmanager/aws4_request"), r.authorization());
        assertEquals("{\"SecretId\":\"room-invites/keys\"}", r.body());
    }

    @Test
    void aMissingSecretFailsAtOnceWithAClearMessage() {
        answers.add(new Answer(400, "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"not found\"}"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AwsClients.SecretsManagerGet.secretString("room-invites/missing", env()));
        assertTrue(e.getMessage().contains("ResourceNotFoundException"), e.getMessage());
        assertFalse(e.getMessage().contains("test-secret-key"));
        assertEquals(1, received.size(), "a missing secret is not retried");
    }

    @Test
    void serverErrorsAreRetriedABoundedNumberOfTimes() {
        answers.add(new Answer(500, "{\"__type\":\"InternalServiceError\"}"));
        answers.add(new Answer(503, "{}"));
        answers.add(new Answer(200, "{\"SecretString\":\"ok\"}"));
        assertEquals("ok", AwsClients.SecretsManagerGet.secretString("room-invites/keys", env()));
        assertEquals(3, received.size());

        reset();
        for (int i = 0; i < 5; i++) {
            answers.add(new Answer(500, "{}"));
        }
        assertThrows(IllegalStateException.class, () -> AwsClients.SecretsManagerGet.secretString("room-invites/keys", env()));
        assertEquals(AwsClients.SecretsManagerGet.ATTEMPTS, received.size());
    }
}
