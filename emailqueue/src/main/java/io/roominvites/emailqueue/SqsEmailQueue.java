package io.roominvites.emailqueue;

import io.roominvites.aws.Config;
import io.roominvites.email.EmailQueue;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link EmailQueue} on Amazon SQS ({@link SqsMessages}): each message ({@link EmailQueue#message}) is one SQS message.
 * When some cannot be sent the caller gets SERVICE_UNAVAILABLE (the bulk batch is not marked done, so a retry with the
 * same Idempotency-Key hands its emails over again; the consumer's claim keeps an email handed over twice from being
 * sent twice).
 */
public final class SqsEmailQueue implements EmailQueue {
    private final SqsMessages sqs;

    public SqsEmailQueue(SdkHttpClient http, AwsCredentialsProvider credentials, Region region, String queueUrl) {
        this(new SqsMessages(http, credentials, region, queueUrl));
    }

    private SqsEmailQueue(SqsMessages sqs) {
        this.sqs = sqs;
    }

    /**
     * The function's queue from {@link Config#EMAIL_QUEUE_URL}, or null when the variable is unset or empty (then a
     * bulk batch emails at most 20 invitations, within the request). Build it once per container, at init.
     */
    public static EmailQueue fromConfig(Config config) {
        SqsMessages sqs = SqsMessages.fromConfig(config, Config.EMAIL_QUEUE_URL, "the email queue's");
        return sqs == null ? null : new SqsEmailQueue(sqs);
    }

    @Override
    public void enqueue(List<List<Job>> messages) {
        List<String> bodies = new ArrayList<>(messages.size());
        for (List<Job> m : messages) {
            bodies.add(EmailQueue.message(m));
        }
        sqs.send(bodies);
    }
}
