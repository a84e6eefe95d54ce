package io.roominvites.local;

import io.roominvites.logging.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A queue of the local runner: message bodies in memory, consumed in-process by the same code the queue's Lambda
 * function runs in AWS. Like SQS with a redrive policy: a message whose processing fails is retried, and after
 * {@link #MAX_RECEIVES} receives it is moved to the dead letters.
 */
public class InMemoryQueue implements AutoCloseable {
    static final int MAX_RECEIVES = 3;

    private record Message(String body, int receives) {
    }

    private final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
    private final List<String> deadLetters = java.util.Collections.synchronizedList(new ArrayList<>());
    private ScheduledExecutorService consumer;

    private final String name;

    InMemoryQueue(String name) {
        this.name = name;
    }

    /** Adds one message. */
    protected void add(String body) {
        messages.add(new Message(body, 0));
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

    /** Consumes every message waiting now (and their retries) on this thread; answers how many were handled. */
    public int drain(java.util.function.Consumer<String> consumer) {
        int done = 0;
        Message m;
        while ((m = messages.poll()) != null) {
            try {
                consumer.accept(m.body());
                done++;
            } catch (RuntimeException e) {
                if (m.receives() + 1 >= MAX_RECEIVES) {
                    deadLetters.add(m.body());
                    Log.error(name + " message moved to the dead letters", Map.of("receives", m.receives() + 1), e);
                } else {
                    messages.add(new Message(m.body(), m.receives() + 1));
                }
            }
        }
        return done;
    }

    /** Consumes in the background, every {@code periodMillis}, until closed (the local runner). */
    public synchronized void startConsumer(java.util.function.Consumer<String> handler, long periodMillis) {
        if (consumer == null) {
            consumer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(name).daemon().unstarted(r));
            consumer.scheduleWithFixedDelay(() -> drain(handler), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
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
