package io.roominvites.local;

import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.service.EventRelay;
import io.roominvites.store.dynamo.DynamoInviteStore;
import io.roominvites.store.dynamo.DynamoRoomRetirement;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle events, locally: the same {@link EventRelay} the deployed stream consumer runs, fed by DynamoDB
 * Local's stream ({@link LocalStreamConsumer}), publishing into memory ({@link MemoryEventPublisher}), served by
 * {@code GET /dev/events}.
 */
public final class LocalEvents implements AutoCloseable {
    private final MemoryEventPublisher publisher;
    private final LocalStreamConsumer consumer;

    private LocalEvents(MemoryEventPublisher publisher, LocalStreamConsumer consumer) {
        this.publisher = publisher;
        this.consumer = consumer;
    }

    static LocalEvents start(DynamoDbClient db, URI endpoint, String table, DynamoInviteStore store, Clock clock,
                             TtlSweeper ttl, Duration pollInterval, io.roominvites.service.FollowUps followUps) {
        MemoryEventPublisher publisher = new MemoryEventPublisher(clock);
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        LocalStreamConsumer consumer = new LocalStreamConsumer(db, streams, table, new EventRelay(store, publisher,
                new DynamoRoomRetirement(db, table), followUps), ttl, pollInterval);
        consumer.start();
        return new LocalEvents(publisher, consumer);
    }

    public MemoryEventPublisher publisher() {
        return publisher;
    }

    public LocalStreamConsumer consumer() {
        return consumer;
    }

    /** {@code GET /dev/events}: the events published so far, oldest first, with the consumer's counters. */
    HttpResponse devEvents() {
        List<Object> events = new ArrayList<>();
        for (MemoryEventPublisher.Published p : publisher.events()) {
            events.add(MemoryEventPublisher.view(p));
        }
        Map<String, Object> body = Map.of("events", events,
                "stream", Map.of("relayed", consumer.relayed(), "retried", consumer.retried(),
                        "deadLettered", consumer.deadLettered()));
        return new HttpResponse(200, Map.of("Content-Type", "application/json; charset=utf-8"), Json.write(body));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
