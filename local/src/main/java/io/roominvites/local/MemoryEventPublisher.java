package io.roominvites.local;

import io.roominvites.events.EventPublisher;
import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stand-in for the EventBridge bus: keeps the latest published events in memory (served by
 * {@code GET /dev/events}), with when each was published. {@link #refuseNext} makes it refuse events, as EventBridge
 * refuses entries when throttled, to see them delivered again.
 */
public final class MemoryEventPublisher implements EventPublisher {
    /** How many events are kept (the oldest go first). */
    static final int KEPT = 10_000;

    /** One published event and when it was published (wall clock, and a monotonic reading for delays). */
    public record Published(LifecycleEvent event, Instant publishedAt, long publishedNanos) {
    }

    private final Deque<Published> events = new ArrayDeque<>();
    private final Clock clock;
    private int refuse;
    private long publishedCount;

    public MemoryEventPublisher(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized List<LifecycleEvent> publish(List<LifecycleEvent> batch) {
        List<LifecycleEvent> refused = new ArrayList<>();
        for (LifecycleEvent e : batch) {
            if (refuse > 0) {
                refuse--;
                refused.add(e);
                continue;
            }
            events.addLast(new Published(e, clock.instant(), System.nanoTime()));
            publishedCount++;
            if (events.size() > KEPT) {
                events.removeFirst();
            }
        }
        notifyAll();
        return refused;
    }

    /** Refuses the next {@code n} events offered (each is answered as not published). */
    public synchronized void refuseNext(int n) {
        refuse = n;
    }

    public synchronized List<Published> events() {
        return List.copyOf(events);
    }

    public synchronized long publishedCount() {
        return publishedCount;
    }

    /** Waits up to {@code timeoutMillis} until at least {@code count} events were published in all. */
    public synchronized boolean awaitCount(long count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (publishedCount < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** An event as the bus would carry it: source, detail-type, detail, and when it was published. */
    public static Map<String, Object> view(Published p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", EventType.SOURCE);
        m.put("detailType", p.event().type().detailType());
        m.put("detail", p.event().detail());
        m.put("publishedAt", p.publishedAt().toString());
        return m;
    }
}
