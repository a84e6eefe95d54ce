package io.roominvites.it.sim;

import io.roominvites.events.EventPublisher;
import io.roominvites.events.LifecycleEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The simulation's event bus: keeps what was published (by event id, with how often), refuses some (PutEvents partly failed). */
final class SimBus implements EventPublisher {
    private final Random rnd;
    volatile double refuseRate;
    final Map<String, Integer> published = new LinkedHashMap<>();
    final Map<String, LifecycleEvent> byId = new LinkedHashMap<>();
    int refused;

    SimBus(long seed) {
        this.rnd = new Random(seed);
    }

    @Override
    public List<LifecycleEvent> publish(List<LifecycleEvent> events) {
        List<LifecycleEvent> notPublished = new ArrayList<>();
        boolean partly = refuseRate > 0 && rnd.nextDouble() < refuseRate;
        for (LifecycleEvent e : events) {
            if (partly && rnd.nextBoolean()) {
                notPublished.add(e);
                refused++;
                continue;
            }
            published.merge(e.eventId(), 1, Integer::sum);
            byId.putIfAbsent(e.eventId(), e);
        }
        return notPublished;
    }
}
