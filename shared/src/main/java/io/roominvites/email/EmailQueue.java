package io.roominvites.email;

import java.time.Instant;
import java.util.List;

/**
 * Where emails to be sent after the answer are handed over: a queue (Amazon SQS in AWS, in memory in the local
 * runner) whose consumer sends each job with {@code QueuedEmails}. Delivery is at least once; a job names the QUEUED
 * attempt it sends, and the consumer claims that attempt by a conditional write before sending, so a job delivered
 * twice is sent once.
 */
public interface EmailQueue {

    /** The email of one invite whose attempt was QUEUED at {@code queuedAt}. */
    record Job(String roomId, String inviteId, Instant queuedAt) {
    }

    /**
     * Hands over the jobs, one message per inner list (the consumer takes a message as a unit).
     *
     * @throws io.roominvites.domain.InviteException SERVICE_UNAVAILABLE when the queue could not take them
     */
    void enqueue(List<List<Job>> messages);
}
