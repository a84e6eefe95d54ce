package io.roominvites.local;

import io.roominvites.service.EventRelay;
import io.roominvites.store.dynamo.StreamImages;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stand-in for the Lambda event source mapping of the stream consumer: polls the table's DynamoDB stream
 * (DynamoDB Local supports streams) from its start on a daemon thread and hands each batch of records to the same
 * {@link EventRelay} the function uses. A record the relay reports as failed is tried again on the next polls, at
 * most {@value #MAX_ATTEMPTS} times, then counted as dead-lettered (the deployed function's failure destination);
 * the other records of its batch are not held back.
 */
public final class LocalStreamConsumer implements AutoCloseable {
    static final int MAX_ATTEMPTS = 5;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final EventRelay relay;
    private final TtlSweeper ttl;
    private final Duration pollInterval;
    private final Thread thread;
    private final StreamShards shards;
    private final List<Pending> pending = new ArrayList<>();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile boolean running = true;

    private record Pending(EventRelay.Change change, int attempts) {
    }

    LocalStreamConsumer(DynamoDbClient db, DynamoDbStreamsClient streams, String table, EventRelay relay,
                        TtlSweeper ttl, Duration pollInterval) {
        this.streams = streams;
        this.streamArn = db.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        if (streamArn == null) {
            throw new IllegalStateException("table " + table + " has no stream");
        }
        this.shards = new StreamShards(streams, streamArn);
        this.relay = relay;
        this.ttl = ttl;
        this.pollInterval = pollInterval;
        this.thread = Thread.ofPlatform().name("local-stream-consumer").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long cycle = 0;
        while (running) {
            try {
                if (cycle++ % 20 == 0 || shards.isEmpty()) {
                    shards.refresh();
                }
                pollOnce();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                System.err.println("local stream consumer: " + e.getClass().getSimpleName() + " (polling again)");
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pollOnce() {
        List<EventRelay.Change> batch = new ArrayList<>();
        Map<String, Integer> attempts = new LinkedHashMap<>();
        for (Pending p : pending) {
            batch.add(p.change());
            attempts.put(p.change().id(), p.attempts());
        }
        pending.clear();
        for (GetRecordsResponse r : shards.poll(1000)) {
            for (Record rec : r.records()) {
                batch.add(change(rec, ttl));
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        EventRelay.Outcome outcome = relay.relay(batch);
        relayed.addAndGet(batch.size() - outcome.failed().size());
        Set<String> failed = new HashSet<>(outcome.failed());
        for (EventRelay.Change c : batch) {
            if (failed.contains(c.id())) {
                int tried = attempts.getOrDefault(c.id(), 0) + 1;
                if (tried >= MAX_ATTEMPTS) {
                    deadLettered.incrementAndGet();
                    System.err.println("local stream consumer: record " + c.id() + " dead-lettered after " + tried + " attempts");
                } else {
                    retried.incrementAndGet();
                    pending.add(new Pending(c, tried));
                }
            }
        }
    }

    /**
     * The relay's change of a stream record; a removal is DynamoDB TTL's when the record says so (as AWS's records
     * do) or when {@code ttl}, the local stand-in for it, removed that item.
     */
    static EventRelay.Change change(Record rec, TtlSweeper ttl) {
        var s = rec.dynamodb();
        Instant at = s.approximateCreationDateTime() != null ? s.approximateCreationDateTime() : Instant.now();
        boolean byTtl = (rec.userIdentity() != null
                && StreamImages.isTtlRemoval(rec.userIdentity().type(), rec.userIdentity().principalId()))
                || (rec.eventName() == software.amazon.awssdk.services.dynamodb.model.OperationType.REMOVE
                && ttl != null && ttl.removedByTtl(s.keys()));
        return new EventRelay.Change(s.sequenceNumber(), at,
                () -> StreamImages.decode(s.keys(), s.hasOldImage() ? s.oldImage() : null,
                        s.hasNewImage() ? s.newImage() : null, byTtl));
    }

    /** Records handled (published or without an event). */
    public long relayed() {
        return relayed.get();
    }

    /** Attempts made again after a failure. */
    public long retried() {
        return retried.get();
    }

    /** Records given up after {@value #MAX_ATTEMPTS} attempts (the deployed function's failure destination). */
    public long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close();
    }
}
