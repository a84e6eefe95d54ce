package io.roominvites.local;

import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DynamoDB stream read from its start, shard by shard, as the Lambda event source mapping reads it: a shard is
 * opened (TRIM_HORIZON) once its parent is read to its end, and closed when its iterator ends.
 */
public final class StreamShards {
    private final DynamoDbStreamsClient streams;
    private final String arn;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Set<String> finished = new HashSet<>();

    public StreamShards(DynamoDbStreamsClient streams, String arn) {
        this.streams = streams;
        this.arn = arn;
    }

    /** Opens every shard not opened yet whose parent was read to its end (or is gone from the stream). */
    public void refresh() {
        String start = null;
        List<Shard> shards = new ArrayList<>();
        do {
            String from = start;
            StreamDescription d = streams.describeStream(b -> b.streamArn(arn).exclusiveStartShardId(from)).streamDescription();
            shards.addAll(d.shards());
            start = d.lastEvaluatedShardId();
        } while (start != null);
        Set<String> ids = new HashSet<>();
        shards.forEach(s -> ids.add(s.shardId()));
        for (Shard s : shards) {
            boolean parentDone = s.parentShardId() == null || finished.contains(s.parentShardId())
                    || !ids.contains(s.parentShardId());
            if (!known.contains(s.shardId()) && parentDone) {
                known.add(s.shardId());
                iterators.put(s.shardId(), streams.getShardIterator(b -> b.streamArn(arn).shardId(s.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
            }
        }
    }

    /** True when no shard is open. */
    public boolean isEmpty() {
        return iterators.isEmpty();
    }

    /**
     * One read of every open shard (at most {@code limit} records each), in shard order; a shard whose iterator
     * ended is closed (its children open at the next {@link #refresh}).
     */
    public List<GetRecordsResponse> poll(int limit) {
        List<GetRecordsResponse> out = new ArrayList<>(iterators.size());
        for (Map.Entry<String, String> it : new ArrayList<>(iterators.entrySet())) {
            GetRecordsResponse r = streams.getRecords(b -> b.shardIterator(it.getValue()).limit(limit));
            out.add(r);
            if (r.nextShardIterator() == null) {
                iterators.remove(it.getKey());
                finished.add(it.getKey());
            } else {
                iterators.put(it.getKey(), r.nextShardIterator());
            }
        }
        return out;
    }
}
