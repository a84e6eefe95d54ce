package io.roominvites.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.roominvites.aws.AwsClients;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LinkTokens;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Warm latency of preview and redeem through the redeem-invite function's real handler, interleaved
 * request by request with the floor: the bare SDK call the operation needs, on the very same DynamoDB
 * client (AwsClients.dynamoDb(), which the handler's App uses). Then the contention run. Runs in its own
 * JVM with the Lambda flags and the function's jar (see {@link Bench}).
 */
public final class WarmRedeem {
    private WarmRedeem() {
    }

    public static void main(String[] args) throws Exception {
        List<String[]> preview = new ArrayList<>();
        List<String[]> redeem = new ArrayList<>();
        List<String[]> floor = new ArrayList<>();
        List<String[]> contend = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "preview" -> preview.add(f);
                case "redeem" -> redeem.add(f);
                case "floor" -> floor.add(f);
                case "contend" -> contend.add(f);
                default -> throw new IllegalArgumentException(line);
            }
        }
        int previewWarmup = Integer.parseInt(args[1]);
        int previews = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        int attempts = Integer.parseInt(args[5]);
        String suffix = args.length > 6 ? args[6] : "";
        String table = System.getenv("TABLE_NAME");

        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = Events.handler(Events.REDEEM_HANDLER);
        DynamoDbClient db = AwsClients.dynamoDb();

        // ---- preview: the handler's request vs one consistent BatchGetItem of the same invite and its room. Each request
        // carries a freshly signed link, as a new visitor's would.
        LinkTokens fresh = new LinkTokens(io.roominvites.app.SigningKeys.fromSecret(System.getenv("BENCH_LINK_KEYS")),
                System.getenv("TOKEN_ISSUER"));
        Stats handlerPreview = new Stats(previews);
        Stats floorPreview = new Stats(previews);
        for (int i = 0; i < previewWarmup + previews; i++) {
            String[] p = preview.get(i % preview.size());
            Map<String, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes> keys = Map.of(table,
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().consistentRead(true)
                            .keys(inviteKey(p[1], p[2]), Clients.key("ROOM#" + p[1], "#ROOM")).build());
            Instant now = Instant.now();
            String token = fresh.issue(p[1] + ":" + p[2], now.plus(java.time.Duration.ofHours(1)).plusMillis(i), now);
            APIGatewayV2HTTPEvent event = Events.preview(token, "bench-preview-device");
            interleaved(i, previewWarmup, () -> Events.expect(handler.handleRequest(event, null), 200),
                    () -> db.batchGetItem(r -> r.requestItems(keys)), handlerPreview, floorPreview);
        }
        System.out.println(handlerPreview.result("preview-handler" + suffix));
        System.out.println(floorPreview.result("preview-floor" + suffix));

        // ---- redeem: a first redemption through the handler (on a container that has not read the invite: it reads the
        // invite and its room, then writes) vs the same two calls, bare: BatchGetItem, then the TransactWriteItems that
        // checks the room's gate and puts the invite at its revision
        int redeems = redeem.size() - warmup;
        Stats handlerRedeem = new Stats(redeems);
        Stats floorRedeem = new Stats(redeems);
        for (int i = 0; i < redeem.size(); i++) {
            String[] r = redeem.get(i);
            String[] f = floor.get(i);
            APIGatewayV2HTTPEvent event = Events.redeem(r[3], "bench-device-" + i, r[4]);
            String device = "bench-floor-device-" + i;
            interleaved(i, warmup, () -> Events.expect(handler.handleRequest(event, null), 200),
                    () -> redeemBare(db, table, f[1], f[2], device), handlerRedeem, floorRedeem);
        }
        System.out.println(handlerRedeem.result("redeem-handler" + suffix));
        System.out.println(floorRedeem.result("redeem-floor" + suffix));

        // ---- what the tokens cost on their own (same JVM, same JIT state): the link's HS256 check, the access token's
        // ES256 signature
        KeyRing ring = KeyRing.generate("bench-crypto");
        LinkTokens links = new LinkTokens(ring, "bench");
        AccessTokens access = new AccessTokens(ring, "bench", "rooms");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        AccessGrant grant = new AccessGrant("bench@example.org", "bench-room", "VIEWER", List.of("view"),
                "01BENCHBENCHBENCHBENCHBENC", "bench-device", now, now.plusSeconds(3600));
        Stats verify = new Stats(redeems);
        Stats sign = new Stats(redeems);
        for (int i = 0; i < warmup + redeems; i++) {
            String link = links.issue("bench-room:01BENCHBENCHBENCHBENCHBENC", now.plusSeconds(3600), now);
            long a = time(() -> links.verify(link));
            long b = time(() -> access.issue(grant));
            if (i >= warmup) {
                verify.add(a);
                sign.add(b);
            }
        }
        System.out.println(verify.result("link-verify" + suffix));
        System.out.println(sign.result("es256-sign" + suffix));

        if (attempts == 0) {
            Exit.now();
        }

        // ---- contention: every link attacked by many devices at once; exactly one may win each
        Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> winsPerLink = new ConcurrentHashMap<>();
        int perLink = attempts / contend.size();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>(attempts);
            for (int a = 0; a < attempts; a++) {
                String[] c = contend.get(Math.min(a / perLink, contend.size() - 1)); // all attempts on one link together
                String device = "bench-contender-" + a;
                futures.add(pool.submit(() -> {
                    String outcome;
                    try {
                        APIGatewayV2HTTPResponse r = handler.handleRequest(Events.redeem(c[1], device, c[2]), null);
                        outcome = r.getStatusCode() == 200 ? "SUCCESS" : Events.code(r);
                        if (r.getStatusCode() == 200) {
                            winsPerLink.computeIfAbsent(c[1], k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        outcome = "EXCEPTION_" + e.getClass().getSimpleName();
                    }
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long linksWonOnce = winsPerLink.values().stream().filter(w -> w.get() == 1).count();
        long linksWonTwice = winsPerLink.values().stream().filter(w -> w.get() > 1).count();
        StringBuilder line = new StringBuilder("CONTENTION " + attempts + " " + contend.size() + " " + threads + " "
                + String.format(java.util.Locale.ROOT, "%.3f", seconds) + " " + linksWonOnce + " " + linksWonTwice);
        new TreeMap<>(outcomes).forEach((k, v) -> line.append(' ').append(k).append('=').append(v.sum()));
        System.out.println(line);
        Exit.now();
    }

    static Map<String, AttributeValue> inviteKey(String roomId, String inviteId) {
        return Clients.key("INVITE#" + roomId + "#" + inviteId, "#INVITE");
    }

    /**
     * The store's redeem, bare (see DynamoInviteStore.load and replaceInvite): one consistent BatchGetItem of the invite
     * and its room, then one TransactWriteItems: a ConditionCheck of the room's gate at the version read, and a Put of
     * the invite bound to {@code device} at the revision read.
     */
    static void redeemBare(DynamoDbClient db, String table, String roomId, String inviteId, String device) {
        Map<String, AttributeValue> key = inviteKey(roomId, inviteId);
        var got = db.batchGetItem(r -> r.requestItems(Map.of(table,
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().consistentRead(true)
                        .keys(key, Clients.key("ROOM#" + roomId, "#ROOM")).build()))).responses().get(table);
        Map<String, AttributeValue> invite = null;
        Map<String, AttributeValue> room = null;
        for (Map<String, AttributeValue> item : got) {
            if ("#INVITE".equals(item.get("sk").s())) {
                invite = item;
            } else {
                room = item;
            }
        }
        Map<String, AttributeValue> next = new HashMap<>(invite);
        String now = Long.toString(System.currentTimeMillis());
        next.put("st", AttributeValue.fromS("REDEEMED"));
        next.put("devices", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("id", AttributeValue.fromS(device),
                "at", AttributeValue.fromN(now))))));
        next.put("redeemedAt", AttributeValue.fromN(now));
        String rev = invite.get("rev").n();
        next.put("rev", AttributeValue.fromN(Long.toString(Long.parseLong(rev) + 1)));
        String version = room.get("version").n();
        db.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                        .key(Clients.key("ROOM#" + roomId + "#GATE#0", "#GATE"))
                        .conditionExpression("attribute_not_exists(version) OR version = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(version)))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table).item(next).conditionExpression("rev = :rev")
                        .expressionAttributeValues(Map.of(":rev", AttributeValue.fromN(rev)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build()));
    }

    /**
     * One handler request and the floor's calls, timed back to back with the order flipping every iteration (so
     * drift and noise hit both alike); the pair is kept once {@code i} is past the warm-up.
     */
    static void interleaved(int i, int warmup, Runnable handler, Runnable floor, Stats handlerStats, Stats floorStats) {
        long a;
        long b;
        if ((i & 1) == 0) {
            a = time(handler);
            b = time(floor);
        } else {
            b = time(floor);
            a = time(handler);
        }
        if (i >= warmup) {
            handlerStats.add(a);
            floorStats.add(b);
        }
    }

    static long time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return System.nanoTime() - t;
    }
}
