package io.roominvites.email.ses;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.roominvites.email.DeliveryFailure;
import io.roominvites.email.EmailGateway.SendOutcome;
import io.roominvites.logging.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real SDK client as {@link SesEmailGateway#clientBuilder} builds it, against a scripted HTTP server:
 * bounded retries on throttling, timeouts, refused connections, and the SDK's standard endpoint
 * resolution (service-specific {@code aws.endpointUrlSesV2} / AWS_ENDPOINT_URL_SESV2).
 */
class SesClientOverHttpTest {
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Function<HttpExchange, Reply> script = e -> new Reply(200, Map.of(), "{}");

    record Reply(int status, Map<String, String> headers, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        Log.redirect(new PrintStream(OutputStream.nullOutputStream()));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
                Reply r = script.apply(exchange);
                r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(r.status(), body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException ignored) {
                // the client gave up (timeout tests)
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        Log.redirect(System.out);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static SesV2ClientBuilder local(SesV2ClientBuilder b) {
        return b.region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    }

    private SesEmailGateway gateway(URI endpoint) {
        SesV2Client client = local(SesEmailGateway.clientBuilder()).endpointOverride(endpoint).build();
        return new SesEmailGateway(client, "invites@example.com", null, Duration.ofSeconds(60), Clock.systemUTC());
    }

    private long sends() {
        return requests.stream().filter(r -> r.equals("POST /v2/email/outbound-emails")).count();
    }

    @Test
    void throttlingIsRetriedAtMostThreeTimesThenReportedAsBusy() {
        script = e -> new Reply(429, Map.of("x-amzn-ErrorType", "TooManyRequestsException"),
                "{\"message\":\"Maximum sending rate exceeded.\"}");
        SesEmailGateway g = gateway(endpoint());
        long start = System.nanoTime();
        SendOutcome out = g.send("guest@example.org", "RoomInvitation", Map.of("firstName", "Gia"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(DeliveryFailure.THROTTLED.reason(), out.error());
        assertEquals(SesEmailGateway.MAX_ATTEMPTS, sends());
        assertTrue(took.compareTo(SesEmailGateway.SEND_TIMEOUT.plusSeconds(1)) < 0, "took " + took);
    }

    @Test
    void aRejectedMessageIsNotRetried() {
        script = e -> new Reply(400, Map.of("x-amzn-ErrorType", "MessageRejected"), "{\"message\":\"Email address is not verified.\"}");
        SendOutcome out = gateway(endpoint()).send("guest@example.org", "RoomInvitation", Map.of());
        assertEquals(DeliveryFailure.REJECTED.reason(), out.error());
        assertEquals(1, sends());
    }

    @Test
    void aSilentServiceIsGivenUpWithinTheSendTimeout() {
        script = e -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            return new Reply(200, Map.of(), "{}");
        };
        SesEmailGateway g = gateway(endpoint());
        long start = System.nanoTime();
        SendOutcome out = g.send("guest@example.org", "RoomInvitation", Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(DeliveryFailure.UNREACHABLE.reason(), out.error());
        assertTrue(took.compareTo(SesEmailGateway.SEND_TIMEOUT.plusSeconds(2)) < 0, "took " + took);
    }

    @Test
    void aRefusedConnectionIsUnreachableAndQuick() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        SesEmailGateway g = gateway(URI.create("http://127.0.0.1:" + closed));
        SendOutcome out = g.send("guest@example.org", "RoomInvitation", Map.of());
        assertEquals(DeliveryFailure.UNREACHABLE.reason(), out.error());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
        assertTrue(g.templateExists("RoomInvitation"), "unknown during an outage: offered, the send reports the failure");
    }

    @Test
    void theEndpointComesFromTheSdksStandardServiceSpecificSetting() {
        // the system-property twin of AWS_ENDPOINT_URL_SESV2, read by the SDK itself (no endpointOverride)
        script = e -> e.getRequestURI().getPath().startsWith("/v2/email/templates/")
                ? new Reply(200, Map.of(), "{\"TemplateName\":\"RoomInvitation\",\"TemplateContent\":{\"Subject\":\"s\"}}")
                : new Reply(200, Map.of(), "{\"MessageId\":\"m-1\"}");
        String previous = System.setProperty("aws.endpointUrlSesV2", endpoint().toString());
        try (SesV2Client client = local(SesEmailGateway.clientBuilder()).build()) {
            SesEmailGateway g = new SesEmailGateway(client, "invites@example.com", null, Duration.ZERO, Clock.systemUTC());
            assertTrue(g.templateExists("RoomInvitation"));
            assertEquals("m-1", g.send("guest@example.org", "RoomInvitation", Map.of()).messageId());
        } finally {
            if (previous == null) {
                System.clearProperty("aws.endpointUrlSesV2");
            } else {
                System.setProperty("aws.endpointUrlSesV2", previous);
            }
        }
        assertEquals(List.of("GET /v2/email/templates/RoomInvitation", "POST /v2/email/outbound-emails"), requests);
    }
}
