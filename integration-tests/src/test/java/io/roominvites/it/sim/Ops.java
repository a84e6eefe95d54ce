package io.roominvites.it.sim;

import io.roominvites.it.sim.Simulation.Answer;
import io.roominvites.it.sim.Simulation.Violation;
import io.roominvites.store.dynamo.TableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The operations of the generator: each calls the service through its router as a manager, an invitee's device or
 * an admin would, checks the answer against the {@link Model} (a grant the model forbids is a violation whatever was
 * injected; a refusal that differs from the model's is one when nothing was injected in that step), then updates
 * the model. An answer that leaves the outcome open (5xx) is resolved by reading the store.
 */
final class Ops {
    private static final List<String> ROLES = List.of("VIEWER", "VIEWER", "SPEAKER", "MODERATOR");
    private static final Map<String, Integer> RANK = Map.of("VIEWER", 0, "SPEAKER", 1, "MODERATOR", 2);

    private Ops() {
    }

    private static boolean injected(Simulation sim) {
        return !sim.dynamo.thisStep.isEmpty();
    }

    private static boolean open(Answer a) {
        return a.status >= 500;
    }

    /** A refusal that differs from the model's, when nothing was injected, is a violation. */
    private static void expectCode(Simulation sim, String what, Answer a, String expected) {
        if (injected(sim) || open(a)) {
            return;
        }
        String got = a.status < 300 ? null : a.code();
        if (!Objects.equals(got, expected) && !"RATE_LIMITED".equals(got)) {
            throw new Violation("answers-match-model", what + " answered " + a.brief() + ", the model expected "
                    + (expected == null ? "success" : expected) + ": " + a.body);
        }
    }

    /** A 5xx that says nothing was changed must mean it: the store is as it was. */
    private static void wording(Simulation sim, String what, Answer a, Object before, Object after) {
        if (a.status == 503 && a.message().toLowerCase(java.util.Locale.ROOT).contains("nothing was changed")
                && !Objects.equals(before, after)) {
            throw new Violation("503-wording", what + " answered 503 \"" + a.message() + "\" but its write landed (faults this step: "
                    + sim.dynamo.thisStep + ")");
        }
    }

    private static String rev(Simulation sim, Model.Invite inv) {
        Map<String, AttributeValue> item = sim.rawInvite(inv.room, inv.id);
        return item == null ? null : item.get("rev").n();
    }

    private static String roomVersion(Simulation sim, String roomId) {
        Map<String, AttributeValue> item = sim.rawRoom(roomId);
        return item == null ? null : item.get("version").n() + "/" + item.get("deleted");
    }

    // ------------------------------------------------------------------ resolving open outcomes from the store

    static void syncInvite(Simulation sim, Model.Invite inv) {
        Map<String, AttributeValue> item = sim.rawInvite(inv.room, inv.id);
        if (item == null) {
            return; // the checks decide whether it may be gone
        }
        inv.status = item.get("st").s();
        inv.linkVersion = Integer.parseInt(item.get("linkVersion").n());
        inv.role = item.get("role").s();
        inv.wrongEmails = Integer.parseInt(item.get("failedEmailAttempts").n());
        inv.expiresAt = Instant.ofEpochMilli(Long.parseLong(item.get("expiresAt").n()));
        inv.released = item.containsKey("releasedAt");
        inv.devices.clear();
        if (item.containsKey("devices")) {
            for (AttributeValue d : item.get("devices").l()) {
                inv.devices.add(d.m().get("id").s());
            }
        }
    }

    static void syncRoom(Simulation sim, Model.Room r) {
        Map<String, AttributeValue> item = sim.rawRoom(r.id);
        if (item == null) {
            r.exists = false;
            return;
        }
        if (!r.exists) {
            r.incarnation++;
        }
        r.exists = true;
        r.start = Instant.ofEpochMilli(Long.parseLong(item.get("startsAt").n()));
        r.end = Instant.ofEpochMilli(Long.parseLong(item.get("endsAt").n()));
        r.deleted = item.containsKey("deleted") && Boolean.TRUE.equals(item.get("deleted").bool());
        r.deletedAt = item.containsKey("deletedAt") ? Instant.ofEpochMilli(Long.parseLong(item.get("deletedAt").n())) : null;
        Map<String, AttributeValue> marker = sim.rawRetire(r.id);
        if (marker != null) {
            r.retire = Instant.ofEpochMilli(Long.parseLong(marker.get("retireAt").n()));
        }
    }

    /** Invites of the room the store has and the model does not (a create whose answer was lost). */
    static int adopt(Simulation sim, String roomId) {
        int found = 0;
        for (int shard = 0; shard < TableSchema.LIST_SHARDS; shard++) {
            String p = "ROOM#" + roomId + "#" + shard;
            QueryResponse r = sim.infra().raw.query(b -> b.tableName(sim.table).indexName(TableSchema.ROOM_LIST_INDEX)
                    .keyConditionExpression(TableSchema.ROOM_LIST_PK + " = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(p))));
            for (Map<String, AttributeValue> k : r.items()) {
                String id = k.get(TableSchema.LIST_SK).s();
                if (!sim.model.invites.containsKey(id)) {
                    Map<String, AttributeValue> item = sim.rawInvite(roomId, id);
                    if (item != null) {
                        Model.Invite inv = sim.model.add(id, roomId, item.get("email").s());
                        inv.maxDevices = Integer.parseInt(item.get("maxDevices").n());
                        syncInvite(sim, inv);
                        found++;
                    }
                }
            }
        }
        return found;
    }

    private static Model.Invite added(Simulation sim, Map<String, Object> invite, String link) {
        String id = (String) invite.get("inviteId");
        Model.Invite inv = sim.model.invites.get(id);
        if (inv == null) {
            inv = sim.model.add(id, (String) invite.get("roomId"), (String) invite.get("email"));
        }
        inv.role = (String) invite.get("role");
        inv.maxDevices = ((Number) invite.get("maxDevices")).intValue();
        inv.linkVersion = ((Number) invite.get("linkVersion")).intValue();
        inv.expiresAt = Instant.parse((String) invite.get("expiresAt"));
        if (link != null) {
            inv.tokens.put(inv.linkVersion, link.substring(link.indexOf("#invite=") + 8));
        }
        return inv;
    }

    // ------------------------------------------------------------------ rooms and settings (admins)

    private static Map<String, Object> roomBody(Instant start, Instant end) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Simulated session");
        body.put("description", "A room of the simulation.");
        body.put("startsAt", start.toString());
        body.put("endsAt", end.toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Simulation.OWNER);
        body.put("coOwners", List.of());
        body.put("coEditors", List.of());
        body.put("coPublishers", List.of());
        return body;
    }

    private static String putRoom(Simulation sim, Model.Room r, Instant start, Instant end, String what) {
        String before = roomVersion(sim, r.id);
        Answer a = sim.call("PUT", "/admin/rooms/" + r.id, sim.adminToken(), roomBody(start, end), Map.of());
        if (a.status == 200) {
            if (r.exists && r.deleted) {
                throw new Violation("deleted-room-stays-deleted", what + " " + r.id + " answered 200 for a deleted room");
            }
            if (!r.exists) {
                r.incarnation++; // a room id whose room retired (and was removed) is a new room
                r.deleted = false;
                r.deletedAt = null;
            }
            r.exists = true;
            r.start = start;
            r.end = end;
            r.retire = Model.retiresAt(end, sim.now().truncatedTo(ChronoUnit.MILLIS));
        } else if (open(a)) {
            wording(sim, what, a, before, roomVersion(sim, r.id));
            syncRoom(sim, r);
            sim.model.indeterminate++;
        } else {
            expectCode(sim, what, a, r.exists && r.deleted ? "ROOM_DELETED" : null);
        }
        return what + " " + r.id + " " + start + ".." + end + " -> " + a.brief();
    }

    static String newRoom(Simulation sim, Random gen) {
        Model.Room r = new Model.Room(sim.newRoomId());
        sim.model.rooms.put(r.id, r);
        int offset = gen.nextInt(4) == 0 ? gen.nextInt(180) : -gen.nextInt(40);
        Instant start = sim.now().plus(Duration.ofMinutes(offset)).truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plus(Duration.ofMinutes(60 + gen.nextInt(120)));
        return putRoom(sim, r, start, end, "admin: new room");
    }

    static String reschedule(Simulation sim, Random gen, Model.Room r) {
        Instant now = sim.now().truncatedTo(ChronoUnit.SECONDS);
        if (!r.exists) {
            return putRoom(sim, r, now.plus(Duration.ofMinutes(30)), now.plus(Duration.ofHours(2)), "admin: re-create room");
        }
        Instant start = r.start;
        Instant end = r.end;
        int c = gen.nextInt(6);
        String how;
        if (c == 0) {
            end = end.plus(Duration.ofHours(12 + gen.nextInt(60)));
            how = "prolong";
        } else if (c == 1) {
            end = end.plus(Duration.ofDays(35 + gen.nextInt(30)));
            how = "prolong by weeks";
        } else if (c == 2) {
            end = now.minus(Duration.ofMinutes(1));
            if (!start.isBefore(end)) {
                start = end.minus(Duration.ofHours(1));
            }
            how = "end now";
        } else if (c == 3) {
            Duration by = Duration.ofMinutes(30 + gen.nextInt(180));
            start = start.plus(by);
            end = end.plus(by);
            how = "postpone";
        } else if (c == 4) {
            start = now.minus(Duration.ofMinutes(10));
            end = now.plus(Duration.ofMinutes(30 + gen.nextInt(120)));
            how = "reopen now";
        } else {
            start = now.plus(Duration.ofMinutes(5 + gen.nextInt(60)));
            end = start.plus(Duration.ofMinutes(60 + gen.nextInt(120)));
            how = "move ahead";
        }
        return putRoom(sim, r, start, end, "admin: room " + how);
    }

    static String deleteRoom(Simulation sim, Random gen, Model.Room r) {
        String before = roomVersion(sim, r.id);
        Answer a = sim.call("DELETE", "/admin/rooms/" + r.id, sim.adminToken(), null, Map.of());
        if (a.status == 204) {
            if (!r.exists) {
                throw new Violation("answers-match-model", "deleting the missing room " + r.id + " answered 204");
            }
            if (!r.deleted) {
                r.deleted = true;
                r.deletedAt = sim.now().truncatedTo(ChronoUnit.MILLIS);
            }
            r.retire = sim.now().truncatedTo(ChronoUnit.MILLIS).plus(Model.AFTER_DELETE);
        } else if (open(a)) {
            wording(sim, "delete room", a, before, roomVersion(sim, r.id));
            syncRoom(sim, r);
            sim.model.indeterminate++;
        } else {
            expectCode(sim, "delete room", a, r.exists ? null : "ROOM_NOT_FOUND");
        }
        return "admin: delete room " + r.id + " -> " + a.brief();
    }

    static String recreateRoom(Simulation sim, Random gen, Model.Room r) {
        for (Model.Room any : sim.model.rooms.values()) {
            if (any.deleted || !any.exists) {
                r = any;
                break;
            }
        }
        Instant now = sim.now().truncatedTo(ChronoUnit.SECONDS);
        return putRoom(sim, r, now.plus(Duration.ofMinutes(20)), now.plus(Duration.ofHours(2)), "admin: re-create room");
    }

    static String settings(Simulation sim, Random gen) {
        Model m = sim.model;
        boolean enabled = m.enabled;
        boolean template = m.template;
        int ttl = m.ttlMinutes;
        int maxDevices = m.maxDevicesLimit;
        boolean blocked = m.blocked;
        String what;
        switch (gen.nextInt(6)) {
            case 0 -> {
                template = !template;
                what = "email template " + (template ? "on" : "off");
            }
            case 1 -> {
                ttl = List.of(30, 120, 1440, 2880).get(gen.nextInt(4));
                what = "link ttl " + ttl + " min";
            }
            case 2 -> {
                blocked = !blocked;
                what = "blocked.example " + (blocked ? "blocked" : "allowed");
            }
            case 3 -> {
                maxDevices = 1 + gen.nextInt(3);
                what = "linkMaxDevices " + maxDevices;
            }
            case 4 -> {
                enabled = !enabled || gen.nextInt(3) != 0;
                what = "invitations " + (enabled ? "on" : "off");
            }
            default -> {
                enabled = true;
                what = "invitations on";
            }
        }
        boolean[] was = {m.enabled, m.template, m.blocked};
        int[] wasN = {m.ttlMinutes, m.maxDevicesLimit};
        m.enabled = enabled;
        m.template = template;
        m.ttlMinutes = ttl;
        m.maxDevicesLimit = maxDevices;
        m.blocked = blocked;
        Answer a = sim.call("PUT", "/admin/settings", sim.adminToken(), sim.settingsBody(), Map.of());
        if (a.status != 200) {
            m.enabled = was[0];
            m.template = was[1];
            m.blocked = was[2];
            m.ttlMinutes = wasN[0];
            m.maxDevicesLimit = wasN[1];
            if (open(a)) {
                Map<String, AttributeValue> s = sim.infra().raw.getItem(b -> b.tableName(sim.table).consistentRead(true)
                        .key(Map.of(TableSchema.PK, AttributeValue.fromS("SITE"), TableSchema.SK, AttributeValue.fromS("#SETTINGS")))).item();
                m.enabled = s.get("inviteToMediaEnabled").bool();
                m.template = s.containsKey("emailTemplateName");
                m.blocked = !s.get("blockedDomains").l().isEmpty();
                m.ttlMinutes = Integer.parseInt(s.get("linkTtlMinutes").n());
                m.maxDevicesLimit = Integer.parseInt(s.get("linkMaxDevices").n());
                m.indeterminate++;
            }
        }
        return "admin: settings, " + what + " -> " + a.brief();
    }

    // ------------------------------------------------------------------ managers

    private static String email(Random gen) {
        int k = gen.nextInt(14);
        return k < 2 ? "b" + k + "@blocked.example" : "u" + k + "@example.com";
    }

    private static String createRefusal(Simulation sim, Model.Room r, boolean sendEmail, String email, int maxDevices) {
        Model m = sim.model;
        if (r == null || !r.exists) {
            return "ROOM_NOT_FOUND";
        }
        if (r.deleted) {
            return "ROOM_DELETED";
        }
        if (!m.enabled) {
            return "FEATURE_DISABLED";
        }
        if (!sim.now().isBefore(r.end)) {
            return "SESSION_ENDED";
        }
        if (m.isBlocked(email)) {
            return "DOMAIN_BLOCKED";
        }
        if (sendEmail && !m.template) {
            return "EMAIL_TEMPLATE_NOT_CONFIGURED";
        }
        if (maxDevices > m.maxDevicesLimit) {
            return "INVALID_REQUEST";
        }
        return null;
    }

    private static Map<String, Object> inviteRow(String email, String role, int maxDevices) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("email", email);
        row.put("firstName", "Ivy");
        row.put("lastName", "Invitee");
        row.put("role", role);
        row.put("maxDevices", maxDevices);
        return row;
    }

    static String create(Simulation sim, Random gen, Model.Room r) {
        String email = email(gen);
        String role = ROLES.get(gen.nextInt(ROLES.size()));
        boolean sendEmail = gen.nextInt(3) == 0;
        int maxDevices = 1 + gen.nextInt(3);
        String key = gen.nextBoolean() ? "key-" + sim.step : null;
        Map<String, Object> body = inviteRow(email, role, maxDevices);
        body.put("sendEmail", sendEmail);
        String expected = createRefusal(sim, r, sendEmail, email, maxDevices);
        String path = "/rooms/" + r.id + "/invites";
        Map<String, String> headers = key == null ? Map.of() : Map.of("Idempotency-Key", key);
        Answer a = sim.call("POST", path, sim.ownerToken(), body, headers);
        String line = "manager: create " + email + " " + role + " x" + maxDevices + (sendEmail ? " +email" : "")
                + (key != null ? " (keyed)" : "") + " in " + r.id + " -> " + a.brief();
        if (open(a) && key != null) {
            a = sim.call("POST", path, sim.ownerToken(), body, headers);
            line += ", retried with the same key -> " + a.brief();
        }
        if (a.status == 201) {
            if (expected != null && !"INVALID_REQUEST".equals(expected)) {
                throw new Violation("no-create-when-refused", "create in " + r.id + " answered 201, the model expected " + expected);
            }
            Model.Invite inv = added(sim, a.obj("invite"), (String) a.json.get("link"));
            line += " " + inv.name;
        } else if (open(a)) {
            int found = adopt(sim, r.id);
            wording(sim, "create", a, 0, found);
            sim.model.indeterminate++;
            line += found > 0 ? " (it was created)" : " (nothing created)";
        } else {
            expectCode(sim, "create", a, expected);
        }
        return line;
    }

    @SuppressWarnings("unchecked")
    static String bulk(Simulation sim, Random gen, Model.Room r) {
        int rows = gen.nextInt(3) == 0 ? 21 + gen.nextInt(3) : 2 + gen.nextInt(4);
        return bulk(sim, gen, r, rows, gen.nextInt(3) != 0 && sim.model.template);
    }

    @SuppressWarnings("unchecked")
    static String bulk(Simulation sim, Random gen, Model.Room r, int rows, boolean sendEmail) {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(inviteRow(rows > 20 ? "u" + (100 + i) + "@example.com" : email(gen),
                    ROLES.get(gen.nextInt(ROLES.size())), 1 + gen.nextInt(2)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("invites", list);
        body.put("sendEmail", sendEmail);
        Map<String, String> headers = Map.of("Idempotency-Key", "bulk-" + sim.step);
        String path = "/rooms/" + r.id + "/invites/bulk";
        Answer a = sim.call("POST", path, sim.ownerToken(), body, headers);
        String line = "manager: bulk " + rows + " rows" + (sendEmail ? " +email" : "") + " in " + r.id + " -> " + a.brief();
        if (open(a)) {
            a = sim.call("POST", path, sim.ownerToken(), body, headers);
            line += ", retried with the same key -> " + a.brief();
        }
        if (a.status == 200) {
            String refusal = createRefusal(sim, r, false, "u1@example.com", 1);
            int created = 0;
            for (Object o : (List<Object>) a.json.get("results")) {
                Map<String, Object> row = (Map<String, Object>) o;
                if ("CREATED".equals(row.get("status"))) {
                    if (refusal != null) {
                        throw new Violation("no-create-when-refused", "bulk in " + r.id + " created a row, the model expected " + refusal);
                    }
                    added(sim, (Map<String, Object>) row.get("invite"), (String) row.get("link"));
                    created++;
                }
            }
            line += " created " + created;
        } else if (open(a)) {
            int found = adopt(sim, r.id);
            sim.model.indeterminate++;
            line += " (" + found + " were created)";
        }
        return line;
    }

    private static String managerRefusal(Simulation sim, Model.Invite inv) {
        Model.Room r = sim.model.rooms.get(inv.room);
        if (r == null || !r.exists || r.incarnation != inv.roomIncarnation && !r.deleted) {
            return r == null || !r.exists ? "ROOM_NOT_FOUND" : null;
        }
        return r.deleted ? "ROOM_DELETED" : null;
    }

    private static boolean ended(Simulation sim, Model.Invite inv) {
        Model.Room r = sim.model.rooms.get(inv.room);
        return !sim.now().isBefore(r.end);
    }

    private static String manage(Simulation sim, Model.Invite inv, String method, String action, Object body,
                                 String expected, String what, java.util.function.Consumer<Answer> applied) {
        String before = rev(sim, inv);
        String path = "/rooms/" + inv.room + "/invites/" + inv.id + (action == null ? "" : "/" + action);
        Answer a = sim.call(method, path, sim.ownerToken(), body, Map.of());
        if (a.status == 200) {
            if (expected != null) {
                throw new Violation("answers-match-model", what + " " + inv.name + " answered 200, the model expected " + expected);
            }
            applied.accept(a);
        } else if (open(a)) {
            wording(sim, what, a, before, rev(sim, inv));
            syncInvite(sim, inv);
            sim.model.indeterminate++;
        } else {
            expectCode(sim, what + " " + inv.name, a, expected);
        }
        return "manager: " + what + " " + inv.name + " -> " + a.brief();
    }

    static String promote(Simulation sim, Random gen, Model.Invite inv) {
        String role = List.of("SPEAKER", "MODERATOR", "MODERATOR", "VIEWER").get(gen.nextInt(4));
        String expected = managerRefusal(sim, inv);
        if (expected == null) {
            String st = inv.status(sim.now());
            if (st.equals("REVOKED") || st.equals("EXPIRED") || inv.locked()) {
                expected = "INVITE_NOT_ACTIVE";
            } else if (ended(sim, inv)) {
                expected = "SESSION_ENDED";
            } else if (RANK.get(role) <= RANK.get(inv.role)) {
                expected = "ROLE_NOT_HIGHER";
            }
        }
        return manage(sim, inv, "POST", "promote", Map.of("role", role), expected, "promote to " + role,
                a -> inv.role = role);
    }

    static String revoke(Simulation sim, Random gen, Model.Invite inv) {
        return manage(sim, inv, "DELETE", null, null, managerRefusal(sim, inv), "revoke", a -> inv.status = "REVOKED");
    }

    @SuppressWarnings("unchecked")
    static String reissue(Simulation sim, Random gen, Model.Invite inv) {
        boolean sendEmail = gen.nextInt(3) == 0;
        Model m = sim.model;
        String expected = sendEmail && !m.template ? "EMAIL_TEMPLATE_NOT_CONFIGURED" : managerRefusal(sim, inv);
        if (expected == null) {
            if (!m.enabled) {
                expected = "FEATURE_DISABLED";
            } else if (ended(sim, inv)) {
                expected = "SESSION_ENDED";
            } else if (!inv.status.equals("PENDING")) {
                expected = "INVITE_NOT_ACTIVE";
            } else if (m.isBlocked(inv.email)) {
                expected = "DOMAIN_BLOCKED";
            }
        }
        return manage(sim, inv, "POST", "reissue", Map.of("sendEmail", sendEmail), expected,
                "reissue" + (sendEmail ? " +email" : ""), a -> {
                    added(sim, a.obj("invite"), (String) a.json.get("link"));
                    inv.wrongEmails = 0;
                });
    }

    static String release(Simulation sim, Random gen, Model.Invite inv) {
        String expected = managerRefusal(sim, inv);
        if (expected == null) {
            if (!inv.status.equals("REDEEMED") || inv.devices.isEmpty()) {
                expected = "INVITE_NOT_ACTIVE";
            } else if (ended(sim, inv)) {
                expected = "SESSION_ENDED";
            }
        }
        return manage(sim, inv, "POST", "release-device", null, expected, "release devices", a -> {
            inv.devices.clear();
            inv.released = true;
        });
    }

    static String resend(Simulation sim, Random gen, Model.Invite inv) {
        Model m = sim.model;
        String expected = managerRefusal(sim, inv);
        if (expected == null) {
            if (!m.enabled) {
                expected = "FEATURE_DISABLED";
            } else if (ended(sim, inv)) {
                expected = "SESSION_ENDED";
            } else if (!inv.status(sim.now()).equals("PENDING") || inv.locked()) {
                expected = "INVITE_NOT_ACTIVE";
            } else if (m.isBlocked(inv.email)) {
                expected = "DOMAIN_BLOCKED";
            } else if (!m.template) {
                expected = "EMAIL_TEMPLATE_NOT_CONFIGURED";
            }
        }
        return manage(sim, inv, "POST", "resend", null, expected, "resend", a -> { });
    }

    @SuppressWarnings("unchecked")
    static String list(Simulation sim, Random gen, Model.Room r) {
        if (!r.exists || r.deleted) {
            return "manager: list " + r.id + " skipped (no room)";
        }
        String status = List.of("", "", "PENDING", "REDEEMED", "REVOKED", "EXPIRED").get(gen.nextInt(6));
        boolean lag = gen.nextBoolean();
        sim.dynamo.lag = lag;
        Set<String> listed = new LinkedHashSet<>();
        Answer a;
        String cursor = null;
        try {
            do {
                String path = "/rooms/" + r.id + "/invites?limit=100" + (status.isEmpty() ? "" : "&status=" + status)
                        + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
                a = sim.call("GET", path, sim.ownerToken(), null, Map.of());
                if (a.status != 200) {
                    break;
                }
                for (Object o : (List<Object>) a.json.get("invites")) {
                    Map<String, Object> i = (Map<String, Object>) o;
                    String id = (String) i.get("inviteId");
                    Model.Invite inv = sim.model.invites.get(id);
                    if (inv == null || inv.gone) {
                        throw new Violation("listing-matches-model", "the listing of " + r.id + " shows " + id + ", unknown to the model");
                    }
                    String st = inv.status(sim.now());
                    if (!st.equals(i.get("status")) || (!status.isEmpty() && !status.equals(st))) {
                        throw new Violation("listing-matches-model", "the listing of " + r.id + (status.isEmpty() ? "" : " (" + status + ")")
                                + " shows " + inv.name + " as " + i.get("status") + ", the model has " + st);
                    }
                    listed.add(id);
                }
                cursor = (String) a.json.get("nextCursor");
            } while (cursor != null);
        } finally {
            sim.dynamo.lag = false;
        }
        if (a.status == 200 && !lag && !injected(sim)) {
            Set<String> expected = new LinkedHashSet<>();
            for (Model.Invite i : sim.model.livingIn(r.id)) {
                if (status.isEmpty() || status.equals(i.status(sim.now()))) {
                    expected.add(i.id);
                }
            }
            if (!expected.equals(listed)) {
                Set<String> missing = new LinkedHashSet<>(expected);
                missing.removeAll(listed);
                throw new Violation("listing-matches-model", "the listing of " + r.id + (status.isEmpty() ? "" : " (" + status + ")")
                        + " misses " + names(sim, missing));
            }
        }
        return "manager: list " + r.id + (status.isEmpty() ? "" : " " + status) + (lag ? " (index lag)" : "") + " -> "
                + a.brief() + " " + listed.size() + " invites";
    }

    static String history(Simulation sim, Random gen, Model.Invite inv) {
        Answer a = sim.call("GET", "/rooms/" + inv.room + "/invites/" + inv.id + "/history", sim.ownerToken(), null, Map.of());
        if (a.status == 200) {
            int n = ((List<?>) a.json.get("events")).size();
            if (n < inv.historySeen.size()) {
                throw new Violation("history-kept", "the history of " + inv.name + " shows " + n + " events, "
                        + inv.historySeen.size() + " were stored before");
            }
        } else if (!open(a) && "INVITE_NOT_FOUND".equals(a.code())) {
            Model.Room r = sim.model.rooms.get(inv.room);
            if (r.retireAt() != null && sim.now().isBefore(r.retireAt())) {
                throw new Violation("invite-kept-until-retire", "the history of " + inv.name + " answered INVITE_NOT_FOUND before its room retired");
            }
        }
        return "manager: history " + inv.name + " -> " + a.brief();
    }

    static String names(Simulation sim, Set<String> ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            out.add(sim.model.name(id));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ invitees

    enum Proof { RIGHT, BEARER, NONE, OTHER_BEARER, WRONG }

    /** The model's InviteRules.entryRefusal: null when the device may enter. */
    static String entryRefusal(Simulation sim, Model.Invite inv, int version, String device, Proof proof) {
        Model m = sim.model;
        Instant now = sim.now();
        Model.Room r = m.rooms.get(inv.room);
        if (!m.enabled) {
            return "FEATURE_DISABLED";
        }
        if (r == null || !r.exists || r.deleted) {
            return "ROOM_DELETED";
        }
        if (inv.status.equals("REVOKED")) {
            return "INVITE_REVOKED";
        }
        if (version != inv.linkVersion) {
            return "LINK_REPLACED";
        }
        if (m.isBlocked(inv.email)) {
            return "DOMAIN_BLOCKED";
        }
        boolean notStarted = now.isBefore(r.start);
        if (!now.isBefore(r.end)) {
            return "SESSION_ENDED";
        }
        if (inv.status.equals("REDEEMED") && inv.devices.contains(device)) {
            return notStarted ? "SESSION_NOT_STARTED" : null;
        }
        if (inv.devices.size() >= inv.maxDevices) {
            return "LINK_ALREADY_USED";
        }
        if (!(now.isBefore(inv.expiresAt) || (inv.status.equals("REDEEMED") && inv.released))) {
            return "LINK_EXPIRED";
        }
        if (inv.locked()) {
            return "INVITE_LOCKED";
        }
        if (notStarted) {
            return "SESSION_NOT_STARTED";
        }
        return switch (proof) {
            case RIGHT, BEARER -> null;
            case NONE, OTHER_BEARER -> "EMAIL_REQUIRED";
            case WRONG -> "EMAIL_MISMATCH";
        };
    }

    private static int version(Random gen, Model.Invite inv) {
        if (inv.tokens.isEmpty()) {
            return -1;
        }
        if (inv.tokens.containsKey(inv.linkVersion) && gen.nextInt(5) != 0) {
            return inv.linkVersion;
        }
        List<Integer> known = new ArrayList<>(inv.tokens.keySet());
        return known.get(gen.nextInt(known.size()));
    }

    private static String device(Random gen, Model.Invite inv) {
        if (!inv.devices.isEmpty() && gen.nextInt(3) == 0) {
            List<String> bound = new ArrayList<>(inv.devices);
            return bound.get(gen.nextInt(bound.size()));
        }
        return "device-" + inv.name + "-" + (++inv.deviceSeq);
    }

    static String preview(Simulation sim, Random gen, Model.Invite inv) {
        int v = version(gen, inv);
        if (v < 0) {
            return "invitee: preview " + inv.name + " skipped (no link known)";
        }
        String device = device(gen, inv);
        String before = rev(sim, inv);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", inv.tokens.get(v));
        body.put("deviceId", device);
        Answer a = sim.call("POST", "/invites/preview", null, body, Map.of());
        String after = rev(sim, inv);
        if (!Objects.equals(before, after)) {
            throw new Violation("preview-changes-nothing", "a preview of " + inv.name + " changed it (rev " + before + " -> " + after + ")");
        }
        return "invitee: preview " + inv.name + " v" + v + " on " + device + " -> " + a.brief()
                + (a.status == 200 ? " " + a.json.get("next") : "");
    }

    static String redeem(Simulation sim, Random gen, Model.Invite inv) {
        int p = gen.nextInt(20);
        Proof proof = p < 12 ? Proof.RIGHT : p < 15 ? Proof.BEARER : p < 18 ? Proof.NONE : Proof.OTHER_BEARER;
        return enter(sim, gen, inv, proof, null);
    }

    static String wrongEmail(Simulation sim, Random gen, Model.Invite inv) {
        return enter(sim, gen, inv, Proof.WRONG, null);
    }

    /**
     * A sequence that races a device's cached view: an invite a device holds is changed by its manager (promoted),
     * its room is changed by an admin (deleted, ended or postponed), then the device comes back.
     */
    static String staleRefresh(Simulation sim, Random gen, Model.Invite fallback) {
        Model.Invite held = null;
        for (Model.Invite i : sim.model.living()) {
            Model.Room r = sim.model.rooms.get(i.room);
            if (!i.devices.isEmpty() && !i.tokens.isEmpty() && r != null && r.exists && !r.deleted) {
                held = i;
            }
        }
        if (held == null) {
            // no invite at all yet (seed 56 of the first long run): make one
            return fallback != null ? redeem(sim, gen, fallback) : create(sim, gen, sim.model.rooms.values().iterator().next());
        }
        Model.Room r = sim.model.rooms.get(held.room);
        String first = promote(sim, gen, held);
        String second = switch (gen.nextInt(3)) {
            case 0 -> deleteRoom(sim, gen, r);
            case 1 -> {
                Instant now = sim.now().truncatedTo(ChronoUnit.SECONDS);
                yield putRoom(sim, r, r.start.isBefore(now.minusSeconds(120)) ? r.start : now.minus(Duration.ofHours(1)),
                        now.minus(Duration.ofMinutes(1)), "admin: room end now");
            }
            default -> {
                Instant now = sim.now().truncatedTo(ChronoUnit.SECONDS);
                yield putRoom(sim, r, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(3)), "admin: room postpone");
            }
        };
        List<String> bound = new ArrayList<>(held.devices);
        String third = enter(sim, gen, held, Proof.RIGHT, bound.get(gen.nextInt(bound.size())));
        return first + "; " + second + "; " + third;
    }

    /** A sequence that overlaps two email attempts: a queued bulk email, a resend of one of its invites, the queue. */
    static String overlappingEmails(Simulation sim, Random gen, Model.Room room) {
        Model.Room r = room;
        for (Model.Room any : sim.model.rooms.values()) {
            if (any.exists && !any.deleted && sim.now().isBefore(any.end)) {
                r = any;
            }
        }
        int before = sim.model.invites.size();
        String first = bulk(sim, gen, r, 21, sim.model.template);
        List<Model.Invite> all = new ArrayList<>(sim.model.invites.values());
        if (all.size() == before) {
            return first;
        }
        Model.Invite inv = all.get(before + gen.nextInt(all.size() - before));
        String second = resend(sim, gen, inv);
        return first + "; " + second + "; " + sim.drainQueue();
    }

    /** A device that holds an invite comes back (a refresh), whatever happened to the invite and its room since. */
    static String reenter(Simulation sim, Random gen, Model.Invite fallback) {
        List<Model.Invite> held = new ArrayList<>();
        for (Model.Invite i : sim.model.living()) {
            if (!i.devices.isEmpty() && !i.tokens.isEmpty()) {
                held.add(i);
            }
        }
        if (held.isEmpty()) {
            return redeem(sim, gen, fallback);
        }
        Model.Invite inv = held.get(held.size() - 1 - gen.nextInt(Math.min(held.size(), 4)));
        List<String> bound = new ArrayList<>(inv.devices);
        return enter(sim, gen, inv, gen.nextBoolean() ? Proof.RIGHT : Proof.NONE, bound.get(gen.nextInt(bound.size())));
    }

    private static String enter(Simulation sim, Random gen, Model.Invite inv, Proof proof) {
        return enter(sim, gen, inv, proof, null);
    }

    private static String enter(Simulation sim, Random gen, Model.Invite inv, Proof proof, String holder) {
        int v = version(gen, inv);
        if (v < 0) {
            return "invitee: redeem " + inv.name + " skipped (no link known)";
        }
        String device = holder != null ? holder : device(gen, inv);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", inv.tokens.get(v));
        body.put("deviceId", device);
        String bearer = null;
        switch (proof) {
            case RIGHT -> body.put("email", inv.email.toUpperCase(java.util.Locale.ROOT));
            case WRONG -> body.put("email", "wrong" + gen.nextInt(5) + "@example.com");
            case BEARER -> bearer = sim.tokenOf(inv.email);
            case OTHER_BEARER -> bearer = sim.tokenOf("someone@example.com");
            default -> {
            }
        }
        String expected = entryRefusal(sim, inv, v, device, proof);
        boolean bound = inv.status.equals("REDEEMED") && inv.devices.contains(device);
        Answer a = sim.call("POST", "/invites/redeem", bearer, body, Map.of());
        String line = "invitee: redeem " + inv.name + " v" + v + " on " + device + " (" + proof.name().toLowerCase() + ") -> " + a.brief();
        if (a.status == 200) {
            granted(sim, inv, v, device, proof, bound, a);
            expectCode(sim, "redeem", a, expected);
            inv.devices.add(device);
            inv.status = "REDEEMED";
        } else if (open(a)) {
            syncInvite(sim, inv);
            sim.model.indeterminate++;
        } else {
            String code = a.code();
            if ("EMAIL_MISMATCH".equals(code)) {
                inv.wrongEmails++;
                Map<String, Object> err = a.obj("error");
                Object left = err.get("attemptsLeft");
                int want = Math.max(0, Model.MAX_WRONG_EMAILS - inv.wrongEmails);
                if (!(left instanceof Number n) || n.intValue() != want) {
                    throw new Violation("lobby-lock-exact", "a wrong email on " + inv.name + " answered attemptsLeft "
                            + left + ", the model counts " + want);
                }
            }
            if ("INVITE_LOCKED".equals(code) && !inv.locked() && !injected(sim)) {
                throw new Violation("lobby-lock-exact", inv.name + " answered INVITE_LOCKED after " + inv.wrongEmails + " wrong emails");
            }
            expectCode(sim, "redeem " + inv.name, a, expected);
            if (injected(sim)) {
                syncInvite(sim, inv);
            }
        }
        return line;
    }

    /** A grant must be one the model allows, whatever was injected. */
    private static void granted(Simulation sim, Model.Invite inv, int v, String device, Proof proof, boolean bound, Answer a) {
        Model.Room r = sim.model.rooms.get(inv.room);
        Instant now = sim.now();
        String why = null;
        if (r == null || !r.exists || r.deleted) {
            why = "entry after the room was deleted";
        } else if (!now.isBefore(r.end)) {
            why = "entry after the session ended (" + r.end + ")";
        } else if (now.isBefore(r.start)) {
            why = "entry before the session started";
        } else if (inv.status.equals("REVOKED")) {
            why = "entry after revoke";
        } else if (v != inv.linkVersion) {
            why = "entry with a replaced link (v" + v + ", current v" + inv.linkVersion + ")";
        } else if (!bound && inv.devices.size() >= inv.maxDevices) {
            why = "a device more than maxDevices " + inv.maxDevices + " (bound: " + inv.devices.size() + ")";
        } else if (!bound && inv.locked()) {
            why = "entry on a locked invite";
        } else if (!bound && proof != Proof.RIGHT && proof != Proof.BEARER) {
            why = "entry without the invited email";
        } else if (!Objects.equals(a.json.get("role"), inv.role)) {
            why = "a grant with the role " + a.json.get("role") + ", the invite's is " + inv.role;
        }
        if (why != null) {
            String check = why.startsWith("a device more") ? "max-devices" : why.startsWith("a grant with") ? "grant-role" : "no-entry-after-end";
            throw new Violation(check, inv.name + " on " + device + ": " + why);
        }
    }
}
