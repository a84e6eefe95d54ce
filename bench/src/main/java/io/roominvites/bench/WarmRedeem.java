package io.roominvites.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.roominvites.app.AwsClients;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.KeyRing;
import io.roominvites.tokens.LinkTokens;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

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

        // ---- preview: the handler's request vs one consistent GetItem of the same invite. Each request carries a
        // freshly signed link, as a new visitor's would.
        LinkTokens fresh = new LinkTokens(io.roominvites.app.SigningKeys.fromSecret(System.getenv("BENCH_LINK_KEYS")),
                System.getenv("TOKEN_ISSUER"));
        Stats handlerPreview = new Stats(previews);
        Stats floorPreview = new Stats(previews);
        for (int i = 0; i < previewWarmup + previews; i++) {
            String[] p = preview.get(i % preview.size());
            Map<String, AttributeValue> key = Clients.key("ROOM#" + p[1], "INVITE#" + p[2]);
            Instant now = Instant.now();
            String token = fresh.issue(p[1] + ":" + p[2], now.plus(java.time.Duration.ofHours(1)).plusMillis(i), now);
            APIGatewayV2HTTPEvent event = Events.preview(token, "bench-preview-device");
            interleaved(i, previewWarmup, () -> Events.expect(handler.handleRequest(event, null), 200),
                    () -> db.getItem(r -> r.tableName(table).key(key).consistentRead(true)), handlerPreview, floorPreview);
        }
        System.out.println(handlerPreview.result("preview-handler" + suffix));
        System.out.println(floorPreview.result("preview-floor" + suffix));

        // ---- redeem: a first redemption through the handler vs the same conditional UpdateItem, bare
        int redeems = redeem.size() - warmup;
        Stats handlerRedeem = new Stats(redeems);
        Stats floorRedeem = new Stats(redeems);
        for (int i = 0; i < redeem.size(); i++) {
            String[] r = redeem.get(i);
            String[] f = floor.get(i);
            APIGatewayV2HTTPEvent event = Events.redeem(r[3], "bench-device-" + i, r[4]);
            UpdateItemRequest bare = redeemWrite(table, f[1], f[2], "bench-floor-device-" + i, f[3]);
            interleaved(i, warmup, () -> Events.expect(handler.handleRequest(event, null), 200),
                    () -> db.updateItem(bare), handlerRedeem, floorRedeem);
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

    /** The store's redeem write (see DynamoInviteStore.redeem) for a device proving one email, bare. */
    static UpdateItemRequest redeemWrite(String table, String roomId, String inviteId, String device, String email) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":redeemed", AttributeValue.fromS("REDEEMED"));
        values.put(":dev", AttributeValue.fromS(device));
        values.put(":now", AttributeValue.fromN(Long.toString(System.currentTimeMillis())));
        values.put(":true", AttributeValue.fromBool(true));
        values.put(":g", AttributeValue.fromS("ROOM#" + roomId + "#REDEEMED"));
        values.put(":pending", AttributeValue.fromS("PENDING"));
        values.put(":max", AttributeValue.fromN("5"));
        values.put(":e0", AttributeValue.fromS(email));
        return UpdateItemRequest.builder().tableName(table).key(Clients.key("ROOM#" + roomId, "INVITE#" + inviteId))
                .updateExpression("SET st = :redeemed, deviceId = if_not_exists(deviceId, :dev), "
                        + "redeemedAt = if_not_exists(redeemedAt, :now), gsi1pk = :g")
                .conditionExpression("attribute_exists(pk) AND roomDeleted <> :true AND roomStartsAt <= :now AND "
                        + "roomEndsAt > :now AND ((st = :redeemed AND deviceId = :dev) OR (st = :pending AND "
                        + "expiresAt > :now AND failedEmailAttempts < :max AND email IN (:e0)))")
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
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
