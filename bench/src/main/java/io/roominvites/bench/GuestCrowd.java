package io.roominvites.bench;

import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.local.LocalServices;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A guest link for a crowd (bench part "guest-crowd"): one link of {@code maxUses} shared with more guests than that,
 * every guest previewing and redeeming it at once (16 clients through the router, DynamoDB Local in server mode), then
 * a tenth of those who entered coming back (a re-entry uses nothing). The capacity interceptor of {@link Capacity}
 * attributes every write to its partition with DynamoDB's rules (2 WCU per started KB in a transaction, every try
 * counted, a refused one too; a transaction's UpdateItem counted as a 1-2 KB item, 4 WCU, though a use counter is a
 * few dozen bytes: the figures are an upper bound). Reports the hottest partitions as WCU/s had the crowd come within
 * 10 s, and checks that exactly maxUses devices entered and that the link counts exactly that many uses. Writes
 * bench/results/guest-link-crowd.md.
 */
final class GuestCrowd {
    private GuestCrowd() {
    }

    /**
     * Runs this part alone, on a DynamoDB Local it starts in server mode on loopback, where the bench module's whole
     * classpath (its CRT HTTP client) is not at hand: {@code java -cp <local's classpath>:<these classes>
     * io.roominvites.bench.GuestCrowd <repository root> [quick]}.
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean quick = args.length > 1 && args[1].equals("quick");
        try (io.roominvites.local.DynamoDbLocalServer server = io.roominvites.local.DynamoDbLocalServer.launch()) {
            System.out.println(run(URI.create("http://127.0.0.1:" + server.port()), quick, root, System.err::println,
                    "its `main` on the local module's classpath"));
        }
        System.exit(0);
    }

    /** {@code how}: how this run was started, for the report ("`scripts/bench.sh`", "its `main` ..."). */
    static String run(URI endpoint, boolean quick, Path root, Consumer<String> log, String how) throws Exception {
        Capacity.Recorder recorder = new Capacity.Recorder();
        LocalServices.Options o = new LocalServices.Options();
        o.dynamoEndpoint = endpoint;
        o.tableName = "crowd-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        o.tableStream = false;
        o.interceptors.add(recorder);
        o.settingsMaxAge = Duration.ofHours(1);
        int guests = quick ? 1_000 : 5_000;
        int maxUses = quick ? 900 : 4_500;
        try (LocalServices services = LocalServices.start(o)) {
            String md = measure(services, recorder, guests, maxUses, log, how);
            if (!quick) {
                Path out = root.resolve("bench/results/guest-link-crowd.md");
                Files.writeString(out, md);
                log.accept("guest-crowd: written to " + out);
            }
            return md;
        }
    }

    private static Map<String, Object> call(LocalServices services, String method, String path, String bearer,
                                            Map<String, ?> body, int... expect) {
        Map<String, String> headers = new HashMap<>();
        if (bearer != null) {
            headers.put("authorization", "Bearer " + bearer);
        }
        HttpResponse r = services.app().router().handle(new HttpRequest(method, path, headers, Map.of(),
                body == null ? null : Json.write(body), java.util.UUID.randomUUID().toString(), "127.0.0.1"));
        boolean ok = false;
        for (int e : expect) {
            ok |= r.status() == e;
        }
        if (!ok) {
            throw new IllegalStateException(method + " " + path + ": " + r.status() + " " + r.body());
        }
        try {
            Map<String, Object> m = r.body() == null || r.body().isEmpty() ? new HashMap<>() : new HashMap<>(Json.parseObject(r.body()));
            m.put("_status", r.status());
            return m;
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("not JSON: " + r.body(), e);
        }
    }

