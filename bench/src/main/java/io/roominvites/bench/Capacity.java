package io.roominvites.bench;

import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.local.LocalServices;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Consumer;

/**
 * DynamoDB capacity and hot partitions (bench part "capacity"). DynamoDB Local enforces no partition limits, so the
 * limits are checked by measurement: an SDK interceptor asks every call for {@code ReturnConsumedCapacity=INDEXES}
 * (what DynamoDB reports, per operation) and attributes every write to the partitions it lands on, of the table and
 * of each index, with DynamoDB's write-unit rules (1 WCU per started KB of the item; 2 in a transaction, a
 * ConditionCheck included; an index entry written when its key or projection changes). Then it replays a join storm
 * (every invitee of one room previews and redeems within the storm's 10 seconds) and a 500-invite creation, and
 * reports the hottest partition's write units per second, and the capacity units of each operation.
 */
final class Capacity {
    static final int STORM_SECONDS = 10;
    /** The rooms' owner (Bench.OWNER's address; kept here so that this part compiles on its own). */
    static final String OWNER = "owner@example.com";

    /** Records capacity per label and write units per partition. */
    static final class Recorder implements ExecutionInterceptor {
        final Map<String, double[]> byLabel = new ConcurrentHashMap<>(); // label -> {rcu, wcu, calls}
        final Map<String, DoubleAdder> partitions = new ConcurrentHashMap<>();
        /** The index keys and projected expiry each invite item has now, to know which index entries a write changes. */
        final Map<String, String[]> indexState = new ConcurrentHashMap<>();
        volatile String label = "setup";

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            if (r instanceof PutItemRequest p) {
                write(p.item(), 1);
                return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            if (r instanceof UpdateItemRequest u) {
                addPartition("table " + s(u.key().get("pk")), 1);
                return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            if (r instanceof TransactWriteItemsRequest t) {
                for (TransactWriteItem item : t.transactItems()) {
                    if (item.put() != null) {
                        write(item.put().item(), 2);
                    } else if (item.update() != null) {
                        addPartition("table " + s(item.update().key().get("pk")), 2 * 2); // a room item: about 1-2 KB
                    } else if (item.conditionCheck() != null) {
                        addPartition("table " + s(item.conditionCheck().key().get("pk")), 2);
                    }
                }
                return t.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            if (r instanceof GetItemRequest g) {
                return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            if (r instanceof BatchGetItemRequest b) {
                return b.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            if (r instanceof QueryRequest q) {
                return q.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
            }
            return r;
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            SdkResponse r = context.response();
            List<ConsumedCapacity> cc = new ArrayList<>();
            if (r instanceof PutItemResponse p && p.consumedCapacity() != null) {
                cc.add(p.consumedCapacity());
            } else if (r instanceof UpdateItemResponse u && u.consumedCapacity() != null) {
                cc.add(u.consumedCapacity());
            } else if (r instanceof TransactWriteItemsResponse t && t.hasConsumedCapacity()) {
                cc.addAll(t.consumedCapacity());
            } else if (r instanceof GetItemResponse g && g.consumedCapacity() != null) {
                cc.add(g.consumedCapacity());
            } else if (r instanceof BatchGetItemResponse b && b.hasConsumedCapacity()) {
                cc.addAll(b.consumedCapacity());
            } else if (r instanceof QueryResponse q && q.consumedCapacity() != null) {
                cc.add(q.consumedCapacity());
            }
            double rcu = 0;
            double wcu = 0;
            for (ConsumedCapacity c : cc) {
                double total = c.capacityUnits() == null ? 0 : c.capacityUnits();
                double read = c.readCapacityUnits() == null ? 0 : c.readCapacityUnits();
                double written = c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits();
                if (read == 0 && written == 0) {
                    // DynamoDB Local reports only the total: reads for reads, writes for writes
                    boolean isWrite = r instanceof PutItemResponse || r instanceof UpdateItemResponse
                            || r instanceof TransactWriteItemsResponse;
                    if (isWrite) {
                        written = total;
                    } else {
                        read = total;
                    }
                }
                rcu += read;
                wcu += written;
            }
            double[] totals = byLabel.computeIfAbsent(label, k -> new double[3]);
            synchronized (totals) {
                totals[0] += rcu;
                totals[1] += wcu;
                totals[2] += 1;
            }
        }

        /** A whole item written: its table partition, and the index entries whose key or projection changed. */
        private void write(Map<String, AttributeValue> item, int factor) {
            String pk = s(item.get("pk"));
            addPartition("table " + pk, factor * kb(item));
            String rl = s(item.get("rlpk"));
            String sl = s(item.get("slpk"));
            if (rl == null && sl == null) {
                return;
            }
            String expires = item.get("expiresAt") == null ? null : item.get("expiresAt").n();
            String[] now = {rl, sl, expires};
            String[] before = indexState.put(pk + "|" + s(item.get("sk")), now);
            if (before == null) {
                addPartition("byRoom " + rl, 1);
                addPartition("byStatus " + sl, 1);
                return;
            }
            if (!sl.equals(before[1])) {
                addPartition("byStatus " + before[1], 1); // the old entry removed
                addPartition("byStatus " + sl, 1);
            } else if (expires != null && !expires.equals(before[2])) {
                addPartition("byStatus " + sl, 1);
            }
        }

        private void addPartition(String key, double wcu) {
            partitions.computeIfAbsent(label + " " + key, k -> new DoubleAdder()).add(wcu);
        }

        /** Started KB of an item (names and values, as DynamoDB sizes them, approximately). */
        private static int kb(Map<String, AttributeValue> item) {
            int bytes = 0;
            for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
                bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
            }
            return Math.max(1, (bytes + 1023) / 1024);
        }

        private static int size(AttributeValue v) {
            if (v.s() != null) {
                return v.s().getBytes(StandardCharsets.UTF_8).length;
            }
            if (v.n() != null) {
                return 1 + v.n().length() / 2;
            }
            if (v.bool() != null) {
                return 1;
            }
            int n = 3;
            if (v.hasL()) {
                for (AttributeValue e : v.l()) {
                    n += 1 + size(e);
                }
            }
            if (v.hasM()) {
                for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                    n += 1 + e.getKey().length() + size(e.getValue());
                }
            }
            return n;
        }

        private static String s(AttributeValue v) {
            return v == null ? null : v.s();
        }

        /** The hottest partitions of {@code label}, highest first: "kind key" -> WCU. */
        List<Map.Entry<String, Double>> hottest(String label, int n) {
            List<Map.Entry<String, Double>> out = new ArrayList<>();
            String prefix = label + " ";
            partitions.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.add(Map.entry(k.substring(prefix.length()), v.sum()));
                }
            });
            out.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            return out.subList(0, Math.min(n, out.size()));
        }
    }

    private final LocalServices services;
    private final Recorder recorder;
    private final String admin;
    private final String owner;
    private final Consumer<String> log;

    private Capacity(LocalServices services, Recorder recorder, Consumer<String> log) {
        this.services = services;
        this.recorder = recorder;
        this.log = log;
        this.admin = services.identityProvider().mint("admin@example.com", "Site", "Admin", true, Duration.ofHours(6));
        this.owner = services.identityProvider().mint(OWNER, "Olive", "Owner", false, Duration.ofHours(6));
    }

    /** Runs the part against DynamoDB Local at {@code endpoint}; answers its section of the report. */
    static String run(URI endpoint, boolean quick, Consumer<String> log) throws Exception {
        Recorder recorder = new Recorder();
        LocalServices.Options o = new LocalServices.Options();
        o.dynamoEndpoint = endpoint;
        o.tableName = "capacity-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        // no stream: nothing reads it here, and DynamoDB Local does extra work for a stream on every write (TableSetup)
        o.tableStream = false;
        o.interceptors.add(recorder);
        o.settingsMaxAge = Duration.ofHours(1);
        try (LocalServices services = LocalServices.start(o)) {
            return new Capacity(services, recorder, log).measure(quick ? 1_000 : 10_000, quick ? 500 : 5_000);
        }
    }

    private Map<String, Object> call(String method, String path, String bearer, Map<String, ?> body, int expect) {
        Map<String, String> headers = new HashMap<>();
        if (bearer != null) {
            headers.put("authorization", "Bearer " + bearer);
        }
        headers.put("content-type", "application/json");
        int q = path.indexOf('?');
        Map<String, String> params = new HashMap<>();
        if (q >= 0) {
            String query = path.substring(q + 1);
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                params.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            path = path.substring(0, q);
        }
        HttpResponse r = services.app().router().handle(new HttpRequest(method, path, headers, params,
                body == null ? null : Json.write(body), java.util.UUID.randomUUID().toString(), "127.0.0.1"));
        if (r.status() != expect) {
            throw new IllegalStateException(method + " " + path + ": " + r.status() + " " + r.body());
        }
        try {
            return r.body() == null || r.body().isEmpty() ? Map.of() : Json.parseObject(r.body());
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not JSON: " + r.body(), e);
        }
    }

    private void room(String roomId, Instant start) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Capacity room");
        body.put("description", "x".repeat(1200));
        body.put("startsAt", start.toString());
        body.put("endsAt", start.plus(Duration.ofHours(1)).toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", OWNER);
        call("PUT", "/admin/rooms/" + roomId, admin, body, 200);
    }

    private List<String[]> invites(String roomId, String prefix, int n) throws Exception {
        List<Callable<String[]>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String email = prefix + "-" + i + "@example.org";
            tasks.add(() -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("email", email);
                body.put("firstName", "Cap");
                body.put("lastName", "Guest");
                body.put("role", "VIEWER");
                Map<String, Object> created = call("POST", "/rooms/" + roomId + "/invites", owner, body, 201);
                String link = (String) created.get("link");
                @SuppressWarnings("unchecked")
                Map<String, Object> invite = (Map<String, Object>) created.get("invite");
                return new String[]{link.substring(link.indexOf("#invite=") + 8), (String) invite.get("inviteId"), email};
            });
        }
        return all(tasks, 8);
    }

    private static <T> List<T> all(List<Callable<T>> tasks, int threads) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                out.add(f.get());
            }
            return out;
        }
    }

    private String measure(int roomSize, int stormSize) throws Exception {
        StringBuilder md = new StringBuilder();
        Instant start = services.clock().instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("inviteToMediaEnabled", true);
        settings.put("linkBaseUrl", "https://events.example.com/join");
        // the benchmark measures the service, not the send limits: none it could reach
        settings.put("sendLimits", Map.of("perManagerPerDay", 1_000_000, "perRoomPerDay", 1_000_000, "resendCooldownSeconds", 0));
        call("PUT", "/admin/settings", admin, settings, 200);

        // ---- 500 invites created as fast as 8 clients can (a bulk creation's load)
        room("cap-bulk", start);
        recorder.label = "create500";
        long t0 = System.nanoTime();
        invites("cap-bulk", "bulk", 500);
        double createSeconds = (System.nanoTime() - t0) / 1e9;

        // ---- the storm room: roomSize invites; stormSize of them preview and redeem at the start
        room("cap-storm", start);
        recorder.label = "seed";
        log.accept("capacity: creating " + roomSize + " invites");
        List<String[]> links = invites("cap-storm", "storm", roomSize);
        services.clock().advance(Duration.ofHours(1).plusSeconds(1));
        recorder.label = "storm";
        log.accept("capacity: the join storm, " + stormSize + " invitees");
        List<Callable<Void>> storm = new ArrayList<>();
        for (int i = 0; i < stormSize; i++) {
            String[] l = links.get(i);
            String device = "storm-device-" + i;
            storm.add(() -> {
                call("POST", "/invites/preview", null, Map.of("token", l[0], "deviceId", device), 200);
                call("POST", "/invites/redeem", null, Map.of("token", l[0], "deviceId", device, "email", l[2]), 200);
                return null;
            });
        }
        t0 = System.nanoTime();
        all(storm, 16);
        double stormWall = (System.nanoTime() - t0) / 1e9;

        // ---- each operation once, its capacity as DynamoDB reports it (warm: settings cached)
        room("cap-ops", services.clock().instant().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS));
        for (int i = 0; i < 30; i++) {
            invites("cap-ops", "ops-fill" + i, 1);
        }
        Map<String, double[]> ops = new LinkedHashMap<>();
        String[] one = measureOne(ops, "create", () -> invites("cap-ops", "ops", 1).getFirst());
        measureOne(ops, "preview", () -> call("POST", "/invites/preview", null, Map.of("token", one[0]), 200));
        measureOne(ops, "redeem (after a preview)", () -> call("POST", "/invites/redeem", null,
                Map.of("token", one[0], "deviceId", "ops-device-1", "email", one[2]), 200));
        measureOne(ops, "re-entry", () -> call("POST", "/invites/redeem", null,
                Map.of("token", one[0], "deviceId", "ops-device-1"), 200));
        String base = "/rooms/cap-ops/invites/" + one[1];
        measureOne(ops, "promote", () -> call("POST", base + "/promote", owner, Map.of("role", "SPEAKER"), 200));
        measureOne(ops, "revoke", () -> call("DELETE", base, owner, null, 200));
        measureOne(ops, "room change", () -> {
            room("cap-ops", services.clock().instant().minus(Duration.ofMinutes(4)).truncatedTo(ChronoUnit.SECONDS));
            return null;
        });
        measureOne(ops, "list page (25)", () -> call("GET", "/rooms/cap-ops/invites?limit=25", owner, null, 200));
        measureOne(ops, "list page (25, PENDING)", () -> call("GET", "/rooms/cap-ops/invites?limit=25&status=PENDING",
                owner, null, 200));

        // ---- room change and delete times at n = 10 and n = roomSize
        room("cap-small", start.plus(Duration.ofHours(5)));
        invites("cap-small", "small", 10);
        double[] small = roomTimes("cap-small");
        double[] big = roomTimes("cap-storm");

        // ---- list page latency by page size (p50 of 50)
        Map<Integer, Double> listP50 = new LinkedHashMap<>();
        for (int limit : new int[]{10, 20, 25, 50, 100}) {
            List<Double> samples = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long s = System.nanoTime();
                call("GET", "/rooms/cap-bulk/invites?limit=" + limit, owner, null, 200);
                if (i >= 10) {
                    samples.add((System.nanoTime() - s) / 1e6);
                }
            }
            samples.sort(Double::compare);
            listP50.put(limit, samples.get(samples.size() / 2));
        }

        md.append("## DynamoDB capacity and hot partitions\n\n");
        md.append("Capacity units of each operation, as DynamoDB Local reports them (`ReturnConsumedCapacity=INDEXES`, "
                + "table and indexes together; a room with a 1,200-character description):\n\n");
        md.append("| operation | DynamoDB calls | RCU | WCU |\n|---|---|---|---|\n");
        ops.forEach((k, v) -> md.append("| ").append(k).append(" | ").append((int) v[2]).append(" | ")
                .append(f1(v[0])).append(" | ").append(f1(v[1])).append(" |\n"));
        md.append("\nJoin storm: ").append(String.format(Locale.ROOT, "%,d", stormSize)).append(" invitees of one room of ")
                .append(String.format(Locale.ROOT, "%,d", roomSize)).append(" invites each preview and redeem (")
                .append(String.format(Locale.ROOT, "%,d", stormSize * 2)).append(" requests, replayed in ")
                .append(f1(stormWall)).append(" s here); write units per partition if the storm lasts ")
                .append(STORM_SECONDS).append(" s (DynamoDB's limit: 1,000 WCU/s per partition; goal ≤ 500):\n\n");
        md.append("| partition (table or index) | WCU in the storm | WCU/s over ").append(STORM_SECONDS).append(" s |\n|---|---|---|\n");
        List<Map.Entry<String, Double>> hot = recorder.hottest("storm", 6);
        for (Map.Entry<String, Double> e : hot) {
            md.append("| `").append(e.getKey()).append("` | ").append(f0(e.getValue())).append(" | ")
                    .append(f1(e.getValue() / STORM_SECONDS)).append(" |\n");
        }
        double hottestStorm = hot.isEmpty() ? 0 : hot.getFirst().getValue() / STORM_SECONDS;
        double[] stormTotals = recorder.byLabel.getOrDefault("storm", new double[3]);
        md.append("\nThe storm in all: ").append(f0(stormTotals[0])).append(" RCU and ").append(f0(stormTotals[1]))
                .append(" WCU reported by DynamoDB in ").append(f0(stormTotals[2])).append(" calls; the room's own item, read by every preview: ")
                .append(f0(stormTotals[0] / 2)).append(" RCU or so over ").append(STORM_SECONDS)
                .append(" s (limit 3,000 RCU/s per partition).\n\n");
        List<Map.Entry<String, Double>> bulkHot = recorder.hottest("create500", 3);
        double window = Math.max(1.0, createSeconds);
        md.append("500 invites created in ").append(f1(createSeconds)).append(" s here (8 clients); hottest partitions, WCU per second over ")
                .append(f1(window)).append(" s:\n\n| partition | WCU | WCU/s |\n|---|---|---|\n");
        for (Map.Entry<String, Double> e : bulkHot) {
            md.append("| `").append(e.getKey()).append("` | ").append(f0(e.getValue())).append(" | ")
                    .append(f1(e.getValue() / window)).append(" |\n");
        }
        double hottestBulk = bulkHot.isEmpty() ? 0 : bulkHot.getFirst().getValue() / window;
        md.append("\nRoom change and delete (one TransactWriteItems of the room and its 32 gates):\n\n")
                .append("| invites in the room | PUT room (ms, p50 of 5) | DELETE room (ms) |\n|---|---|---|\n")
                .append("| 10 | ").append(f1(small[0])).append(" | ").append(f1(small[1])).append(" |\n")
                .append("| ").append(String.format(Locale.ROOT, "%,d", roomSize)).append(" | ").append(f1(big[0]))
                .append(" | ").append(f1(big[1])).append(" |\n");
        md.append("\nList page latency, p50 of 50, by page size (ms): ");
        listP50.forEach((k, v) -> md.append("limit ").append(k).append(": ").append(f2(v)).append("; "));
        md.append("\n\n");
        md.append("Goals: hottest partition in the storm ").append(f1(hottestStorm)).append(" WCU/s (≤ 500: ")
                .append(hottestStorm <= 500 ? "met" : "NOT met").append("); in the 500-invite creation ")
                .append(f1(hottestBulk)).append(" WCU/s (≤ 500: ").append(hottestBulk <= 500 ? "met" : "NOT met").append(").\n");
        return md.toString();
    }

    private <T> T measureOne(Map<String, double[]> ops, String name, Callable<T> op) throws Exception {
        recorder.label = "op " + name;
        T result = op.call();
        ops.put(name, recorder.byLabel.getOrDefault("op " + name, new double[3]).clone());
        recorder.label = "setup";
        return result;
    }

    /** p50 of 5 room changes, then one delete, in ms. */
    private double[] roomTimes(String roomId) {
        recorder.label = "room-times";
        List<Double> puts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long s = System.nanoTime();
            room(roomId, services.clock().instant().plus(Duration.ofHours(10 + i)).truncatedTo(ChronoUnit.SECONDS));
            puts.add((System.nanoTime() - s) / 1e6);
        }
        puts.sort(Double::compare);
        long s = System.nanoTime();
        call("DELETE", "/admin/rooms/" + roomId, admin, null, 204);
        return new double[]{puts.get(2), (System.nanoTime() - s) / 1e6};
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
