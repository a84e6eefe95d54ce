package io.roominvites.store.dynamo;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.store.InviteRecords.Page;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.roominvites.store.dynamo.Attr.s;
import static io.roominvites.store.dynamo.Attr.time;

/**
 * A room's invites a page at a time, newest first: each of the {@link TableSchema#LIST_SHARDS} shards of the
 * {@code byRoom} index (or of {@code byStatus}, EXPIRED and PENDING filtered on {@code expiresAt}) is queried below the
 * cursor at once, the matches merged, then the page's invites read in one consistent BatchGetItem.
 */
final class DynamoInviteListing {
    private final Table table;

    DynamoInviteListing(Table table) {
        this.table = table;
    }

    /**
     * Index entries one page may read per shard before it answers with what it found (searchLimitReached): a status
     * index entry is its keys and the expiry (~120 bytes), so this is about two 1 MB query pages per shard, and a
     * filtered page of a room of up to ~80,000 invites is answered whole, matches or not.
     */
    private static final int SCAN_BUDGET_PER_SHARD = 20_000;

    Page listInvites(String roomId, InviteStatus status, int limit, String afterInviteId, Instant now) {
        // the shards are read at once (a page costs about one query's time, not four)
        List<ShardScan> scans = new ArrayList<>(TableSchema.LIST_SHARDS);
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<ShardScan>> futures = new ArrayList<>(TableSchema.LIST_SHARDS);
            for (int shard = 0; shard < TableSchema.LIST_SHARDS; shard++) {
                int s = shard;
                futures.add(pool.submit(() -> scanShard(roomId, status, s, limit, afterInviteId, now)));
            }
            for (java.util.concurrent.Future<ShardScan> f : futures) {
                scans.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        // ids above every budget-stopped shard's frontier are complete in every shard
        String frontier = null;
        for (ShardScan scan : scans) {
            if (scan.frontier() != null && (frontier == null || scan.frontier().compareTo(frontier) > 0)) {
                frontier = scan.frontier();
            }
        }
        List<Map<String, AttributeValue>> candidates = new ArrayList<>();
        boolean mayHaveMore = false;
        for (ShardScan scan : scans) {
            for (Map<String, AttributeValue> key : scan.matches()) {
                if (frontier == null || Attr.str(key, TableSchema.LIST_SK).compareTo(frontier) > 0) {
                    candidates.add(key);
                }
            }
            mayHaveMore |= scan.full();
        }
        candidates.sort((a, b) -> Attr.str(b, TableSchema.LIST_SK).compareTo(Attr.str(a, TableSchema.LIST_SK)));
        String next;
        boolean limited = false;
        if (candidates.size() > limit) {
            candidates = candidates.subList(0, limit);
            next = Attr.str(candidates.getLast(), TableSchema.LIST_SK);
        } else if (candidates.size() == limit && (mayHaveMore || frontier != null)) {
            next = Attr.str(candidates.getLast(), TableSchema.LIST_SK);
        } else if (frontier != null) {
            next = frontier;
            limited = true;
        } else {
            next = null;
        }
        return new Page(fetchInOrder(candidates, status, now), next, limited);
    }

    /** One shard's matches (newest first), whether it has more, and where it stopped when its budget ran out. */
    private record ShardScan(List<Map<String, AttributeValue>> matches, boolean full, String frontier) {
    }

    private ShardScan scanShard(String roomId, InviteStatus status, int shard, int limit, String after, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        String filter = null;
        String index;
        if (status == null) {
            index = TableSchema.ROOM_LIST_INDEX;
            values.put(":p", s(InviteItems.roomListPartition(roomId, shard)));
        } else {
            index = TableSchema.STATUS_LIST_INDEX;
            InviteStatus stored = status == InviteStatus.EXPIRED ? InviteStatus.PENDING : status;
            values.put(":p", s(InviteItems.statusPartition(roomId, stored, shard)));
            if (status == InviteStatus.PENDING || status == InviteStatus.EXPIRED) {
                filter = status == InviteStatus.PENDING ? "expiresAt > :now" : "expiresAt <= :now";
                values.put(":now", time(now));
            }
        }
        String keyPart = (index.equals(TableSchema.ROOM_LIST_INDEX) ? TableSchema.ROOM_LIST_PK : TableSchema.STATUS_LIST_PK)
                + " = :p";
        if (after != null) {
            keyPart += " AND " + TableSchema.LIST_SK + " < :after";
            values.put(":after", s(after));
        }
        List<Map<String, AttributeValue>> matches = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int scanned = 0;
        String condition = keyPart;
        String filterExpression = filter;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            // unfiltered: exactly what is missing; filtered: as much as one query reads (1 MB), as the filter may drop most
            Integer pageSize = filterExpression == null ? limit - matches.size() : null;
            QueryResponse page = Calls.call(() -> table.db.query(QueryRequest.builder().tableName(table.name).indexName(index)
                    .keyConditionExpression(condition).filterExpression(filterExpression)
                    .expressionAttributeValues(values).scanIndexForward(false).limit(pageSize)
                    .exclusiveStartKey(exclusiveStart).build()));
            scanned += page.scannedCount();
            for (Map<String, AttributeValue> item : page.items()) {
                if (matches.size() < limit) {
                    matches.add(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (matches.size() >= limit) {
                return new ShardScan(matches, start != null || page.items().size() > matches.size(), null);
            }
        } while (start != null && scanned < SCAN_BUDGET_PER_SHARD);
        return new ShardScan(matches, false, start == null ? null : Attr.str(start, TableSchema.LIST_SK));
    }

    /**
     * The invites of {@code keys}, read in one consistent batch, in the keys' order; an invite whose status no longer
     * matches the listing (it changed after the index was read) or that is gone is left out.
     */
    private List<Invite> fetchInOrder(List<Map<String, AttributeValue>> keys, InviteStatus status, Instant now) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Map<String, AttributeValue>> tableKeys = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> k : keys) {
            tableKeys.add(Map.of(TableSchema.PK, k.get(TableSchema.PK), TableSchema.SK, k.get(TableSchema.SK)));
        }
        Map<String, Invite> byId = new HashMap<>();
        for (int from = 0; from < tableKeys.size(); from += 100) {
            // a BatchGetItem takes 100 keys (a page of the export asks for more)
            for (Map<String, AttributeValue> item : table.batchGet(tableKeys.subList(from, Math.min(tableKeys.size(), from + 100)))) {
                Invite i = InviteItems.invite(item);
                byId.put(i.inviteId(), i);
            }
        }
        List<Invite> out = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> k : keys) {
            Invite i = byId.get(Attr.str(k, TableSchema.LIST_SK));
            if (i != null && (status == null || i.status(now) == status)) {
                out.add(i);
            }
        }
        return out;
    }
}
