package io.roominvites.it.sim;

import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.http.HttpRequest;
import io.roominvites.http.HttpResponse;
import io.roominvites.json.Json;
import io.roominvites.local.DevClock;
import io.roominvites.local.LocalServices;
import io.roominvites.service.EventRelay;
import io.roominvites.service.Ids;
import io.roominvites.store.InviteStore;
import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One seed of the simulation: a generator of managers, invitees (many devices), admins and the clock drives the
 * whole service (the same router the Lambda functions use) over a DynamoDB that fails as DynamoDB does
 * ({@link FaultyDynamo}), with the TTL sweeper, the change stream read and relayed at chosen steps (late, twice) and
 * the email queue drained at chosen steps (messages delivered again). One operation at a time, on one thread, on a
 * fixed clock that only the generator moves: the same seed gives the same trace. {@link Checks} compares the store,
 * the answers, the bus and the emails with the {@link Model} after every step and once everything settled.
 */
final class Simulation {
    static final Instant T0 = Instant.parse("2030-01-07T09:00:00Z");
    static final String ADMIN = "admin@example.com";
    static final String OWNER = "owner@example.com";
    private static final Pattern ATTEMPT = Pattern.compile("attempt-(\\d+)");

    /** A failed check: which one and what it saw. */
    static final class Violation extends RuntimeException {
        final String check;

        Violation(String check, String message) {
            super(message);
            this.check = check;
        }
    }

    /** What a seed did and found. */
    static final class Result {
        long seed;
        Set<Defect> defects;
        int steps;
        final List<String> trace = new ArrayList<>();
        String check;
        String failure;
        int failedStep = -1;
        long millis;
        final Map<String, Integer> faults = new java.util.TreeMap<>();
        int indeterminate;
        int redelivered;
        int late;
        int emailsSent;
        int eventsPublished;
        /** The slowest step and its time (wall clock: not part of the trace). */
        String slowest = "";
        long slowestMillis;

        boolean failed() {
            return failure != null;
        }

        /** The seed, the step, the check and the last {@code tail} steps of the trace. */
        String report(int tail) {
            StringBuilder b = new StringBuilder();
            b.append("seed ").append(seed).append(defects.isEmpty() ? "" : " with " + defects).append(": ")
                    .append(failed() ? "FAILED at step " + failedStep + ", check " + check + ": " + failure : "passed")
                    .append(" (").append(steps).append(" steps, ").append(millis).append(" ms; slowest step ").append(slowest).append(")\n");
            int from = Math.max(0, trace.size() - tail);
            if (from > 0) {
                b.append("  ... ").append(from).append(" earlier steps\n");
            }
            for (int i = from; i < trace.size(); i++) {
                b.append("  ").append(trace.get(i)).append('\n');
            }
            b.append("  replay: -Dsim.seed=").append(seed)
                    .append(defects.isEmpty() ? "" : " -Dsim.defect=" + defects.iterator().next()).append('\n');
            return b.toString();
        }
    }

    private final SimInfra infra;
    private final long seed;
    private final int steps;
    private final Set<Defect> defects;
    private final Random gen;
    final Model model = new Model();
    final Result result = new Result();
    DevClock clock;
    LocalServices services;
    FaultyDynamo dynamo;
    SimEmail email;
    SimBus bus;
    SimStream stream;
    String table;
    private int requests;
    private int roomSeq;
    private final List<String> queueBodies = new ArrayList<>();
    private final Map<String, Map.Entry<Instant, String>> tokens = new HashMap<>();
    int step;

    Simulation(SimInfra infra, long seed, int steps, Set<Defect> defects) {
        this.infra = infra;
        this.seed = seed;
        this.steps = steps;
        this.defects = defects.isEmpty() ? EnumSet.noneOf(Defect.class) : EnumSet.copyOf(defects);
        this.gen = new Random(seed);
        result.seed = seed;
        result.defects = this.defects;
    }

