package io.roominvites.emailqueue;

import io.roominvites.aws.Config;
import io.roominvites.service.FollowUps;

import java.util.List;

/** {@link FollowUps.Queue} on Amazon SQS ({@link SqsMessages}): one message per fan-out ({@link FollowUps.Message}). */
public final class SqsFollowUpQueue implements FollowUps.Queue {
    private final SqsMessages sqs;

    SqsFollowUpQueue(SqsMessages sqs) {
        this.sqs = sqs;
    }

    /** The queue at {@link Config#FOLLOW_UP_QUEUE_URL}, or null when unset. Build it once per container, at init. */
    public static FollowUps.Queue fromConfig(Config config) {
        SqsMessages sqs = SqsMessages.fromConfig(config, Config.FOLLOW_UP_QUEUE_URL, "the follow-up queue's");
        return sqs == null ? null : new SqsFollowUpQueue(sqs);
    }

    @Override
    public void enqueue(String message) {
        sqs.send(List.of(message));
    }
}
