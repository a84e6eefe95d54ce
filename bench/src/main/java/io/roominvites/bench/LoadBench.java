package io.roominvites.bench;

import io.roominvites.json.Json;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load benchmark (scripts/load.sh; not part of the test command): CLIENTS concurrent clients for SECONDS of mixed
 * traffic against a running local runner over HTTP: create, preview, first redeem, re-entry, a contested redeem of
 * shared links from every client's device, list, promote and revoke. Afterwards it checks, through the API, that
 * nothing answered 5xx, that no link was redeemed by two devices, and that no created invite is missing from the
 * room's listing. Prints requests/s and p50/p99 per operation and overall; exits 1 when a check fails.
 */
public final class LoadBench {
    record Sample(String op, int status, long nanos) {
    }

    record Invite(String id, String token, String email) {
    }

    final String base;
    final int clients;
    final Duration length;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    final Set<String> created = ConcurrentHashMap.newKeySet();
    final Map<String, Set<String>> winners = new ConcurrentHashMap<>();
    final List<Invite> shared = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger serverErrors = new AtomicInteger();
    final AtomicLong transportErrors = new AtomicLong();
    String owner;
    String room;

    LoadBench(String base, int clients, Duration length) {
        this.base = base;
        this.clients = clients;
        this.length = length;
    }

    public static void main(String[] args) throws Exception {
        String base = System.getProperty("load.base", "http://127.0.0.1:3000");
        int clients = Integer.getInteger("load.clients", 32);
        int seconds = Integer.getInteger("load.seconds", 60);
        System.exit(new LoadBench(base, clients, Duration.ofSeconds(seconds)).run());
    }

