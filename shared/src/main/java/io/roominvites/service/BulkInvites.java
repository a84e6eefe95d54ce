package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Room;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailQueue;
import io.roominvites.json.Json;
import io.roominvites.store.InviteStore;
import io.roominvites.store.IdempotencyStore.BatchRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bulk invitations: up to {@link #MAX_ROWS} rows, each checked and created on its own, written in a few
 * transactions ({@link InviteStore#putInvites}). With an Idempotency-Key the batch's plan (each row's invite id or
 * error) is stored before any invite, so a retry or a concurrent request with the same key follows that plan: the
 * same invites, created once, and the same answer. Emails: a few are sent within the request, more are queued
 * ({@link EmailQueue}) and sent after the answer, each claimed by a conditional write before it is sent
 * ({@link QueuedEmails}), so none is sent twice.
 */
public final class BulkInvites {
    public static final int MAX_ROWS = 500;
    /** Up to this many emails are sent within the request; more go through the queue. */
    public static final int SEND_WITHIN_REQUEST = 20;
    /** Email jobs per queue message. */
    static final int JOBS_PER_MESSAGE = 50;

    private final InviteService invites;
    private final InviteStore store;
    private final SettingsCache settings;
    private final QueuedEmails emails;
    private final EmailQueue queue;
    private final Clock clock;
    private final Ids ids;

    public BulkInvites(InviteService invites, InviteStore store, SettingsCache settings, QueuedEmails emails,
                       EmailQueue queue, Clock clock, Ids ids) {
        this.invites = invites;
        this.store = store;
        this.settings = settings;
        this.emails = emails;
        this.queue = queue;
        this.clock = clock;
        this.ids = ids;
    }

    /** One row as sent: its number (from 1), the invite asked for when it parsed, else its field problems. */
    public record Row(int row, InviteService.NewInvite invite, List<FieldError> problems) {
        public Row {
            problems = List.copyOf(problems);
        }
    }

    /** One row's outcome: the invite and its link, or the error. */
    public record RowResult(int row, Invite invite, String link, InviteException error) {
        public boolean created() {
            return invite != null;
        }
    }

    public record BulkResult(List<RowResult> results, boolean replayed) {
        public int created() {
            return (int) results.stream().filter(RowResult::created).count();
        }

        public int failed() {
            return results.size() - created();
        }
    }

    public BulkResult create(Caller caller, String roomId, List<Row> rows, boolean sendEmail, String idempotencyKey) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String hash = fingerprint(rows, sendEmail);
        BatchRecord key = idempotencyKey == null ? null
                : new BatchRecord(caller.subject() + "|" + roomId, idempotencyKey, hash, roomId, now, null, false);
        InviteStore.BulkContext context = KeyedAnswers.beforeKeyKnown(() -> store.loadForBulk(roomId, key), key != null,
                "created some of these invitations", "it carries out the same batch and creates no invitation twice");
        Room room = InviteService.requireManagedRoom(caller, context.room());
        if (context.earlier() != null) {
            return follow(context.earlier(), key, rows, room, caller, sendEmail);
        }
        SiteSettings s = settings.get();
        CreatePolicy.checkRoom(room, s, now);
        CreatePolicy.checkSetup(s, sendEmail, sendEmail && invites.emails().sendEmailAvailable(s));
        if (sendEmail && queue == null && rows.size() > SEND_WITHIN_REQUEST) {
            // without a queue every email would go out within the request, past what a request may take
            throw InviteException.invalid("sendEmail", "can email at most " + SEND_WITHIN_REQUEST
                    + " invitations per request here (no email queue is configured): send smaller batches, or create"
                    + " these without email and share the links");
        }
        Plan plan = limit(plan(rows, s, now), caller, roomId, s, now);
        if (key != null) {
            BatchRecord earlier = store.claimBatch(new BatchRecord(key.scope(), key.key(), hash, roomId, now,
                    plan.toJson(), false));
            if (earlier != null) {
                return follow(earlier, key, rows, room, caller, sendEmail);
            }
        }
        return carryOut(plan, rows, room, caller, sendEmail, key, false);
    }

    /** A request whose key was used before: the same request follows the stored plan; another one is refused. */
    private BulkResult follow(BatchRecord earlier, BatchRecord now, List<Row> rows, Room room, Caller caller,
                              boolean sendEmail) {
        if (!earlier.requestHash().equals(now.requestHash()) || !now.roomId().equals(earlier.roomId())
                || earlier.plan() == null) {
            throw new InviteException(ErrorCode.IDEMPOTENCY_CONFLICT, "This Idempotency-Key was already used for a"
                    + " different request. Use a new key for a new batch.");
        }
        Plan plan = Plan.fromJson(earlier.plan());
        if (earlier.done()) {
            return replay(plan, room.roomId());
        }
        // the first request with this key is still running, or stopped half-way: carry out the same plan (invites
        // written already count as written; an email claimed already is not sent again)
        return carryOut(plan, rows, room, caller, sendEmail, new BatchRecord(now.scope(), now.key(), earlier.requestHash(),
                earlier.roomId(), earlier.createdAt(), null, false), true);
    }

    private BulkResult replay(Plan plan, String roomId) {
        SiteSettings s = settings.get();
        Map<String, Invite> byId = new HashMap<>();
        for (Invite i : store.findInvites(roomId, plan.inviteIds())) {
            byId.put(i.inviteId(), i);
        }
        List<RowResult> out = new ArrayList<>(plan.rows.size());
        for (PlannedRow p : plan.rows) {
            Invite i = p.inviteId == null ? null : byId.get(p.inviteId);
            if (p.inviteId != null && i == null) {
                out.add(new RowResult(p.row, null, null, new InviteException(ErrorCode.INVITE_NOT_FOUND,
                        "The invitation this row created no longer exists.")));
            } else if (i != null) {
                out.add(new RowResult(p.row, i, invites.emails().link(s, i, clock.instant()), null));
            } else {
                out.add(new RowResult(p.row, null, null, p.error));
            }
        }
        return new BulkResult(out, true);
    }

    /** Decides each row: its invite id, or why it fails (field problems, a duplicate, a blocked domain, maxDevices). */
    private Plan plan(List<Row> rows, SiteSettings s, Instant now) {
        Instant expiresAt = CreatePolicy.expiresAt(s, now);
        Map<String, Integer> firstRowOf = new HashMap<>();
        List<PlannedRow> planned = new ArrayList<>(rows.size());
        for (Row r : rows) {
            InviteService.NewInvite n = r.invite();
            InviteException error = null;
            if (n == null) {
                error = InviteException.invalid(r.problems());
            } else if (firstRowOf.containsKey(n.email())) {
                // no address in the text: a batch's plan keeps its rows' errors for 24 h, and keeps no personal data
                error = new InviteException(ErrorCode.INVALID_REQUEST, "Duplicate: the same email is already invited by row "
                        + firstRowOf.get(n.email()) + " of this batch, so this row was skipped.",
                        List.of(new FieldError("email", "duplicates row " + firstRowOf.get(n.email()))), Map.of());
            } else {
                error = CreatePolicy.blocked(n.email(), s);
                if (error == null) {
                    error = CreatePolicy.tooManyDevices(n, s);
                }
                if (error == null) {
                    error = CreatePolicy.localeNotOffered(n, s);
                }
            }
            if (n != null && !firstRowOf.containsKey(n.email())) {
                firstRowOf.put(n.email(), r.row());
            }
            planned.add(error != null ? new PlannedRow(r.row(), null, error) : new PlannedRow(r.row(), ids.newInviteId(now), null));
        }
        return new Plan(now, expiresAt, planned);
    }

    /**
     * Books the planned invites against the send limits in one step; the rows past what the limits allow (the last
     * ones) fail alone with RATE_LIMITED.
     */
    private Plan limit(Plan plan, Caller caller, String roomId, SiteSettings s, Instant now) {
        int wanted = (int) plan.rows.stream().filter(p -> p.inviteId != null).count();
        SendLimiter.Booking booking = invites.limiter.book(caller, roomId, wanted, false, s.sendLimits(), now);
        if (booking.booked() == wanted) {
            return plan;
        }
        InviteException refusal = booking.refusal();
        List<PlannedRow> rows = new ArrayList<>(plan.rows.size());
        int kept = 0;
        for (PlannedRow p : plan.rows) {
            if (p.inviteId != null && kept++ >= booking.booked()) {
                rows.add(new PlannedRow(p.row, null, refusal));
            } else {
                rows.add(p);
            }
        }
        return new Plan(plan.createdAt, plan.expiresAt, rows);
    }

    private BulkResult carryOut(Plan plan, List<Row> rows, Room room, Caller caller, boolean sendEmail, BatchRecord key,
                                boolean replayed) {
        Map<Integer, Row> byRow = new HashMap<>();
        for (Row r : rows) {
            byRow.put(r.row(), r);
        }
        Map<String, Invite> built = new LinkedHashMap<>();
        SiteSettings site = settings.get();
        for (PlannedRow p : plan.rows) {
            if (p.inviteId != null) {
                built.put(p.inviteId, createdInvite(p.inviteId, caller, room.roomId(), byRow.get(p.row).invite(), plan,
                        sendEmail, site));
            }
        }
        List<Invite> pending = new ArrayList<>(built.values());
        Map<String, InviteException> notWritten = new HashMap<>();
        Room current = room;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            InviteStore.BulkWrite w = store.putInvites(current, pending);
            pending = new ArrayList<>(pending.subList(w.written(), pending.size()));
            if (!w.roomChanged()) {
                break;
            }
            InviteException stop = null;
            try {
                current = CreatePolicy.roomAgain(store, settings.get(), caller, room.roomId(), clock.instant());
            } catch (InviteException refused) {
                if (refused.code() == ErrorCode.ROOM_NOT_FOUND || refused.code() == ErrorCode.ROOM_DELETED
                        || refused.code() == ErrorCode.NOT_ROOM_MANAGER) {
                    throw refused;
                }
                stop = refused;
            }
            if (stop == null && attempt >= 3) {
                stop = new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
            if (stop != null) {
                for (Invite i : pending) {
                    notWritten.put(i.inviteId(), stop);
                }
                pending = List.of();
            }
        }
        List<PlannedRow> finalRows = new ArrayList<>(plan.rows.size());
        for (PlannedRow p : plan.rows) {
            InviteException stop = p.inviteId == null ? null : notWritten.get(p.inviteId);
            finalRows.add(stop == null ? p : new PlannedRow(p.row, null, stop));
        }
        Plan done = new Plan(plan.createdAt, plan.expiresAt, finalRows);
        List<Invite> created = new ArrayList<>();
        Map<String, Invite> byId = new HashMap<>();
        for (PlannedRow p : done.rows) {
            if (p.inviteId != null) {
                Invite i = built.get(p.inviteId);
                created.add(i);
                byId.put(i.inviteId(), i);
            }
        }
        if (sendEmail && !created.isEmpty()) {
            for (Invite sent : email(created, current)) {
                byId.put(sent.inviteId(), sent);
            }
        }
        if (key != null) {
            // done only once the emails are sent or queued: a retry before that carries them out again (each email
            // is claimed before it is sent, so none goes twice); a retry after it only replays
            store.finishBatch(new BatchRecord(key.scope(), key.key(), key.requestHash(), room.roomId(), key.createdAt(),
                    done.toJson(), true));
        }
        SiteSettings s = settings.get();
        List<RowResult> out = new ArrayList<>(done.rows.size());
        for (PlannedRow p : done.rows) {
            if (p.inviteId == null) {
                out.add(new RowResult(p.row, null, null, p.error));
            } else {
                Invite i = byId.get(p.inviteId);
                out.add(new RowResult(p.row, i, invites.emails().link(s, i, clock.instant()), null));
            }
        }
        return new BulkResult(out, replayed);
    }

    private static Invite createdInvite(String inviteId, Caller caller, String roomId, InviteService.NewInvite n,
                                        Plan plan, boolean sendEmail, SiteSettings s) {
        return CreatePolicy.newInvite(inviteId, roomId, n, caller, plan.createdAt, plan.expiresAt, sendEmail, s);
    }

    /**
     * Emails the created invites (each QUEUED at the batch's time): within the request when they are few or there is
     * no queue, else through the queue (answered QUEUED). Answers the invites whose state changed.
     */
    private List<Invite> email(List<Invite> created, Room room) {
        if (created.size() <= SEND_WITHIN_REQUEST || queue == null) {
            // a few: now, one after the other (a replayed plan may have more rows than it has created invites)
            List<Invite> out = new ArrayList<>(created.size());
            for (Invite i : created) {
                out.add(emails.send(i, room, i.emailDelivery().at()));
            }
            return out;
        }
        List<EmailQueue.Job> jobs = new ArrayList<>(created.size());
        for (Invite i : created) {
            jobs.add(new EmailQueue.Job(i.roomId(), i.inviteId(), i.emailDelivery().at()));
        }
        List<List<EmailQueue.Job>> messages = new ArrayList<>();
        for (int from = 0; from < jobs.size(); from += JOBS_PER_MESSAGE) {
            messages.add(jobs.subList(from, Math.min(jobs.size(), from + JOBS_PER_MESSAGE)));
        }
        queue.enqueue(messages);
        return List.of();
    }

    /** A stable hash of the batch as asked (rows, their problems, sendEmail), to tell a retry from another batch. */
    static String fingerprint(List<Row> rows, boolean sendEmail) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("bulk\n" + sendEmail + "\n").getBytes(StandardCharsets.UTF_8));
            for (Row r : rows) {
                String line = r.row() + ":" + (r.invite() != null ? r.invite().fingerprint() : r.problems().toString()) + "\n";
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the plan, as stored with the key

    private record PlannedRow(int row, String inviteId, InviteException error) {
    }

    private record Plan(Instant createdAt, Instant expiresAt, List<PlannedRow> rows) {
        List<String> inviteIds() {
            List<String> out = new ArrayList<>();
            for (PlannedRow p : rows) {
                if (p.inviteId != null) {
                    out.add(p.inviteId);
                }
            }
            return out;
        }

        String toJson() {
            List<Object> list = new ArrayList<>(rows.size());
            for (PlannedRow p : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("row", p.row);
                if (p.inviteId != null) {
                    m.put("inviteId", p.inviteId);
                } else {
                    m.put("code", p.error.code().name());
                    m.put("message", p.error.getMessage());
                    List<Object> fields = new ArrayList<>();
                    for (FieldError f : p.error.fields()) {
                        fields.add(Map.of("field", f.field(), "problem", f.problem()));
                    }
                    m.put("fields", fields);
                }
                list.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("createdAt", createdAt.toString());
            m.put("expiresAt", expiresAt.toString());
            m.put("rows", list);
            return Json.write(m);
        }

        @SuppressWarnings("unchecked")
        static Plan fromJson(String json) {
            try {
                Map<String, Object> m = Json.parseObject(json);
                List<PlannedRow> rows = new ArrayList<>();
                for (Object o : (List<Object>) m.get("rows")) {
                    Map<String, Object> r = (Map<String, Object>) o;
                    int row = ((Number) r.get("row")).intValue();
                    if (r.get("inviteId") != null) {
                        rows.add(new PlannedRow(row, (String) r.get("inviteId"), null));
                    } else {
                        List<FieldError> fields = new ArrayList<>();
                        for (Object f : (List<Object>) r.get("fields")) {
                            Map<String, Object> fm = (Map<String, Object>) f;
                            fields.add(new FieldError((String) fm.get("field"), (String) fm.get("problem")));
                        }
                        rows.add(new PlannedRow(row, null, new InviteException(ErrorCode.valueOf((String) r.get("code")),
                                (String) r.get("message"), fields, Map.of())));
                    }
                }
                return new Plan(Instant.parse((String) m.get("createdAt")), Instant.parse((String) m.get("expiresAt")), rows);
            } catch (ParseException | RuntimeException e) {
                throw new IllegalStateException("a stored batch plan could not be read", e);
            }
        }
    }
}
