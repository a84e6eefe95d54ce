package io.roominvites.it.sim;

import io.roominvites.events.EventType;
import io.roominvites.events.LifecycleEvent;
import io.roominvites.it.sim.Simulation.Violation;
import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checkers: after every step, the store as it is (read without faults) against the model; after the pump and
 * clock steps, the history kept; once everything settled, every committed change's events exactly once on the bus
 * and in the history (by id), one email event per settled email attempt, and the listings equal to the model.
 */
final class Checks {
    private Checks() {
    }

    static void afterStep(Simulation sim) {
        if (!sim.email.violations.isEmpty()) {
            throw new Violation("emails", sim.email.violations.getFirst());
        }
        Instant now = sim.now();
        List<Model.Room> rooms = new ArrayList<>();
        for (Model.Room r : sim.model.rooms.values()) {
            if (r.exists) {
                rooms.add(r);
            }
        }
        List<Model.Invite> living = sim.model.living();
        Map<String, Map<String, AttributeValue>> stored = read(sim, rooms, living);
        for (Model.Room r : rooms) {
            if (!stored.containsKey("ROOM#" + r.id)) {
                if (now.isBefore(r.retire)) {
                    throw new Violation("invite-kept-until-retire", "room " + r.id + " is gone before it retires (" + r.retire + ")");
                }
                r.exists = false; // retired: its invites went first
            }
        }
        for (Model.Invite inv : living) {
            Map<String, AttributeValue> item = stored.get(inv.id);
            Model.Room r = sim.model.rooms.get(inv.room);
            if (item == null) {
                if (r == null || !r.exists || r.incarnation != inv.roomIncarnation) {
                    inv.gone = true;
                    continue;
                }
                Instant retire = r.retireAt();
                if (now.isBefore(retire)) {
                    boolean usable = !r.deleted && now.isBefore(r.end) && !inv.status.equals("REVOKED");
                    throw new Violation(usable ? "no-usable-invite-deleted" : "invite-kept-until-retire",
                            inv.name + " of " + r.id + " is gone " + (usable ? "while its session is still on (ends " + r.end + ")"
                                    : "before its room retires (" + retire + ")"));
                }
                inv.gone = true;
                continue;
            }
            int devices = item.containsKey("devices") ? item.get("devices").l().size() : 0;
            int max = Integer.parseInt(item.get("maxDevices").n());
            if (devices > max) {
                throw new Violation("max-devices", inv.name + " is stored with " + devices + " devices, maxDevices " + max);
            }
            int wrong = Integer.parseInt(item.get("failedEmailAttempts").n());
            if (wrong != inv.wrongEmails) {
                throw new Violation("lobby-lock-exact", inv.name + " is stored with " + wrong + " wrong emails, the model counts "
                        + inv.wrongEmails);
            }
            Set<String> ids = new LinkedHashSet<>();
            if (item.containsKey("devices")) {
                for (AttributeValue d : item.get("devices").l()) {
                    ids.add(d.m().get("id").s());
                }
            }
            String st = item.get("st").s();
            int lv = Integer.parseInt(item.get("linkVersion").n());
            String role = item.get("role").s();
            if (!st.equals(inv.status) || lv != inv.linkVersion || !role.equals(inv.role) || !ids.equals(inv.devices)) {
                throw new Violation("store-matches-model", inv.name + " is stored as " + st + " v" + lv + " " + role + " "
                        + ids.size() + " devices, the model has " + inv.status + " v" + inv.linkVersion + " " + inv.role + " "
                        + inv.devices.size() + " devices");
            }
            int attempts = item.containsKey("emailHistory") ? item.get("emailHistory").l().size() : 0;
            if (sim.email.sendsOf(inv.id) > attempts) {
                throw new Violation("emails", inv.name + " was emailed " + sim.email.sendsOf(inv.id) + " times for "
                        + attempts + " attempts");
            }
        }
    }

