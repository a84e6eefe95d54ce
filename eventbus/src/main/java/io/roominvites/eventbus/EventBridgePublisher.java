package io.roominvites.eventbus;

import io.roominvites.aws.AwsClients;
import io.roominvites.aws.Config;
import io.roominvites.events.EventPublisher;
import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.json.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link EventPublisher} on Amazon EventBridge: PutEvents in batches of at most {@value #MAX_BATCH} entries
 * ({@code source: room-invites}, the contract's detail-type and detail); the entries EventBridge refuses (throttled,
 * an internal failure) and whole calls that fail are tried again, only those, at most {@value #MAX_ATTEMPTS} times
 * with a short jittered backoff; what still failed is answered to the caller.
 */
public final class EventBridgePublisher implements EventPublisher {
    /** PutEvents takes at most ten entries per call. */
    static final int MAX_BATCH = 10;
    static final int MAX_ATTEMPTS = 4;

    private final EventBridgeClient client;
    private final String busName;
    private final long backoffMillis;

    public EventBridgePublisher(EventBridgeClient client, String busName, long backoffMillis) {
        this.client = client;
        this.busName = busName;
        this.backoffMillis = backoffMillis;
    }

    /** The bus's name from {@link Config#EVENT_BUS_NAME} (a problem for {@link Config#validate} when unset). */
    public static String busName(Config config) {
        return config.required(Config.EVENT_BUS_NAME, "the EventBridge bus of the lifecycle events");
    }

    /** The function's publisher on the container's one HTTP client; build it once per container, at init. */
    public static EventBridgePublisher create(String busName) {
        EventBridgeClient client = EventBridgeClient.builder().httpClient(AwsClients.httpClient())
                .overrideConfiguration(AwsClients.overrides()).build();
        return new EventBridgePublisher(client, busName, 50);
    }

    @Override
    public List<LifecycleEvent> publish(List<LifecycleEvent> events) {
        List<LifecycleEvent> failed = new ArrayList<>();
        for (int from = 0; from < events.size(); from += MAX_BATCH) {
            failed.addAll(publishBatch(events.subList(from, Math.min(events.size(), from + MAX_BATCH))));
        }
        return failed;
    }

    private List<LifecycleEvent> publishBatch(List<LifecycleEvent> batch) {
        List<LifecycleEvent> pending = batch;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                pause(attempt);
            }
            List<PutEventsRequestEntry> entries = new ArrayList<>(pending.size());
            for (LifecycleEvent e : pending) {
                entries.add(entry(e));
            }
            PutEventsResponse response;
            try {
                response = client.putEvents(b -> b.entries(entries));
            } catch (SdkException e) {
                System.err.println("{\"event\":\"put-events-failed\",\"attempt\":" + attempt + ",\"entries\":"
                        + pending.size() + ",\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                continue; // the whole call failed: all of it again
            }
            List<LifecycleEvent> again = new ArrayList<>();
            List<PutEventsResultEntry> results = response.entries();
            for (int i = 0; i < pending.size(); i++) {
                PutEventsResultEntry r = i < results.size() ? results.get(i) : null;
                if (r == null || r.errorCode() != null) {
                    again.add(pending.get(i));
                }
            }
            if (!again.isEmpty()) {
                System.err.println("{\"event\":\"put-events-entries-failed\",\"attempt\":" + attempt + ",\"failed\":"
                        + again.size() + ",\"of\":" + pending.size() + "}");
            }
            pending = again;
        }
        return pending;
    }

    private PutEventsRequestEntry entry(LifecycleEvent e) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(EventType.SOURCE)
                .detailType(e.type().detailType())
                .detail(Json.write(e.detail()))
                .time(e.at())
                .build();
    }

    private void pause(int attempt) {
        if (backoffMillis <= 0) {
            return;
        }
        try {
            Thread.sleep(backoffMillis * (1L << (attempt - 2)) + ThreadLocalRandom.current().nextLong(backoffMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
