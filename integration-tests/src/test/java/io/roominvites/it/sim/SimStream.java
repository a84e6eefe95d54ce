package io.roominvites.it.sim;

import io.roominvites.domain.Invite;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.events.LifecycleEvents;
import io.roominvites.service.EventRelay;
import io.roominvites.store.StoredChange;
import io.roominvites.store.dynamo.StreamImages;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The table's change stream, read by the simulation itself at the steps it chooses and handed to the same
 * {@link EventRelay} the deployed stream consumer runs: records delivered late (held back for later steps), twice
 * (a record relayed before is delivered again), and retried when the relay reports them failed. Every record read
 * is also kept as the ground truth of what was committed ({@link #expectedEvents}).
 */
final class SimStream {
    private final DynamoDbStreamsClient streams;
    private final String arn;
    private final EventRelay relay;
    private final Clock clock;
    private final io.roominvites.local.StreamShards shards;
    /** Every record read, in stream order: what was committed. */
    final List<Record> truth = new ArrayList<>();
    private final List<Record> backlog = new ArrayList<>();
    private final List<EventRelay.Change> pending = new ArrayList<>();
    private final List<EventRelay.Change> delivered = new ArrayList<>();
    /** inviteId#rev -> the attempt the old (latest-attempt) rule told an email outcome for, -1 for none. */
    final Map<String, Integer> oldRuleAttempt = new HashMap<>();
    int redelivered;
    int late;
    int retried;

    private final io.roominvites.local.TtlSweeper ttl;
    /** Sequence numbers of the records that are TTL removals (asked of the sweeper once, when read). */
    private final Set<String> byTtl = new HashSet<>();

    SimStream(DynamoDbClient db, DynamoDbStreamsClient streams, String table, EventRelay relay, Clock clock,
              io.roominvites.local.TtlSweeper ttl) {
        this.ttl = ttl;
        this.streams = streams;
        this.arn = db.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        this.shards = new io.roominvites.local.StreamShards(streams, arn);
        this.relay = relay;
        this.clock = clock;
    }

    /** Reads what is new on the stream into the ground truth and the backlog; answers how many records. */
    int read() {
        shards.refresh();
        int n = 0;
        boolean more = true;
        while (more) {
            more = false;
            for (GetRecordsResponse r : shards.poll(1000)) {
                for (Record rec : r.records()) {
                    if (rec.eventName() == software.amazon.awssdk.services.dynamodb.model.OperationType.REMOVE
                            && ttl != null && ttl.removedByTtl(rec.dynamodb().keys())) {
                        byTtl.add(rec.dynamodb().sequenceNumber());
                    }
                    truth.add(rec);
                    backlog.add(rec);
                    noteOldRule(rec);
                    n++;
                }
                more |= r.nextShardIterator() == null || r.records().size() == 1000;
            }
            if (more) {
                shards.refresh();
            }
        }
        return n;
    }

    /**
     * One delivery: failed records again, then the first {@code take} records of the backlog (the rest stay for a
     * later step: late), plus {@code duplicates} records delivered before (again). Answers the records handed over.
     */
    int deliver(Random rnd, boolean partial, int duplicates) {
        read();
        List<EventRelay.Change> batch = new ArrayList<>(pending);
        retried += pending.size();
        pending.clear();
        int take = backlog.size();
        if (partial && take > 1) {
            take = 1 + rnd.nextInt(take);
            late += backlog.size() - take;
        }
        for (int i = 0; i < take; i++) {
            EventRelay.Change c = change(backlog.removeFirst());
            batch.add(c);
            delivered.add(c);
        }
        for (int i = 0; i < duplicates && !delivered.isEmpty(); i++) {
            batch.add(delivered.get(rnd.nextInt(delivered.size())));
            redelivered++;
        }
        if (batch.isEmpty()) {
            return 0;
        }
        EventRelay.Outcome outcome = relay.relay(batch);
        Set<String> failed = new LinkedHashSet<>(outcome.failed());
        Set<String> again = new HashSet<>();
        for (EventRelay.Change c : batch) {
            if (failed.contains(c.id()) && again.add(c.id())) {
                pending.add(c);
            }
        }
        return batch.size();
    }

    boolean idle() {
        return backlog.isEmpty() && pending.isEmpty();
    }

    private EventRelay.Change change(Record rec) {
        return new EventRelay.Change(rec.dynamodb().sequenceNumber(), clock.instant(), () -> decode(rec));
    }

    private StoredChange decode(Record rec) {
        var s = rec.dynamodb();
        return StreamImages.decode(s.keys(), s.hasOldImage() ? s.oldImage() : null, s.hasNewImage() ? s.newImage() : null,
                byTtl.contains(s.sequenceNumber()));
    }

    /** What the old rule (the latest attempt only) would tell of this record's email outcome (for the defect switch). */
    private void noteOldRule(Record rec) {
        StoredChange c;
        try {
            c = decode(rec);
        } catch (RuntimeException e) {
            return;
        }
        if (!(c instanceof StoredChange.InviteWritten w) || w.after() == null) {
            return;
        }
        Invite before = w.before();
        Invite after = w.after();
        int told = -1;
        Invite.EmailDelivery now = after.emailDelivery();
        if (now != null && !Invite.QUEUED.equals(now.status())) {
            Invite.EmailDelivery was = before == null ? null : before.emailDelivery();
            boolean same = was != null && was.attempts() == now.attempts() && was.status().equals(now.status())
                    && java.util.Objects.equals(was.at(), now.at());
            if (!same) {
                told = now.attempts();
            }
        }
        oldRuleAttempt.put(after.inviteId() + "#" + after.rev(), told);
    }

    /** The events every committed change stands for (by id), derived from the ground truth. */
    Map<String, LifecycleEvent> expectedEvents() {
        Map<String, LifecycleEvent> out = new LinkedHashMap<>();
        for (Record rec : truth) {
            StoredChange c;
            try {
                c = decode(rec);
            } catch (RuntimeException e) {
                continue;
            }
            List<LifecycleEvent> events = List.of();
            if (c instanceof StoredChange.InviteWritten w) {
                events = LifecycleEvents.ofInvite(w.before(), w.after(), clock.instant());
            } else if (c instanceof StoredChange.RoomWritten w) {
                events = LifecycleEvents.ofRoom(w.before(), w.after(), clock.instant());
            }
            for (LifecycleEvent e : events) {
                out.putIfAbsent(e.eventId(), e);
            }
        }
        return out;
    }
}