    /**
     * The rooms and the living invites as stored, by room pk and invite id: one consistent BatchGetItem (100 keys a
     * call) for all of them, a step's check is one call or two.
     */
    private static Map<String, Map<String, AttributeValue>> read(Simulation sim, List<Model.Room> rooms, List<Model.Invite> invites) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Model.Room r : rooms) {
            keys.add(Map.of(TableSchema.PK, AttributeValue.fromS("ROOM#" + r.id), TableSchema.SK, AttributeValue.fromS("#ROOM")));
        }
        for (Model.Invite inv : invites) {
            keys.add(Map.of(TableSchema.PK, AttributeValue.fromS("INVITE#" + inv.room + "#" + inv.id),
                    TableSchema.SK, AttributeValue.fromS("#INVITE")));
        }
        Map<String, Map<String, AttributeValue>> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            List<Map<String, AttributeValue>> pending = keys.subList(from, Math.min(keys.size(), from + 100));
            while (!pending.isEmpty()) {
                Map<String, KeysAndAttributes> req = Map.of(sim.table, KeysAndAttributes.builder().keys(pending).consistentRead(true).build());
                BatchGetItemResponse r = sim.infra().raw.batchGetItem(b -> b.requestItems(req));
                for (Map<String, AttributeValue> item : r.responses().getOrDefault(sim.table, List.of())) {
                    String pk = item.get(TableSchema.PK).s();
                    out.put(pk.startsWith("ROOM#") ? pk : item.get("inviteId").s(), item);
                }
                KeysAndAttributes left = r.hasUnprocessedKeys() ? r.unprocessedKeys().get(sim.table) : null;
                pending = left == null || !left.hasKeys() ? List.of() : left.keys();
            }
        }
        return out;
    }

    /** The history event ids stored for the invite. */
    static Set<String> historyIds(Simulation sim, Model.Invite inv) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = sim.infra().raw.query(b -> b.tableName(sim.table).consistentRead(true).exclusiveStartKey(from)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("INVITE#" + inv.room + "#" + inv.id),
                            ":e", AttributeValue.fromS("EVENT#"))));
            for (Map<String, AttributeValue> item : r.items()) {
                ids.add(item.get("eventId").s());
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    /** Every history item's event id, by invite id (one consistent scan of the seed's table). */
    static Map<String, Set<String>> allHistory(Simulation sim) {
        Map<String, Set<String>> out = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var r = sim.infra().raw.scan(b -> b.tableName(sim.table).consistentRead(true).exclusiveStartKey(from)
                    .filterExpression("begins_with(sk, :e)")
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("EVENT#"))));
            for (Map<String, AttributeValue> item : r.items()) {
                String pk = item.get("pk").s();
                out.computeIfAbsent(pk.substring(pk.lastIndexOf('#') + 1), k -> new LinkedHashSet<>()).add(item.get("eventId").s());
            }
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** A living invite's history never loses an event it had. */
    static void historyKept(Simulation sim) {
        Instant now = sim.now();
        Map<String, Set<String>> all = allHistory(sim);
        for (Model.Invite inv : sim.model.living()) {
            Model.Room r = sim.model.rooms.get(inv.room);
            if (r == null || !r.exists || r.incarnation != inv.roomIncarnation || !now.isBefore(r.retireAt())) {
                continue;
            }
            Set<String> ids = all.getOrDefault(inv.id, Set.of());
            for (String seen : inv.historySeen) {
                if (!ids.contains(seen)) {
                    throw new Violation("history-kept", "the history of " + inv.name + " lost " + seen.substring(seen.indexOf(':') + 1)
                            + " while the invite lives (its room retires " + r.retireAt() + ")");
                }
            }
            inv.historySeen.addAll(ids);
        }
    }

    static void atEnd(Simulation sim) {
        afterStep(sim);
        for (Model.Room r : sim.model.rooms.values()) {
            if (r.exists && !sim.now().isBefore(r.retire)) {
                throw new Violation("rooms-retire", "room " + r.id + " was to retire at " + r.retire
                        + " and is still stored after everything settled");
            }
            if (!r.exists) {
                for (int shard = 0; shard < TableSchema.LIST_SHARDS; shard++) {
                    String p = "ROOM#" + r.id + "#" + shard;
                    QueryResponse q = sim.infra().raw.query(b -> b.tableName(sim.table).indexName(TableSchema.ROOM_LIST_INDEX)
                            .keyConditionExpression(TableSchema.ROOM_LIST_PK + " = :p")
                            .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(p))));
                    if (q.count() > 0) {
                        throw new Violation("rooms-retire", "room " + r.id + " retired and left " + q.count() + " invites behind");
                    }
                }
            }
        }
        historyKept(sim);
        Map<String, LifecycleEvent> expected = sim.stream.expectedEvents();
        for (LifecycleEvent e : expected.values()) {
            if (!sim.bus.published.containsKey(e.eventId())) {
                throw new Violation("events-exactly-once", "the committed " + e.type().detailType() + " of "
                        + (e.inviteId() == null ? e.roomId() : sim.model.name(e.inviteId())) + " (" + tail(e.eventId()) + ") never reached the bus");
            }
        }
        for (String id : sim.bus.published.keySet()) {
            if (!expected.containsKey(id)) {
                throw new Violation("events-exactly-once", "the bus carried " + id + ", which no committed change stands for");
            }
        }
        Instant now = sim.now();
        Map<String, Set<String>> all = allHistory(sim);
        for (Model.Invite inv : sim.model.living()) {
            Model.Room r = sim.model.rooms.get(inv.room);
            if (r == null || !r.exists || r.incarnation != inv.roomIncarnation || !now.isBefore(r.retireAt())) {
                continue;
            }
            Set<String> want = new LinkedHashSet<>();
            for (LifecycleEvent e : expected.values()) {
                if (inv.id.equals(e.inviteId())) {
                    want.add(e.eventId());
                }
            }
            Set<String> have = all.getOrDefault(inv.id, Set.of());
            if (!have.equals(want)) {
                Set<String> missing = new LinkedHashSet<>(want);
                missing.removeAll(have);
                Set<String> extra = new LinkedHashSet<>(have);
                extra.removeAll(want);
                throw new Violation("events-exactly-once", "the history of " + inv.name + " misses " + tails(missing)
                        + (extra.isEmpty() ? "" : " and has " + tails(extra)));
            }
            Map<String, AttributeValue> item = sim.rawInvite(inv.room, inv.id);
            int settled = 0;
            if (item != null && item.containsKey("emailHistory")) {
                for (AttributeValue a : item.get("emailHistory").l()) {
                    if (!"QUEUED".equals(a.m().get("status").s())) {
                        settled++;
                    }
                }
            }
            int told = 0;
            for (Map.Entry<String, LifecycleEvent> e : sim.bus.byId.entrySet()) {
                LifecycleEvent ev = e.getValue();
                if (inv.id.equals(ev.inviteId()) && (ev.type() == EventType.INVITE_EMAILED || ev.type() == EventType.INVITE_EMAIL_FAILED)) {
                    told++;
                }
            }
            if (told != settled) {
                throw new Violation("email-event-per-attempt", inv.name + " has " + settled + " settled email attempts and "
                        + told + " Invite Emailed / Email Failed events on the bus");
            }
        }
        for (Model.Room r : sim.model.rooms.values()) {
            if (r.exists && !r.deleted) {
                Ops.list(sim, new java.util.Random(0) {
                    @Override
                    public int nextInt(int bound) {
                        return 0;
                    }

                    @Override
                    public boolean nextBoolean() {
                        return false;
                    }
                }, r);
            }
        }
    }

    private static String tail(String eventId) {
        return eventId.substring(eventId.indexOf(':') + 1);
    }

    private static String tails(Set<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            out.add(tail(id));
        }
        return out.toString();
    }
}
