package io.roominvites.it.sim;

import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulation's DynamoDB: an SDK interceptor over DynamoDB Local that gives the answers DynamoDB gives under
 * load and failure, chosen by a seeded random source, on the simulation's own thread only (the listing's parallel
 * shard queries draw nothing, so the run stays deterministic):
 * <ul>
 *   <li>throttling (ThrottlingException, RequestLimitExceeded, ProvisionedThroughputExceededException) and
 *       InternalServerError, on the first attempt only (the SDK's retry heals it) or on every attempt;</li>
 *   <li>a time-out after the write landed (the answer is lost), once or on every attempt;</li>
 *   <li>a transaction cancelled before it ran, with per-item reasons (TransactionConflict, ThrottlingError,
 *       ProvisionedThroughputExceeded, ValidationError, None);</li>
 *   <li>a transaction DynamoDB cancelled (some item's condition failed) whose other items' reasons are told as
 *       unknown (TransactionConflict, ThrottlingError...) instead of None or ConditionalCheckFailed;</li>
 *   <li>index lag: a listing's index query misses invites written in this or the previous step, or still finds
 *       one under its old status.</li>
 * </ul>
 * It also re-introduces the old TTL rules ({@link Defect#INVITE_OLD_TTL}, {@link Defect#HISTORY_OLD_TTL}) by adding
 * the old {@code ttl} to the items written.
 */
final class FaultyDynamo implements ExecutionInterceptor {
    enum Kind {
        THROTTLE_ONCE, THROTTLE, LIMIT_EXCEEDED, THROUGHPUT_EXCEEDED, SERVER_ERROR, TIMEOUT_AFTER_WRITE_ONCE,
        TIMEOUT_AFTER_WRITE, READ_TIMEOUT, TX_CANCELLED, TX_UNKNOWN_REASON, INDEX_LAG
    }

    private static final ExecutionAttribute<Kind> FAULT = new ExecutionAttribute<>("sim-fault");
    private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("sim-attempts");
    private static final Duration RETENTION = Duration.ofDays(30);

    private final Random rnd;
    private final Thread simThread;
    private final DynamoDbClient raw;
    private final String table;
    volatile boolean on;
    volatile double rate;
    volatile double unknownReasonRate;
    volatile boolean lag;
    boolean oldInviteTtl;
    boolean oldHistoryTtl;
    /**
     * Until item 1 of issue #17 lands (invites and their history carry no ttl), the old ttl the product still writes
     * is taken off, so that the other checks can be seen; the defect switches put it back.
     */
    boolean stripProductTtl = false;
    int step;
    final Map<Kind, Integer> injected = new TreeMap<>();
    /** What this step injected, for the trace. */
    final List<String> thisStep = new ArrayList<>();
    private final Map<String, Integer> writtenAt = new HashMap<>();
    private final Map<String, String> status = new HashMap<>();
    private final Map<String, String> previousStatus = new HashMap<>();
    private final Map<String, Map<String, AttributeValue>> lastKeys = new HashMap<>();
    private final Map<String, Long> oldTtlByRevision = new HashMap<>();

    FaultyDynamo(long seed, Thread simThread, DynamoDbClient raw, String table) {
        this.rnd = new Random(seed);
        this.simThread = simThread;
        this.raw = raw;
        this.table = table;
    }

    private void count(Kind k, String op) {
        injected.merge(k, 1, Integer::sum);
        thisStep.add(k + "@" + op);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(ATTEMPTS, new AtomicInteger());
        if (Thread.currentThread() != simThread || !on) {
            return;
        }
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        boolean write = op.equals("PutItem") || op.equals("UpdateItem") || op.equals("DeleteItem")
                || op.equals("TransactWriteItems");
        boolean read = op.equals("GetItem") || op.equals("BatchGetItem")
                || (op.equals("Query") && context.request() instanceof QueryRequest q && q.indexName() == null);
        if (!write && !read) {
            return;
        }
        if (rnd.nextDouble() >= rate) {
            return;
        }
        Kind k;
        if (write) {
            int n = op.equals("TransactWriteItems") ? 9 : 7;
            k = switch (rnd.nextInt(n)) {
                case 0 -> Kind.THROTTLE_ONCE;
                case 1 -> Kind.THROTTLE;
                case 2 -> Kind.LIMIT_EXCEEDED;
                case 3 -> Kind.THROUGHPUT_EXCEEDED;
                case 4 -> Kind.SERVER_ERROR;
                case 5 -> Kind.TIMEOUT_AFTER_WRITE_ONCE;
                case 6 -> Kind.TIMEOUT_AFTER_WRITE;
                default -> Kind.TX_CANCELLED;
            };
        } else {
            k = switch (rnd.nextInt(4)) {
                case 0 -> Kind.THROTTLE_ONCE;
                case 1 -> Kind.THROTTLE;
                case 2 -> Kind.SERVER_ERROR;
                default -> Kind.READ_TIMEOUT;
            };
        }
        attributes.putAttribute(FAULT, k);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof PutItemRequest p) {
            Map<String, AttributeValue> item = withOldTtl(p.item());
            return item == p.item() ? p : p.toBuilder().item(item).build();
        }
        if (request instanceof TransactWriteItemsRequest t) {
            boolean changed = false;
            List<TransactWriteItem> items = new ArrayList<>(t.transactItems().size());
            for (TransactWriteItem w : t.transactItems()) {
                if (w.put() != null) {
                    Map<String, AttributeValue> item = withOldTtl(w.put().item());
                    if (item != w.put().item()) {
                        Put put = w.put().toBuilder().item(item).build();
                        w = w.toBuilder().put(put).build();
                        changed = true;
                    }
                }
                items.add(w);
            }
            return changed ? t.toBuilder().transactItems(items).build() : t;
        }
        return request;
    }

    /** Notes an invite write (for index lag) and adds the old TTL rules' ttl when they are re-introduced. */
    private Map<String, AttributeValue> withOldTtl(Map<String, AttributeValue> item) {
        String pk = s(item, TableSchema.PK);
        String sk = s(item, TableSchema.SK);
        if (pk == null || sk == null || !pk.startsWith("INVITE#")) {
            return item;
        }
        if (sk.equals("#INVITE")) {
            String inviteId = s(item, "inviteId");
            if (Thread.currentThread() == simThread) {
                writtenAt.put(inviteId, step);
                String st = s(item, "st");
                String was = status.put(inviteId, st);
                if (was != null && !was.equals(st)) {
                    previousStatus.put(inviteId, was);
                }
                Map<String, AttributeValue> keys = new HashMap<>();
                for (String k : new String[]{TableSchema.PK, TableSchema.SK, TableSchema.LIST_SK, "expiresAt"}) {
                    if (item.containsKey(k)) {
                        keys.put(k, item.get(k));
                    }
                }
                lastKeys.put(inviteId, keys);
            }
            if (!oldInviteTtl && !oldHistoryTtl) {
                return stripped(item);
            }
            Instant keep = Instant.ofEpochMilli(Long.parseLong(s(item, "expiresAt")));
            Map<String, AttributeValue> room = raw.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of(TableSchema.PK, AttributeValue.fromS("ROOM#" + s(item, "roomId")),
                            TableSchema.SK, AttributeValue.fromS("#ROOM")))).item();
            if (room != null && room.containsKey("endsAt")) {
                Instant end = Instant.ofEpochMilli(Long.parseLong(room.get("endsAt").n()));
                if (end.isAfter(keep)) {
                    keep = end;
                }
            }
            long ttl = keep.plus(RETENTION).getEpochSecond();
            oldTtlByRevision.put(inviteId + "#" + s(item, "rev"), ttl);
            if (!oldInviteTtl) {
                return stripped(item);
            }
            Map<String, AttributeValue> out = new HashMap<>(item);
            out.put(TableSchema.TTL, AttributeValue.fromN(Long.toString(ttl)));
            return out;
        }
        if (oldHistoryTtl && sk.startsWith("EVENT#")) {
            String[] parts = sk.split("#");
            long rev = Long.parseLong(parts[1]);
            String inviteId = pk.substring(pk.lastIndexOf('#') + 1);
            Long ttl = oldTtlByRevision.get(inviteId + "#" + rev);
            if (ttl == null) {
                return stripped(item);
            }
            Map<String, AttributeValue> out = new HashMap<>(item);
            out.put(TableSchema.TTL, AttributeValue.fromN(Long.toString(ttl)));
            return out;
        }
        return sk.startsWith("EVENT#") ? stripped(item) : item;
    }

    private Map<String, AttributeValue> stripped(Map<String, AttributeValue> item) {
        if (!stripProductTtl || !item.containsKey(TableSchema.TTL)) {
            return item;
        }
        Map<String, AttributeValue> out = new HashMap<>(item);
        out.remove(TableSchema.TTL);
        return out;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        int attempt = attributes.getAttribute(ATTEMPTS).incrementAndGet();
        Kind k = attributes.getAttribute(FAULT);
        if (k == null) {
            return;
        }
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        switch (k) {
            case THROTTLE_ONCE -> {
                if (attempt == 1) {
                    count(k, op);
                    throw service(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
                }
            }
            case THROTTLE -> {
                count(k, op);
                throw service(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
            }
            case LIMIT_EXCEEDED -> {
                count(k, op);
                throw service(400, "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account.");
            }
            case THROUGHPUT_EXCEEDED -> {
                count(k, op);
                throw service(400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.");
            }
            case SERVER_ERROR -> {
                count(k, op);
                throw service(500, "InternalServerError", "Internal server error");
            }
            case TX_CANCELLED -> {
                if (attempt == 1 && context.request() instanceof TransactWriteItemsRequest t) {
                    count(k, op);
                    List<CancellationReason> reasons = new ArrayList<>();
                    boolean any = false;
                    for (int i = 0; i < t.transactItems().size(); i++) {
                        String code = switch (rnd.nextInt(6)) {
                            case 0 -> "TransactionConflict";
                            case 1 -> "ThrottlingError";
                            case 2 -> "ProvisionedThroughputExceeded";
                            case 3 -> "ValidationError";
                            default -> "None";
                        };
                        if (i == t.transactItems().size() - 1 && !any) {
                            code = "TransactionConflict";
                        }
                        any |= !code.equals("None");
                        reasons.add(CancellationReason.builder().code(code).build());
                    }
                    throw cancelled(reasons);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        Kind k = attributes.getAttribute(FAULT);
        int attempt = attributes.getAttribute(ATTEMPTS).get();
        if (k == Kind.TIMEOUT_AFTER_WRITE || k == Kind.READ_TIMEOUT || (k == Kind.TIMEOUT_AFTER_WRITE_ONCE && attempt == 1)) {
            count(k, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            // the answer is dropped: its connection goes back to the pool (else the pool runs dry)
            context.responseBody().ifPresent(body -> {
                try {
                    body.close();
                } catch (java.io.IOException ignored) {
                    // a connection that can't be closed is the pool's to drop
                }
            });
            throw SdkClientException.builder().message("Unable to execute HTTP request: Read timed out")
                    .cause(new SocketTimeoutException("Read timed out (injected)")).build();
        }
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable e = context.exception();
        if (!(e instanceof TransactionCanceledException tce) || Thread.currentThread() != simThread || !on
                || attributes.getAttribute(FAULT) == Kind.TX_CANCELLED || !tce.hasCancellationReasons()) {
            return e;
        }
        List<CancellationReason> reasons = tce.cancellationReasons();
        boolean decided = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
        if (!decided || reasons.size() < 2 || rnd.nextDouble() >= unknownReasonRate) {
            return e;
        }
        // another item's answer made unknown: the gate of an invite's write (item 0) when the invite's own condition
        // failed (item 1), else an item that passed
        int target = -1;
        if ("ConditionalCheckFailed".equals(reasons.get(1).code())) {
            target = 0;
        } else {
            for (int i = 0; i < reasons.size(); i++) {
                if ("None".equals(reasons.get(i).code())) {
                    target = i;
                    break;
                }
            }
        }
        if (target < 0) {
            return e;
        }
        String code = switch (rnd.nextInt(3)) {
            case 0 -> "TransactionConflict";
            case 1 -> "ThrottlingError";
            default -> "ProvisionedThroughputExceeded";
        };
        List<CancellationReason> out = new ArrayList<>(reasons);
        out.set(target, CancellationReason.builder().code(code).message("injected: " + code).build());
        count(Kind.TX_UNKNOWN_REASON, "TransactWriteItems[" + target + "]:" + reasons.get(target).code() + "->" + code);
        return cancelled(out);
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!lag || !(context.request() instanceof QueryRequest q) || q.indexName() == null
                || !(context.response() instanceof QueryResponse r)) {
            return context.response();
        }
        AttributeValue p = q.expressionAttributeValues().get(":p");
        if (p == null || p.s() == null) {
            return context.response();
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        boolean changed = false;
        for (Map<String, AttributeValue> item : r.items()) {
            String id = s(item, TableSchema.LIST_SK);
            Integer at = id == null ? null : writtenAt.get(id);
            if (at != null && at >= step - 1 && Math.floorMod(id.hashCode() + step, 2) == 0) {
                changed = true; // not in the index yet
                continue;
            }
            items.add(item);
        }
        if (q.indexName().equals(TableSchema.STATUS_LIST_INDEX)) {
            String partition = p.s(); // ROOM#<room>#<STATUS>#<shard>
            synchronized (this) {
                for (Map.Entry<String, String> was : previousStatus.entrySet()) {
                    Integer at = writtenAt.get(was.getKey());
                    Map<String, AttributeValue> keys = lastKeys.get(was.getKey());
                    if (at == null || at < step - 1 || keys == null) {
                        continue;
                    }
                    String pk = s(keys, TableSchema.PK);
                    String room = pk.substring("INVITE#".length(), pk.lastIndexOf('#'));
                    if (partition.startsWith("ROOM#" + room + "#" + was.getValue() + "#")
                            && items.stream().noneMatch(i -> was.getKey().equals(s(i, TableSchema.LIST_SK)))) {
                        Map<String, AttributeValue> ghost = new HashMap<>(keys);
                        ghost.put(TableSchema.STATUS_LIST_PK, AttributeValue.fromS(partition));
                        items.add(ghost); // still under its old status
                        changed = true;
                    }
                }
            }
        }
        if (!changed) {
            return r;
        }
        items.sort((a, b) -> String.valueOf(s(b, TableSchema.LIST_SK)).compareTo(String.valueOf(s(a, TableSchema.LIST_SK))));
        if (q.scanIndexForward() != null && q.scanIndexForward()) {
            java.util.Collections.reverse(items);
        }
        synchronized (injected) {
            injected.merge(Kind.INDEX_LAG, 1, Integer::sum);
        }
        return r.toBuilder().items(items).count(items.size()).build();
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s() != null ? v.s() : v.n();
    }

    private static DynamoDbException service(int status, String code, String message) {
        return (DynamoDbException) DynamoDbException.builder().statusCode(status).message(message + " (injected)")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode(code)
                        .errorMessage(message + " (injected)").build())
                .build();
    }

    private static TransactionCanceledException cancelled(List<CancellationReason> reasons) {
        StringBuilder codes = new StringBuilder();
        for (CancellationReason r : reasons) {
            codes.append(codes.isEmpty() ? "" : ", ").append(r.code());
        }
        return (TransactionCanceledException) TransactionCanceledException.builder().statusCode(400)
                .message("Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]")
                .cancellationReasons(reasons)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorCode("TransactionCanceledException")
                        .errorMessage("Transaction cancelled [" + codes + "]").build())
                .build();
    }
}