    Result run() {
        long t = System.nanoTime();
        table = "sim-" + seed + "-" + infra.nextTable();
        try {
            start();
            for (step = 1; step <= steps; step++) {
                dynamo.step = step;
                dynamo.thisStep.clear();
                dynamo.on = true;
                String line;
                long t1 = System.nanoTime();
                try {
                    line = next();
                } finally {
                    dynamo.on = false;
                }
                long took = (System.nanoTime() - t1) / 1_000_000;
                if (took > result.slowestMillis) {
                    result.slowestMillis = took;
                    result.slowest = "#" + step + " " + took + " ms: " + line;
                }
                if (!dynamo.thisStep.isEmpty()) {
                    line += "  [injected " + String.join(", ", dynamo.thisStep) + "]";
                }
                result.trace.add("#" + step + " " + stamp() + " " + line);
                result.steps = step;
                Checks.afterStep(this);
            }
            step = steps + 1;
            settle();
            result.trace.add("#" + step + " " + stamp() + " settle: stream drained, queue drained, index lag off");
            Checks.atEnd(this);
        } catch (Violation v) {
            result.check = v.check;
            result.failure = v.getMessage();
            result.failedStep = step;
        } catch (Exception | Error e) {
            result.check = "no-crash";
            java.io.StringWriter sw = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(sw));
            result.failure = sw.toString().lines().limit(12).reduce((a, b) -> a + "\n    " + b).orElse(e.toString());
            result.failedStep = step;
        } finally {
            if (dynamo != null) {
                dynamo.injected.forEach((k, v) -> result.faults.put(k.name(), v));
            }
            if (bus != null) {
                result.faults.put("PUT_EVENTS_REFUSED", bus.refused);
                result.eventsPublished = bus.published.size();
            }
            if (email != null) {
                result.faults.put("EMAIL_FAILED", email.failed);
                result.emailsSent = email.sent;
            }
            if (stream != null) {
                result.redelivered = stream.redelivered;
                result.late = stream.late;
            }
            result.indeterminate = model.indeterminate;
            close();
            result.millis = (System.nanoTime() - t) / 1_000_000;
        }
        return result;
    }

    private String stamp() {
        Duration d = Duration.between(T0, clock.instant());
        return String.format(Locale.ROOT, "t+%dd%02dh%02dm", d.toDays(), d.toHoursPart(), d.toMinutesPart());
    }

    // ------------------------------------------------------------------ set-up

    private void start() throws Exception {
        clock = new DevClock(Clock.fixed(T0, ZoneOffset.UTC));
        dynamo = new FaultyDynamo(seed * 31 + 1, Thread.currentThread(), infra.raw, table);
        dynamo.rate = 0.02 + gen.nextDouble() * 0.08;
        dynamo.unknownReasonRate = 0.5;
        dynamo.oldInviteTtl = defects.contains(Defect.INVITE_OLD_TTL);
        dynamo.oldHistoryTtl = defects.contains(Defect.HISTORY_OLD_TTL);
        email = new SimEmail(infra.raw, table, clock, seed * 31 + 2);
        email.failureRate = 0.15;
        bus = new SimBus(seed * 31 + 3);
        bus.refuseRate = 0.1;
        LocalServices.Options o = new LocalServices.Options();
        o.dynamoEndpoint = infra.endpoint;
        o.httpClient = infra.http;
        o.tableName = table;
        o.email = email;
        o.interceptors.add(dynamo);
        if (infra.transport != null) {
            o.interceptors.add(infra.transport); // last: it makes the call, after every fault was decided
        }
        o.dynamoOverrides = SimInfra::quickRetries;
        o.clock = clock;
        o.tableStream = true;
        o.lifecycleEvents = false;
        o.settingsMaxAge = Duration.ZERO;
        o.ids = new Ids(new Random(seed * 31 + 4));
        o.identityKey = infra.identityKey;
        if (defects.contains(Defect.STALE_ROOM_GRANT)) {
            o.storeDecorator = Simulation::unknownRoomTakenAsUnchanged;
        }
        services = LocalServices.start(o);
        InviteStore relayStore = services.store();
        io.roominvites.events.EventPublisher publisher = bus;
        if (defects.contains(Defect.LATEST_ATTEMPT_EVENTS)) {
            relayStore = latestAttemptHistory(relayStore);
            publisher = events -> {
                List<LifecycleEvent> kept = new ArrayList<>();
                for (LifecycleEvent e : events) {
                    if (oldRuleTells(e)) {
                        kept.add(e);
                    }
                }
                return bus.publish(kept);
            };
        }
        stream = new SimStream(infra.raw, infra.streams, table, new EventRelay(relayStore, publisher,
                new io.roominvites.store.dynamo.DynamoRoomRetirement(services.dynamoDb(), table)), clock, services.ttl());
        Map<String, Object> s = settingsBody();
        call("PUT", "/admin/settings", adminToken(), s, Map.of()).expect(200, "setup");
    }

    private void close() {
        try {
            if (services != null) {
                services.close();
            }
        } catch (Exception ignored) {
            // closing a seed's service never fails the seed
        }
        try {
            infra.raw.deleteTable(b -> b.tableName(table));
        } catch (RuntimeException ignored) {
            // the table may not exist (a seed that failed to start)
        }
    }

    // ------------------------------------------------------------------ defects re-introduced from the test side

    /** Would the old rule (latest attempt only) have told this email outcome? Every other event passes. */
    private boolean oldRuleTells(LifecycleEvent e) {
        if (e.type() != EventType.INVITE_EMAILED && e.type() != EventType.INVITE_EMAIL_FAILED) {
            return true;
        }
        Matcher m = ATTEMPT.matcher(e.eventId());
        if (!m.find()) {
            return true; // the product derives them from the latest attempt already
        }
        Integer told = stream.oldRuleAttempt.get(e.inviteId() + "#" + e.revision());
        return told != null && told == Integer.parseInt(m.group(1));
    }

    private InviteStore latestAttemptHistory(InviteStore store) {
        return (InviteStore) Proxy.newProxyInstance(InviteStore.class.getClassLoader(), new Class<?>[]{InviteStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("recordHistory") && args[0] instanceof LifecycleEvent e && !oldRuleTells(e)) {
                        return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                    }
                    return invoke(store, method, args);
                });
    }

    /** The old rule of item 4: a room answer that is unknown is taken as unchanged. */
    static InviteStore unknownRoomTakenAsUnchanged(InviteStore store) {
        return (InviteStore) Proxy.newProxyInstance(InviteStore.class.getClassLoader(), new Class<?>[]{InviteStore.class},
                (proxy, method, args) -> {
                    Object r = invoke(store, method, args);
                    if (method.getName().equals("replaceInvite") && r instanceof InviteStore.Replaced.Changed c) {
                        return StaleRoom.asUnchanged(c);
                    }
                    return r;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ------------------------------------------------------------------ HTTP through the router

    /** An answer with its JSON. */
    static final class Answer {
        final int status;
        final Map<String, Object> json;
        final String body;

        Answer(HttpResponse r) {
            this.status = r.status();
            this.body = r.body();
            Map<String, Object> j;
            try {
                j = body == null || body.isEmpty() ? Map.of() : Json.parseObject(body);
            } catch (java.text.ParseException | RuntimeException e) {
                j = Map.of();
            }
            this.json = j;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> obj(String name) {
            return json.get(name) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        }

        String code() {
            Map<String, Object> e = obj("error");
            return e == null ? null : (String) e.get("code");
        }

        String message() {
            Map<String, Object> e = obj("error");
            return e == null ? "" : String.valueOf(e.get("message"));
        }

        String brief() {
            return status + (code() != null ? " " + code() : "");
        }

        Answer expect(int s, String what) {
            if (status != s) {
                throw new Violation("answer", what + ": expected " + s + ", got " + status + " " + body);
            }
            return this;
        }
    }

    @SuppressWarnings("unchecked")
    Answer call(String method, String path, String bearer, Object body, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        if (bearer != null) {
            h.put("authorization", "Bearer " + bearer);
        }
        if (body instanceof Map<?, ?>) {
            h.put("content-type", "application/json");
        }
        String raw = body == null ? null : body instanceof String s ? s : Json.write((Map<String, ?>) body);
        String p = path;
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            p = path.substring(0, q);
            for (String pair : path.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        HttpResponse r = services.app().router().handle(new HttpRequest(method, p, h, query, raw,
                "sim-" + seed + "-" + (++requests), "127.0.0.1"));
        return new Answer(r);
    }

    String adminToken() {
        return token(ADMIN, "Site", "Admin", true);
    }

    String ownerToken() {
        return token(OWNER, "Olive", "Owner", false);
    }

    String tokenOf(String email) {
        return token(email, "Ivy", "Invitee", false);
    }

    /** Minted on the seed's clock and kept while it is less than an hour old (a signature costs more than a step). */
    private String token(String email, String first, String last, boolean admin) {
        Instant now = now();
        Map.Entry<Instant, String> kept = tokens.get(email);
        if (kept != null && !now.isBefore(kept.getKey()) && now.isBefore(kept.getKey().plus(Duration.ofHours(1)))) {
            return kept.getValue();
        }
        String t = services.identityProvider().mint(email, first, last, admin, Duration.ofHours(2));
        tokens.put(email, Map.entry(now, t));
        return t;
    }

    Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ the generator

    private <T> T pick(List<T> list) {
        return list.get(gen.nextInt(list.size()));
    }

    private boolean open(Model.Room r) {
        Instant now = now();
        return r != null && r.exists && !r.deleted && !now.isBefore(r.start) && now.isBefore(r.end);
    }

    private Model.Invite someInvite() {
        List<Model.Invite> living = model.living();
        if (living.isEmpty()) {
            return null;
        }
        // mostly an invite of an open room, and the newer ones: they are the ones in play
        List<Model.Invite> inPlay = new ArrayList<>();
        for (Model.Invite i : living) {
            if (open(model.rooms.get(i.room))) {
                inPlay.add(i);
            }
        }
        List<Model.Invite> from = !inPlay.isEmpty() && gen.nextInt(4) != 0 ? inPlay : living;
        int n = from.size();
        int i = gen.nextInt(3) == 0 ? gen.nextInt(n) : n - 1 - gen.nextInt(Math.min(n, 6));
        return from.get(i);
    }

    private Model.Room someRoom() {
        List<Model.Room> rooms = new ArrayList<>(model.rooms.values());
        if (rooms.isEmpty()) {
            return null;
        }
        List<Model.Room> open = new ArrayList<>();
        for (Model.Room r : rooms) {
            if (open(r)) {
                open.add(r);
            }
        }
        return !open.isEmpty() && gen.nextInt(4) != 0 ? pick(open) : pick(rooms);
    }

    /** One step: picks an operation by weight and runs it; answers its trace line. */
    private String next() {
        if (model.rooms.isEmpty()) {
            return Ops.newRoom(this, gen);
        }
        int w = gen.nextInt(200);
        Model.Invite inv = someInvite();
        Model.Room room = someRoom();
        boolean anyOpen = model.rooms.values().stream().anyMatch(this::open);
        if (!anyOpen && gen.nextInt(3) == 0) {
            return model.rooms.size() < 6 ? Ops.newRoom(this, gen) : Ops.reschedule(this, gen, room);
        }
        if (inv == null && w >= 46 && w < 143) {
            return Ops.create(this, gen, room);
        }
        if (w < 6) return model.rooms.size() < 5 ? Ops.newRoom(this, gen) : Ops.reschedule(this, gen, room);
        if (w < 14) return Ops.reschedule(this, gen, room);
        if (w < 17) return Ops.deleteRoom(this, gen, room);
        if (w < 18) return Ops.recreateRoom(this, gen, room);
        if (w < 22) return Ops.settings(this, gen);
        if (w < 38) return Ops.create(this, gen, room);
        if (w < 46) return Ops.bulk(this, gen, room);
        if (w < 56) return Ops.preview(this, gen, inv);
        if (w < 82) return Ops.redeem(this, gen, inv);
        if (w < 92) return Ops.reenter(this, gen, inv);
        if (w < 99) return Ops.wrongEmail(this, gen, inv);
        if (w < 106) return Ops.promote(this, gen, inv);
        if (w < 111) return Ops.revoke(this, gen, inv);
        if (w < 118) return Ops.reissue(this, gen, inv);
        if (w < 123) return Ops.release(this, gen, inv);
        if (w < 136) return Ops.resend(this, gen, inv);
        if (w < 141) return Ops.list(this, gen, room);
        if (w < 143) return Ops.history(this, gen, inv);
        if (w < 156) return advance(Duration.ofMinutes(1 + gen.nextInt(20)), "minutes");
        if (w < 164) return advanceToBoundary();
        if (w < 167) return advance(Duration.ofHours(1 + gen.nextInt(30)), "hours");
        if (w < 169) return advance(gen.nextBoolean() ? Duration.ofDays(31) : Duration.ofDays(61), "TTL");
        if (w < 172) return Ops.staleRefresh(this, gen, inv);
        if (w < 174) return Ops.overlappingEmails(this, gen, room);
        if (w < 192) return pump();
        return drainQueue();
    }

    String advance(Duration d, String why) {
        // DynamoDB's TTL (the service's sweeper, run by the clock's advance) is no request: no faults on it
        boolean faults = dynamo.on;
        dynamo.on = false;
        long before = services.ttl().deleted();
        try {
            clock.advance(d);
        } finally {
            dynamo.on = faults;
        }
        long swept = services.ttl().deleted() - before;
        return "clock +" + d.toString().substring(2).toLowerCase(Locale.ROOT) + " (" + why + "), TTL swept " + swept;
    }

    /** Just before or just after a room's start or end, or an invite's expiry, or a retire time. */
    private String advanceToBoundary() {
        List<Instant> marks = new ArrayList<>();
        Instant now = now();
        for (Model.Room r : model.rooms.values()) {
            if (!r.exists) {
                continue;
            }
            marks.add(r.start);
            marks.add(r.end);
            if (r.retireAt() != null) {
                marks.add(r.retireAt());
            }
        }
        for (Model.Invite i : model.living()) {
            marks.add(i.expiresAt);
        }
        marks.removeIf(m -> !m.isAfter(now.plusSeconds(1)));
        if (marks.isEmpty()) {
            return advance(Duration.ofMinutes(5), "minutes");
        }
        List<Instant> near = new ArrayList<>();
        for (Instant m : marks) {
            if (m.isBefore(now.plus(Duration.ofDays(1)))) {
                near.add(m);
            }
        }
        Instant target = !near.isEmpty() && gen.nextInt(8) != 0 ? pick(near) : pick(marks);
        target = gen.nextBoolean() ? target.minusSeconds(1) : target.plusSeconds(1);
        return advance(Duration.between(now, target).truncatedTo(ChronoUnit.SECONDS), "to a boundary");
    }

    String pump() {
        boolean partial = gen.nextInt(3) == 0;
        int dupes = gen.nextInt(3) == 0 ? 1 + gen.nextInt(2) : 0;
        int n = stream.deliver(gen, partial, dupes);
        Checks.historyKept(this);
        return "stream: relayed " + n + " records" + (partial ? " (some held back)" : "") + (dupes > 0 ? ", " + dupes + " again" : "");
    }

    String drainQueue() {
        // the queue's consumer is another function: its calls meet the same DynamoDB
        List<String> waiting = services.emailQueue().pending();
        queueBodies.addAll(waiting);
        int done = services.emailQueue().drain(services.app().queuedEmails());
        String again = "";
        if (!queueBodies.isEmpty() && gen.nextInt(3) == 0) {
            String body = pick(queueBodies);
            try {
                services.app().queuedEmails().sendMessage(body);
                again = ", one message delivered again";
            } catch (RuntimeException e) {
                again = ", one message delivered again (failed: " + e.getClass().getSimpleName() + ")";
            }
        }
        return "email queue: " + waiting.size() + " messages, " + done + " done" + again;
    }

    /** Everything settles: faults off, index lag off, the stream and the queue drained. */
    private void settle() {
        dynamo.on = false;
        dynamo.lag = false;
        bus.refuseRate = 0;
        for (int round = 0; round < 6; round++) {
            services.emailQueue().drain(services.app().queuedEmails());
            for (int i = 0; i < 20 && (stream.deliver(gen, false, 0) > 0 || !stream.idle()); i++) {
                // until nothing is left
            }
            if (services.emailQueue().size() == 0 && stream.read() == 0 && stream.idle()) {
                break;
            }
        }
        if (!stream.idle() || stream.read() > 0) {
            throw new Violation("stream-settles", "the stream's records were still failing after the faults stopped");
        }
    }

    Map<String, Object> settingsBody() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("inviteToMediaEnabled", model.enabled);
        s.put("emailTemplateName", model.template ? "invite" : null);
        s.put("blockedDomains", model.blocked ? List.of("blocked.example") : List.of());
        s.put("linkTtlMinutes", model.ttlMinutes);
        s.put("linkBaseUrl", "https://events.example.com/join");
        s.put("linkMaxDevices", model.maxDevicesLimit);
        // the model has no send limits yet (issue 20): none a seed can reach
        s.put("sendLimits", Map.of("perManagerPerDay", 1_000_000, "perRoomPerDay", 1_000_000, "resendCooldownSeconds", 0));
        return s;
    }

    String newRoomId() {
        return "r" + (++roomSeq);
    }

    // ------------------------------------------------------------------ the store as it is (no faults)

    Map<String, AttributeValue> rawInvite(String roomId, String inviteId) {
        Map<String, AttributeValue> item = infra.raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(TableSchema.PK, AttributeValue.fromS("INVITE#" + roomId + "#" + inviteId),
                        TableSchema.SK, AttributeValue.fromS("#INVITE")))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    Map<String, AttributeValue> rawRoom(String roomId) {
        Map<String, AttributeValue> item = infra.raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(TableSchema.PK, AttributeValue.fromS("ROOM#" + roomId),
                        TableSchema.SK, AttributeValue.fromS("#ROOM")))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    Map<String, AttributeValue> rawRetire(String roomId) {
        Map<String, AttributeValue> item = infra.raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(TableSchema.PK, AttributeValue.fromS("ROOM#" + roomId),
                        TableSchema.SK, AttributeValue.fromS("#RETIRE")))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    SimInfra infra() {
        return infra;
    }
}