    HttpResponse<String> call(String op, String method, String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (op != null) {
                samples.add(new Sample(op, r.statusCode(), System.nanoTime() - t0));
            }
            if (r.statusCode() >= 500) {
                serverErrors.incrementAndGet();
                System.err.println("5xx on " + method + " " + path + ": " + r.body());
            }
            return r;
        } catch (Exception e) {
            transportErrors.incrementAndGet();
            if (op != null) {
                samples.add(new Sample(op, -1, System.nanoTime() - t0));
            }
            return null;
        }
    }

    static Map<String, Object> json(HttpResponse<String> r) {
        try {
            return Json.parseObject(r.body());
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + r.body());
        }
    }

    String token(String email, boolean admin) {
        return (String) json(call(null, "POST", "/dev/token", null, "{\"email\":\"" + email + "\",\"siteAdmin\":" + admin + "}"))
                .get("token");
    }

    Invite create(String who) {
        String email = who + "@load.example.org";
        String body = "{\"email\":\"" + email + "\",\"firstName\":\"Load\",\"lastName\":\"Client\",\"role\":\"VIEWER\"}";
        HttpResponse<String> r = call("create", "POST", "/rooms/" + room + "/invites", owner, body);
        if (r == null || r.statusCode() != 201) {
            return null;
        }
        Map<String, Object> m = json(r);
        String link = (String) m.get("link");
        @SuppressWarnings("unchecked")
        String id = (String) ((Map<String, Object>) m.get("invite")).get("inviteId");
        created.add(id);
        return new Invite(id, link.substring(link.indexOf("#invite=") + 8), email);
    }

    int run() throws Exception {
        String admin = token("admin@example.com", true);
        owner = token("owner@example.com", false);
        room = "load-" + Long.toString(System.currentTimeMillis(), 36);
        // the runner's clock (it may have been moved with /dev/clock) decides when the room is open: ask it
        Instant now = Instant.parse((String) json(call(null, "POST", "/dev/clock", null, "{\"advanceSeconds\":0}")).get("now"));
        Instant start = now.minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> put = call(null, "PUT", "/admin/rooms/" + room, admin, "{\"title\":\"Load\",\"startsAt\":\"" + start
                + "\",\"endsAt\":\"" + start.plus(6, ChronoUnit.HOURS) + "\",\"chatAndCollaborationEnabled\":true,\"owner\":\"owner@example.com\"}");
        if (put.statusCode() != 200) {
            throw new IllegalStateException("could not create the room: " + put.body());
        }
        for (int i = 0; i < 50; i++) {
            shared.add(create("shared-" + i));
        }
        samples.clear();
        long deadline = System.nanoTime() + length.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> client(client, deadline)));
        }
        long t0 = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return report(seconds);
    }

    void client(int client, long deadline) {
        String device = "load-device-" + client + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
        List<Invite> pending = new ArrayList<>();
        List<Invite> redeemed = new ArrayList<>();
        int n = 0;
        while (System.nanoTime() < deadline) {
            int dice = ThreadLocalRandom.current().nextInt(100);
            n++;
            if (dice < 15 || pending.isEmpty()) {
                Invite i = create("c" + client + "-" + n);
                if (i != null) {
                    pending.add(i);
                }
            } else if (dice < 35) {
                Invite i = pending.get(ThreadLocalRandom.current().nextInt(pending.size()));
                call("preview", "POST", "/invites/preview", null, "{\"token\":\"" + i.token() + "\",\"deviceId\":\"" + device + "\"}");
            } else if (dice < 50) {
                Invite i = pending.removeLast();
                HttpResponse<String> r = call("redeem", "POST", "/invites/redeem", null, "{\"token\":\"" + i.token()
                        + "\",\"deviceId\":\"" + device + "\",\"email\":\"" + i.email() + "\"}");
                if (r != null && r.statusCode() == 200) {
                    redeemed.add(i);
                }
            } else if (dice < 65 && !redeemed.isEmpty()) {
                Invite i = redeemed.get(ThreadLocalRandom.current().nextInt(redeemed.size()));
                call("re-entry", "POST", "/invites/redeem", null, "{\"token\":\"" + i.token() + "\",\"deviceId\":\"" + device + "\"}");
            } else if (dice < 75) {
                // contested: every client's device tries the same shared links
                Invite i = shared.get(ThreadLocalRandom.current().nextInt(shared.size()));
                HttpResponse<String> r = call("contested-redeem", "POST", "/invites/redeem", null, "{\"token\":\"" + i.token()
                        + "\",\"deviceId\":\"" + device + "\",\"email\":\"" + i.email() + "\"}");
                if (r != null && r.statusCode() == 200) {
                    winners.computeIfAbsent(i.id(), k -> ConcurrentHashMap.newKeySet()).add(device);
                }
            } else if (dice < 85) {
                call("list", "GET", "/rooms/" + room + "/invites?limit=25", owner, null);
            } else if (dice < 95 && !redeemed.isEmpty()) {
                Invite i = redeemed.get(ThreadLocalRandom.current().nextInt(redeemed.size()));
                call("promote", "POST", "/rooms/" + room + "/invites/" + i.id() + "/promote", owner, "{\"role\":\"MODERATOR\"}");
            } else if (!pending.isEmpty()) {
                Invite i = pending.removeFirst();
                call("revoke", "DELETE", "/rooms/" + room + "/invites/" + i.id(), owner, null);
            }
        }
    }

    int report(double seconds) {
        List<String> problems = new ArrayList<>();
        // every created invite is in the listing (paged through)
        Set<String> listed = new HashSet<>();
        String cursor = null;
        do {
            HttpResponse<String> r = call(null, "GET", "/rooms/" + room + "/invites?limit=100"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), owner, null);
            Map<String, Object> page = json(r);
            for (Object o : (List<?>) page.get("invites")) {
                listed.add((String) ((Map<?, ?>) o).get("inviteId"));
            }
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        Set<String> lost = new HashSet<>(created);
        lost.removeAll(listed);
        if (!lost.isEmpty()) {
            problems.add(lost.size() + " created invites are missing from the listing");
        }
        long doubles = winners.values().stream().filter(s -> s.size() > 1).count();
        if (doubles > 0) {
            problems.add(doubles + " links were redeemed by two devices");
        }
        if (serverErrors.get() > 0) {
            problems.add(serverErrors.get() + " answers were 5xx");
        }
        if (transportErrors.get() > 0) {
            problems.add(transportErrors.get() + " requests failed at the transport level");
        }
        List<Sample> all = new ArrayList<>(samples);
        Map<String, List<Long>> byOp = new TreeMap<>();
        Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
        for (Sample s : all) {
            byOp.computeIfAbsent(s.op(), k -> new ArrayList<>()).add(s.nanos());
            statuses.computeIfAbsent(s.op(), k -> new TreeMap<>()).merge(s.status(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("Load: %d clients, %.1f s, %d requests, %.0f requests/s; overall p50 %.1f ms, p99 %.1f ms%n",
                clients, seconds, all.size(), all.size() / seconds, pct(all.stream().map(Sample::nanos).toList(), 50),
                pct(all.stream().map(Sample::nanos).toList(), 99)));
        out.append("| operation | requests | p50 ms | p99 ms | statuses |\n|---|---|---|---|---|\n");
        byOp.forEach((op, l) -> out.append(String.format("| %s | %d | %.1f | %.1f | %s |%n", op, l.size(), pct(l, 50), pct(l, 99),
                statuses.get(op))));
        out.append(String.format("Checks: %d invites created, all listed: %s; %d shared links contested, redeemed by two devices: %d;"
                        + " 5xx: %d; transport errors: %d%n", created.size(), lost.isEmpty(), shared.size(), doubles,
                serverErrors.get(), transportErrors.get()));
        System.out.print(out);
        String file = System.getProperty("load.out");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), "# Load benchmark (scripts/load.sh)\n\n" + out
                        + (problems.isEmpty() ? "\nAll checks held.\n" : "\nFAILED: " + problems + "\n"));
            } catch (Exception e) {
                System.err.println("could not write " + file + ": " + e);
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("LOAD CHECKS FAILED: " + problems);
            return 1;
        }
        return 0;
    }

    static double pct(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, rank)) / 1e6;
    }
}
