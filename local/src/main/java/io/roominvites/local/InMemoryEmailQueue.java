package io.roominvites.local;

import io.roominvites.email.EmailQueue;
import io.roominvites.service.QueuedEmails;

import java.util.List;

/** The local runner's email queue ({@link InMemoryQueue}), consumed by the same {@link QueuedEmails} as in AWS. */
public final class InMemoryEmailQueue extends InMemoryQueue implements EmailQueue {
    public InMemoryEmailQueue() {
        super("email-queue");
    }

    @Override
    public void enqueue(List<List<Job>> jobs) {
        for (List<Job> message : jobs) {
            add(EmailQueue.message(message));
        }
    }

    /** Sends every message waiting now (and their retries) on this thread; answers how many were sent through. */
    public int drain(QueuedEmails sender) {
        return drain(sender::sendMessage);
    }

    public synchronized void startConsumer(QueuedEmails sender, long periodMillis) {
        startConsumer(sender::sendMessage, periodMillis);
    }
}
