package io.roominvites.emailqueue;

import com.sun.net.httpserver.HttpServer;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.email.EmailQueue;
import io.roominvites.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue against a SendMessageBatch endpoint this test serves (SQS's JSON protocol over loopback HTTP, as the SDK's client speaks it). */
class SqsEmailQueueTest {
    private String queueUrl;

    private HttpServer server;
    private SdkHttpClient http;
    /** Each call's entry ids, in call order. */
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    /** The bodies SQS took, by entry id. */
    private final Map<String, String> taken = new ConcurrentHashMap<>();
    /** Entry ids to refuse, and how many more times each. */
    private final Map<String, AtomicInteger> refuse = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                assertEquals("AmazonSQS.SendMessageBatch", exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                Map<String, Object> body = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(queueUrl, body.get("QueueUrl"));
                assertEquals("application/x-amz-json-1.0", exchange.getRequestHeaders().getFirst("Content-Type"));
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                assertTrue(auth != null && auth.startsWith("AWS4-HMAC-SHA256 Credential=local/")
                        && auth.contains("/us-east-1/sqs/aws4_request"), "a SigV4 signature for sqs: " + auth);
                List<String> ids = new ArrayList<>();
                List<Object> ok = new ArrayList<>();
                List<Object> failed = new ArrayList<>();
                for (Object o : (List<?>) body.get("Entries")) {
                    Map<?, ?> entry = (Map<?, ?>) o;
                    String id = String.valueOf(entry.get("Id"));
                    String message = String.valueOf(entry.get("MessageBody"));
                    ids.add(id);
                    AtomicInteger left = refuse.get(id);
                    if (left != null && left.getAndDecrement() > 0) {
                        failed.add(Map.of("Id", id, "SenderFault", false, "Code", "InternalError", "Message", "try again"));
                    } else {
                        taken.put(id, message);
                        ok.add(Map.of("Id", id, "MessageId", "m-" + id, "MD5OfMessageBody", md5(message)));
                    }
                }
                calls.add(ids);
                byte[] out = Json.write(Map.of("Successful", ok, "Failed", failed)).getBytes(StandardCharsets.UTF_8);
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
        queueUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/123456789012/emails";
        http = UrlConnectionHttpClient.create();
    }

    @AfterEach
    void stop() {
        http.close();
        server.stop(0);
    }

    private SqsEmailQueue queue() {
        return new SqsEmailQueue(http, StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "secret")),
                Region.US_EAST_1, queueUrl);
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<List<EmailQueue.Job>> messages(int n, int jobsEach) {
        List<List<EmailQueue.Job>> out = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            List<EmailQueue.Job> jobs = new ArrayList<>();
            for (int j = 0; j < jobsEach; j++) {
                jobs.add(new EmailQueue.Job("r1", "inv-" + m + "-" + j, Instant.parse("2026-12-04T17:00:00Z")));
            }
            out.add(jobs);
        }
        return out;
    }

    @Test
    void sendsEachMessageAsItsConsumerReadsItInBatchesOfAtMostTen() throws Exception {
        List<List<EmailQueue.Job>> messages = messages(12, 50);
        queue().enqueue(messages);
        assertEquals(List.of(10, 2), calls.stream().map(List::size).toList());
        assertEquals(12, taken.size());
        for (int m = 0; m < 12; m++) {
            Map<String, Object> body = Json.parseObject(taken.get(Integer.toString(m)));
            List<?> jobs = (List<?>) body.get("jobs");
            assertEquals(50, jobs.size());
            Map<?, ?> first = (Map<?, ?>) jobs.get(0);
            assertEquals("r1", first.get("roomId"));
            assertEquals("inv-" + m + "-0", first.get("inviteId"));
            assertEquals("2026-12-04T17:00:00Z", first.get("queuedAt"));
        }
    }

    @Test
    void onlyTheRefusedMessagesAreSentAgain() {
        refuse.put("3", new AtomicInteger(2));
        queue().enqueue(messages(5, 2));
        assertEquals(List.of(List.of("0", "1", "2", "3", "4"), List.of("3"), List.of("3")), calls);
        assertEquals(5, taken.size());
    }

    @Test
    void aMessageStillRefusedAfterItsAttemptsIsServiceUnavailable() {
        refuse.put("1", new AtomicInteger(SqsMessages.MAX_ATTEMPTS));
        InviteException e = assertThrows(InviteException.class,
                () -> queue().enqueue(messages(3, 1)));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        assertEquals(SqsMessages.MAX_ATTEMPTS, calls.size());
        assertEquals(2, taken.size());
    }

    @Test
    void withoutAQueueUrlThereIsNoQueueAndAMalformedOneIsAConfigurationProblem() {
        assertEquals(null, SqsEmailQueue.fromConfig(new io.roominvites.aws.Config(Map.of())));
        assertEquals(null, SqsEmailQueue.fromConfig(new io.roominvites.aws.Config(Map.of("EMAIL_QUEUE_URL", ""))));
        io.roominvites.aws.Config bad = new io.roominvites.aws.Config(Map.of("EMAIL_QUEUE_URL", "emails-queue"));
        assertEquals(null, SqsEmailQueue.fromConfig(bad));
        io.roominvites.aws.Config.ConfigException e = assertThrows(io.roominvites.aws.Config.ConfigException.class, bad::validate);
        assertTrue(e.getMessage().contains("EMAIL_QUEUE_URL must be the email queue's URL"), e.getMessage());
    }
}
