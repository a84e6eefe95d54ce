package io.roominvites.events;

import java.util.List;

/** Where lifecycle events go (EventBridge when deployed, memory locally). */
public interface EventPublisher {

    /**
     * Publishes the events (each at least once), retrying what failed within its own bound; answers the events it
     * could not publish (empty when all were), so that the caller can have their changes delivered again.
     */
    List<LifecycleEvent> publish(List<LifecycleEvent> events);
}
