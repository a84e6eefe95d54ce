package io.roominvites.emailqueue;

import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.aws.SignedJsonCall;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.json.Json;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages to one Amazon SQS queue, sent with SendMessageBatch (SQS's JSON protocol), at most {@value #MAX_BATCH} a
 * call. The entries SQS refuses and whole calls that fail are tried again, only those, at most {@value #MAX_ATTEMPTS}
 * times; if some still fail the caller gets SERVICE_UNAVAILABLE.
 *
 * <p>Not the SDK's SQS client: it would add 0.9 MB (its whole model) to create-invite's jar, past the 12 MB budget,
 * for this one call. The request is signed by the SDK's own SigV4 signer and sent on the container's one HTTP client
 * ({@link AwsClients#httpClient()}), to the queue URL's host.
 */
public final class SqsMessages {
    /** SendMessageBatch takes at most ten entries per call. */
    static final int MAX_BATCH = 10;
    static final int MAX_ATTEMPTS = 3;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final String queueUrl;
    private final URI endpoint;

    public SqsMessages(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, String queueUrl) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.queueUrl = queueUrl;
        URI u = URI.create(queueUrl);
        this.endpoint = URI.create(u.getScheme() + "://" + u.getRawAuthority() + "/");
    }

    /**
     * The queue at the URL in {@code variable} (the region and credentials of the function), or null when the
     * variable is unset or empty; a malformed URL is noted as a problem of {@code config}. Build it once per
     * container, at init.
     */
    public static SqsMessages fromConfig(Config config, String variable, String what) {
        String url = config.raw(variable);
        if (url == null || url.isBlank()) {
            return null;
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            u = null;
        }
        if (u == null || u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
            config.problem(variable + " must be " + what + " URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got '" + url + "'");
            return null;
        }
        return new SqsMessages(AwsClients.httpClient(), DefaultCredentialsProvider.builder().build(),
                new DefaultAwsRegionProviderChain().getRegion(), url);
    }

    /**
     * Sends {@code bodies}, one SQS message each.
     *
     * @throws InviteException SERVICE_UNAVAILABLE when some could not be sent after the retries
     */
    public void send(List<String> bodies) {
        int failed = 0;
        for (int from = 0; from < bodies.size(); from += MAX_BATCH) {
            failed += sendBatch(bodies.subList(from, Math.min(bodies.size(), from + MAX_BATCH)), from);
        }
        if (failed > 0) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
    }

    /** Sends one batch (entry ids are the messages' indexes); answers how many messages could not be sent. */
    private int sendBatch(List<String> batch, int firstIndex) {
        Map<String, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.put(Integer.toString(firstIndex + i), batch.get(i));
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<String> sent;
            try {
                sent = call(pending);
            } catch (IOException | RuntimeException e) {
                System.err.println("{\"event\":\"email-queue-send-failed\",\"attempt\":" + attempt + ",\"messages\":"
                        + pending.size() + ",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                continue; // the whole call failed: all of it again
            }
            // what SQS did not answer as sent (refused, or not answered at all) goes again
            int entries = pending.size();
            sent.forEach(pending::remove);
            if (!pending.isEmpty()) {
                System.err.println("{\"event\":\"email-queue-entries-failed\",\"attempt\":" + attempt + ",\"failed\":"
                        + pending.size() + ",\"of\":" + entries + "}");
            }
        }
        return pending.size();
    }

    /** One SendMessageBatch call; answers the ids SQS took. */
    private List<String> call(Map<String, String> entries) throws IOException {
        List<Object> list = new ArrayList<>(entries.size());
        entries.forEach((id, body) -> list.add(Map.of("Id", id, "MessageBody", body)));
        byte[] payload = Json.write(Map.of("QueueUrl", queueUrl, "Entries", list)).getBytes(StandardCharsets.UTF_8);
        SignedJsonCall.Answer response = SignedJsonCall.post(http, credentials.resolveCredentials(), region, "sqs", endpoint,
                "application/x-amz-json-1.0", "AmazonSQS.SendMessageBatch", payload);
        String text = response.body();
        int status = response.status();
        if (status != 200) {
            throw new IOException("SendMessageBatch answered HTTP " + status);
        }
        Map<String, Object> answer;
        try {
            answer = Json.parseObject(text);
        } catch (java.text.ParseException e) {
            throw new IOException("SendMessageBatch answered no JSON object");
        }
        List<String> ids = new ArrayList<>();
        if (answer.get("Successful") instanceof List<?> ok) {
            for (Object o : ok) {
                if (o instanceof Map<?, ?> m && m.get("Id") instanceof String id) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }
}
