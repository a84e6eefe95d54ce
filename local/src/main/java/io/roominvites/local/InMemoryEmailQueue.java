package io.roominvites.local;

import io.roominvites.email.EmailQueue;
import io.roominvites.logging.Log;
import io.roominvites.service.QueuedEmails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local runner's email queue: messages in memory, consumed in-process by the same {@link QueuedEmails} the queue's
 * Lambda function runs in AWS. Like SQS with a redrive policy: a message whose processing fails is retried, and after
 * {@link #MAX_RECEIVES} receives it is moved to the dead letters.
 */
public final class InMemoryEmailQueue implements EmailQueue, AutoCloseable {
    static final int MAX_RECEIVES = 3;

    private record Message(String body, int receives) {
    }

    private final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
    private final List<String> deadLetters = java.util.Collections.synchronizedList(new ArrayList<>());
    private ScheduledExecutorService consumer;

    @Override
    public void enqueue(List<List<Job>> jobs) {
        for (List<Job> message : jobs) {
            messages.add(new Message(EmailQueue.message(message), 0));
        }
    }

    /** The bodies of the messages waiting, oldest first. */
    public List<String> pending() {
        return messages.stream().map(Message::body).toList();
    }

    /** Messages waiting. */
    public int size() {
        return messages.size();
    }

    /** Messages given up on after {@link #MAX_RECEIVES} failed receives. */
    public List<String> deadLetters() {
        synchronized (deadLetters) {
            return List.copyOf(deadLetters);
        }
    }

    /** Consumes every message waiting now (and their retries) on this thread; answers how many were sent through. */
    public int drain(QueuedEmails sender) {
        int done = 0;
        Message m;
        while ((m = messages.poll()) != null) {
            try {
                sender.sendMessage(m.body());
                done++;
            } catch (RuntimeException e) {
                if (m.receives() + 1 >= MAX_RECEIVES) {
                    deadLetters.add(m.body());
                    Log.error("email queue message moved to the dead letters", Map.of("receives", m.receives() + 1), e);
                } else {
                    messages.add(new Message(m.body(), m.receives() + 1));
                }
            }
        }
        return done;
    }

    /** Consumes in the background, every {@code periodMillis}, until closed (the local runner). */
    public synchronized void startConsumer(QueuedEmails sender, long periodMillis) {
        if (consumer == null) {
            consumer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("email-queue").daemon().unstarted(r));
            consumer.scheduleWithFixedDelay(() -> drain(sender), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.shutdownNow();
            consumer = null;
        }
    }
}