    private static String measure(LocalServices services, Capacity.Recorder recorder, int guests, int maxUses,
                                  Consumer<String> log, String how) throws Exception {
        String admin = services.identityProvider().mint("admin@example.com", "Site", "Admin", true, Duration.ofHours(6));
        String owner = services.identityProvider().mint(Capacity.OWNER, "Olive", "Owner", false, Duration.ofHours(6));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("inviteToMediaEnabled", true);
        settings.put("linkBaseUrl", "https://events.example.com/join");
        call(services, "PUT", "/admin/settings", admin, settings, 200);
        Instant start = services.clock().instant().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("title", "Webinar for a crowd");
        room.put("description", "x".repeat(1200));
        room.put("startsAt", start.toString());
        room.put("endsAt", start.plus(Duration.ofHours(2)).toString());
        room.put("chatAndCollaborationEnabled", true);
        room.put("owner", Capacity.OWNER);
        call(services, "PUT", "/admin/rooms/crowd", admin, room, 200);
        Map<String, Object> created = call(services, "POST", "/rooms/crowd/guest-links", owner,
                Map.of("label", "Webinar audience", "maxUses", maxUses), 201);
        String link = (String) created.get("link");
        String token = link.substring(link.indexOf("#guest=") + 7);

        recorder.label = "crowd";
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        List<String> in = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Callable<Void>> crowd = new ArrayList<>();
        for (int i = 0; i < guests; i++) {
            String device = "crowd-device-" + i;
            crowd.add(() -> {
                call(services, "POST", "/guest/preview", null, Map.of("token", token, "deviceId", device), 200, 409);
                Map<String, Object> r = call(services, "POST", "/guest/redeem", null, Map.of("token", token,
                        "deviceId", device, "firstName", "Guest", "lastName", "Number " + device.substring(13)), 200, 409);
                if (((Number) r.get("_status")).intValue() == 200) {
                    entered.incrementAndGet();
                    in.add(device);
                } else {
                    exhausted.incrementAndGet();
                }
                return null;
            });
        }
        log.accept("guest-crowd: " + guests + " guests on one link of " + maxUses);
        long t0 = System.nanoTime();
        all(crowd, 16);
        double wall = (System.nanoTime() - t0) / 1e9;

        // a tenth of those who entered come back (Refresh): a re-entry uses nothing
        recorder.label = "again";
        List<Callable<Void>> again = new ArrayList<>();
        for (int i = 0; i < in.size() / 10; i++) {
            String device = in.get(i);
            again.add(() -> {
                call(services, "POST", "/guest/redeem", null, Map.of("token", token, "deviceId", device,
                        "firstName", "Guest", "lastName", "Again"), 200);
                return null;
            });
        }
        all(again, 16);
        recorder.label = "after";
        List<Object> listed = (List<Object>) call(services, "GET", "/rooms/crowd/guest-links", owner, null, 200).get("guestLinks");
        int uses = ((Number) ((Map<?, ?>) listed.getFirst()).get("uses")).intValue();
        if (entered.get() != maxUses || uses != maxUses) {
            throw new IllegalStateException("not exact: " + entered.get() + " entered, the link counts " + uses
                    + ", maxUses " + maxUses);
        }

        List<Map.Entry<String, Double>> hot = recorder.hottest("crowd", 8);
        double total = 0;
        for (Map.Entry<String, Double> e : recorder.hottest("crowd", Integer.MAX_VALUE)) {
            total += e.getValue();
        }
        double[] totals = recorder.byLabel.getOrDefault("crowd", new double[3]);
        StringBuilder md = new StringBuilder();
        md.append("# A guest link for a crowd\n\n");
        md.append("Produced by the benchmark's \"guest-crowd\" part (`bench/.../GuestCrowd.java`, run by ").append(how)
                .append("; alone: `BENCH_ONLY=guest-crowd scripts/bench.sh`) on ")
                .append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, DynamoDB Local in server mode on "
                        + "loopback, the service through its router (16 clients). DynamoDB Local enforces no partition "
                        + "limit, so the capacity interceptor of the capacity part attributes every write to its "
                        + "partition with DynamoDB's rules: 2 WCU per started KB in a transaction, every try counted "
                        + "(a refused one too), and a transaction's UpdateItem counted as a 1-2 KB item (4 WCU), though "
                        + "a use counter is a few dozen bytes (2 WCU): the figures below are an upper bound.\n\n");
        md.append("## The crowd\n\n");
        md.append(String.format(Locale.ROOT, "%,d guests, each previewing and redeeming one guest link of `maxUses` %,d "
                + "(%,d requests), replayed in %.1f s here: **%,d entered, %,d were told GUEST_LINK_EXHAUSTED; the link "
                + "counts %,d uses** (exact). Then %,d of those who entered came back: each got a fresh access token and "
                + "the count stayed %,d.%n%n", guests, maxUses, guests * 2, wall, entered.get(), exhausted.get(), uses,
                in.size() / 10, uses));
        md.append(String.format(Locale.ROOT, "The link has %d use counters (shards), each capped at about %d; a "
                + "device's first use is one transaction: its claim (Put, only if new: its own partition) and one "
                + "counter's increment (Update, only if below its cap). The device's hash picks the counter; a full "
                + "one sends it to the others, read consistently.%n%n", 16, maxUses / 16));
        md.append("Write units per partition had the crowd come within 10 s (DynamoDB's limit: 1,000 WCU/s per "
                + "partition; goal ≤ 500):\n\n");
        md.append("| partition | WCU in the crowd | WCU/s over 10 s |\n|---|---|---|\n");
        for (Map.Entry<String, Double> e : hot) {
            md.append("| `").append(e.getKey().replaceAll("#crowd-device-\\d+", "#{device}")).append("` | ")
                    .append(String.format(Locale.ROOT, "%,.0f", e.getValue())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", e.getValue() / 10)).append(" |\n");
        }
        double hottest = hot.isEmpty() ? 0 : hot.getFirst().getValue() / 10;
        md.append(String.format(Locale.ROOT, "%nIn all: %,.0f WCU attributed to partitions, %,.0f RCU and %,.0f WCU "
                + "reported by DynamoDB Local over %,.0f calls.%n%n", total, totals[0], totals[1], totals[2]));
        md.append(String.format(Locale.ROOT, "**Goal: hottest partition %.1f WCU/s (≤ 500: %s); uses exact: %,d of "
                + "%,d.**%n%n", hottest, hottest <= 500 ? "met" : "NOT met", uses, maxUses));
        md.append("Reads: every preview and redeem reads the guest link's item (`GLINK#crowd`, one consistent GetItem "
                + "each, about 1 RCU) and the room's; a preview and a full counter read the link's counters (a "
                + "BatchGetItem of 16 small items). Had the crowd come within 10 s that is about 1,000 RCU/s on the "
                + "link's partition and on the room's, under DynamoDB's 3,000 RCU/s per partition.\n\n");
        md.append("Without shards (one counter for the link), every use would add 2-4 WCU to one partition: ")
                .append(String.format(Locale.ROOT, "%,d uses in 10 s would be %,d-%,d WCU/s on it (DynamoDB's limit "
                        + "1,000, the goal 500), and the refused tries of a used-up link on top.%n",
                        maxUses, maxUses * 2 / 10, maxUses * 4 / 10));
        return md.toString();
    }

    private static <T> void all(List<Callable<T>> tasks, int threads) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (Future<T> f : pool.invokeAll(tasks)) {
                f.get();
            }
        }
    }
}
