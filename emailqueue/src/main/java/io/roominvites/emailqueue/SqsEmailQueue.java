package io.roominvites.emailqueue;

import io.roominvites.app.AwsClients;
import io.roominvites.app.Config;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.email.EmailQueue;
import io.roominvites.service.QueuedEmails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link EmailQueue} on Amazon SQS: each message ({@link QueuedEmails#message}) is one SQS message, sent with
 * SendMessageBatch, at most {@value #MAX_BATCH} a call. The entries SQS refuses and whole calls that fail are tried
 * again, only those, at most {@value #MAX_ATTEMPTS} times; if some still fail the caller gets SERVICE_UNAVAILABLE (the
 * bulk batch is not marked done, so the same Idempotency-Key hands its emails over again; the consumer's claim keeps
 * an email handed over twice from being sent twice).
 */
public final class SqsEmailQueue implements EmailQueue {
    /** SendMessageBatch takes at most ten entries per call. */
    static final int MAX_BATCH = 10;
    static final int MAX_ATTEMPTS = 3;

    private final SqsClient client;
    private final String queueUrl;

    public SqsEmailQueue(SqsClient client, String queueUrl) {
        this.client = client;
        this.queueUrl = queueUrl;
    }

    /**
     * The function's queue from {@link Config#EMAIL_QUEUE_URL} on the container's one HTTP client, or null when the
     * variable is unset (then a bulk batch emails at most 20 invitations, within the request). Build it once, at init.
     */
    public static EmailQueue fromConfig(Config config) {
        String url = config.raw(Config.EMAIL_QUEUE_URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            config.problem(Config.EMAIL_QUEUE_URL + " must be the email queue's URL (https://sqs...), got '" + url + "'");
            return null;
        }
        SqsClient client = SqsClient.builder().httpClient(AwsClients.httpClient())
                .overrideConfiguration(AwsClients.overrides()).build();
        return new SqsEmailQueue(client, url);
    }

    @Override
    public void enqueue(List<List<Job>> messages) {
        int failed = 0;
        for (int from = 0; from < messages.size(); from += MAX_BATCH) {
            failed += sendBatch(messages.subList(from, Math.min(messages.size(), from + MAX_BATCH)), from);
        }
        if (failed > 0) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
    }

    /** Sends one batch (entry ids are the messages' indexes); answers how many messages could not be sent. */
    private int sendBatch(List<List<Job>> batch, int firstIndex) {
        Map<String, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.put(Integer.toString(firstIndex + i), QueuedEmails.message(batch.get(i)));
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
            pending.forEach((id, body) -> entries.add(SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build()));
            SendMessageBatchResponse response;
            try {
                response = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            } catch (SdkException e) {
                System.err.println("{\"event\":\"email-queue-send-failed\",\"attempt\":" + attempt + ",\"messages\":"
                        + pending.size() + ",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                continue; // the whole call failed: all of it again
            }
            // what SQS did not answer as sent (refused, or not answered at all) goes again
            Map<String, String> again = new LinkedHashMap<>(pending);
            response.successful().forEach(sent -> again.remove(sent.id()));
            if (!again.isEmpty()) {
                System.err.println("{\"event\":\"email-queue-entries-failed\",\"attempt\":" + attempt + ",\"failed\":"
                        + again.size() + ",\"of\":" + entries.size() + "}");
            }
            pending.clear();
            pending.putAll(again);
        }
        return pending.size();
    }
}
