package io.roominvites.emailqueue;

import io.roominvites.aws.Config;
import io.roominvites.service.ErasureJobs;
import io.roominvites.service.Erasures;

import java.util.List;

/** {@link Erasures.Queue} on Amazon SQS ({@link SqsMessages}): one message per job ({@link ErasureJobs#message}). */
public final class SqsErasureQueue implements Erasures.Queue {
    private final SqsMessages sqs;

    SqsErasureQueue(SqsMessages sqs) {
        this.sqs = sqs;
    }

    /**
     * The queue at {@link Config#ERASURE_QUEUE_URL}, or null when the variable is unset or empty (then erasure is not
     * offered: the route answers 503 with a sentence). Build it once per container, at init.
     */
    public static Erasures.Queue fromConfig(Config config) {
        SqsMessages sqs = SqsMessages.fromConfig(config, Config.ERASURE_QUEUE_URL, "the erasure queue's");
        return sqs == null ? null : new SqsErasureQueue(sqs);
    }

    @Override
    public void enqueue(String erasureId) {
        sqs.send(List.of(ErasureJobs.message(erasureId)));
    }
}
