package io.roominvites.http;

import io.roominvites.json.Json;
import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.SiteSettings;
import io.roominvites.service.AdminService;
import io.roominvites.service.InvitationEmails;
import io.roominvites.service.InviteChanges;
import io.roominvites.service.InviteService;
import io.roominvites.service.InviteeEntry;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.CallerVerifier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The contract's routes: HTTP in, a service call, the contract's JSON out. Thin on purpose. One table of every route
 * ({@link #handlers}) and the managers' routes are here; the other audiences' routes stand beside it, one class each
 * ({@link AdminRoutes}, {@link InviteeRoutes}, {@link GuestLinkRoute}, {@link JoinRequestRoute}), as do the export, the
 * calendar file and the access code. Each route only parses and validates its body with {@link Body} (the field rules
 * and their messages are the contract's, shared from here) and answers through {@link Views}.
 */
public final class Api {
    static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");
    static final int MAX_NAME = 100;

    private final InviteService invites;
    private final InvitationEmails invitations;
    private final InviteeEntry entry;
    private final InviteChanges changes;
    private final io.roominvites.service.BulkInvites bulk;
    private final AdminService admin;
    private final CallerVerifier callers;
    private final AccessTokens accessTokens;
    private final Clock clock;
    private final String issuer;
    private final io.roominvites.service.InviteExport export;
    private final io.roominvites.service.Erasures erasures;
    private final io.roominvites.service.CodeExchange codes;
    private final io.roominvites.service.InviteCalendar calendar;
    private final io.roominvites.service.GuestLinks guests;
    private final io.roominvites.service.JoinRequests joins;

    public Api(InviteService invites, InvitationEmails invitations, InviteChanges changes, InviteeEntry entry,
               io.roominvites.service.BulkInvites bulk, io.roominvites.service.InviteExport export,
               io.roominvites.service.Erasures erasures, io.roominvites.service.CodeExchange codes,
               io.roominvites.service.InviteCalendar calendar, AdminService admin, CallerVerifier callers,
               AccessTokens accessTokens, Clock clock, String issuer, io.roominvites.service.GuestLinks guests,
               io.roominvites.service.JoinRequests joins) {
        this.guests = guests;
        this.joins = joins;
        this.export = export;
        this.codes = codes;
        this.calendar = calendar;
        this.erasures = erasures;
        this.invites = invites;
        this.invitations = invitations;
        this.entry = entry;
        this.changes = changes;
        this.bulk = bulk;
        this.admin = admin;
        this.callers = callers;
        this.accessTokens = accessTokens;
        this.clock = clock;
        this.issuer = issuer;
    }

    /** The handlers of the given operations (the local-only ones are added by the local runner). */
    public Map<Operation, Router.Handler> handlers(Set<Operation> operations) {
        Map<Operation, Router.Handler> all = new EnumMap<>(Operation.class);
        all.put(Operation.GET_SETTINGS, (r, p) -> ok(Views.settings(admin.settings(caller(r)))));
        all.put(Operation.PUT_SETTINGS, (r, p) -> AdminRoutes.putSettings(admin, adminCaller(r), r));
        all.put(Operation.PUT_ROOM, (r, p) -> AdminRoutes.putRoom(admin, adminCaller(r), roomId(p), r));
        all.put(Operation.DELETE_ROOM, (r, p) -> {
            Caller c = adminCaller(r); // a non-admin learns nothing, not even that the id is malformed
            admin.deleteRoom(c, roomId(p));
            return new HttpResponse(204, Map.of(), null);
        });
        all.put(Operation.PUT_USER, (r, p) -> AdminRoutes.putUser(admin, adminCaller(r), p.get("email"), r));
        all.put(Operation.START_ERASURE, (r, p) -> AdminRoutes.startErasure(erasures, adminCaller(r), r));
        all.put(Operation.GET_ERASURE, (r, p) -> ok(Views.erasure(erasures.find(adminCaller(r), p.get("erasureId")))));
        all.put(Operation.INVITE_OPTIONS, this::inviteOptions);
        all.put(Operation.INVITEE_SUGGESTIONS, this::suggestions);
        all.put(Operation.CREATE_INVITE, this::create);
        all.put(Operation.BULK_CREATE_INVITES, this::bulkCreate);
        all.put(Operation.LIST_INVITES, this::list);
        all.put(Operation.EXPORT_INVITES, (r, p) -> ExportRoute.answer(export, caller(r), roomId(p), r, clock));
        all.put(Operation.REVOKE_INVITE, (r, p) -> {
            Caller c = caller(r);
            return ok(Map.of("invite", Views.invite(changes.revoke(c, roomId(p), inviteId(p)), clock.instant())));
        });
        all.put(Operation.PROMOTE_INVITE, this::promote);
        all.put(Operation.RESEND_INVITE, (r, p) -> {
            Caller c = caller(r);
            return created(200, invitations.resend(c, roomId(p), inviteId(p)));
        });
        all.put(Operation.REISSUE_INVITE, (r, p) -> {
            Caller c = caller(r);
            String roomId = roomId(p);
            String inviteId = inviteId(p);
            boolean send = false;
            if (r.body() != null && !r.body().isBlank()) {
                Body b = Body.parse(r.body());
                send = b.bool("sendEmail", false, false);
                b.check();
            }
            return created(200, changes.reissue(c, roomId, inviteId, send));
        });
        all.put(Operation.RELEASE_DEVICE, (r, p) -> {
            Caller c = caller(r);
            return ok(Map.of("invite", Views.invite(changes.releaseDevices(c, roomId(p), inviteId(p)), clock.instant())));
        });
        all.put(Operation.HISTORY, (r, p) -> {
            Caller c = caller(r);
            return ok(Map.of("events", Views.history(invites.history(c, roomId(p), inviteId(p)))));
        });
        all.put(Operation.PREVIEW_INVITE, (r, p) -> InviteeRoutes.preview(entry, callers, r));
        all.put(Operation.INVITE_CALENDAR, (r, p) -> CalendarRoute.answer(calendar, r));
        all.put(Operation.EXCHANGE_CODE, (r, p) -> AccessCodeRoute.answer(codes, r));
        all.put(Operation.REDEEM_INVITE, (r, p) -> InviteeRoutes.redeem(entry, callers, r));
        all.put(Operation.CREATE_GUEST_LINK, (r, p) -> GuestLinkRoute.create(guests, caller(r), roomId(p), r, clock));
        all.put(Operation.LIST_GUEST_LINKS, (r, p) -> GuestLinkRoute.list(guests, caller(r), roomId(p), clock));
        all.put(Operation.REVOKE_GUEST_LINK, (r, p) -> {
            Caller c = caller(r);
            return GuestLinkRoute.revoke(guests, c, roomId(p), p.get("guestLinkId"), clock);
        });
        all.put(Operation.PREVIEW_GUEST, (r, p) -> GuestLinkRoute.preview(guests, r));
        all.put(Operation.REDEEM_GUEST, (r, p) -> GuestLinkRoute.redeem(guests, r));
        all.put(Operation.ASK_TO_JOIN, (r, p) -> JoinRequestRoute.ask(joins, r));
        all.put(Operation.JOIN_REQUEST_STATUS, (r, p) -> JoinRequestRoute.status(joins, r));
        all.put(Operation.LIST_JOIN_REQUESTS, (r, p) -> JoinRequestRoute.list(joins, caller(r), roomId(p), r));
        all.put(Operation.ADMIT_JOIN_REQUEST, (r, p) -> {
            Caller c = caller(r);
            return JoinRequestRoute.admit(joins, c, roomId(p), p.get("joinRequestId"), r, created -> created(200, created));
        });
        all.put(Operation.DECLINE_JOIN_REQUEST, (r, p) -> {
            Caller c = caller(r);
            return JoinRequestRoute.decline(joins, c, roomId(p), p.get("joinRequestId"));
        });
        all.put(Operation.JWKS, (r, p) -> new HttpResponse(200, Map.of("Content-Type", "application/json",
                "Cache-Control", "public, max-age=300"), accessTokens.jwksJson()));
        all.put(Operation.OPENID_CONFIGURATION, discovery());
        Map<Operation, Router.Handler> selected = new EnumMap<>(Operation.class);
        for (Operation op : operations) {
            Router.Handler h = all.get(op);
            if (h != null) {
                selected.put(op, h);
            }
        }
        return selected;
    }

    /** The discovery document is fixed for the container's life: built once, on the first operation list. */
    private Router.Handler discovery() {
        String doc = Discovery.document(issuer);
        return (r, p) -> new HttpResponse(200, Map.of("Content-Type", "application/json", "Cache-Control", "public, max-age=300"), doc);
    }

    // ------------------------------------------------------------------ managers

    private HttpResponse inviteOptions(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        InviteService.InviteOptions o = invites.inviteOptions(c, roomId(p));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("canInvite", o.canInvite());
        m.put("reasons", o.reasons().stream().map(Enum::name).toList());
        m.put("roles", Views.roles());
        m.put("sendEmailAvailable", o.sendEmailAvailable());
        m.put("linkTtlMinutes", o.linkTtlMinutes());
        m.put("linkMaxDevices", o.linkMaxDevices());
        m.put("lobbyAttempts", io.roominvites.domain.Invite.MAX_EMAIL_ATTEMPTS);
        m.put("defaultLocale", o.defaultLocale());
        m.put("locales", Views.locales(o.locales()));
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("roomId", o.room().roomId());
        room.put("title", o.room().title());
        room.put("startsAt", o.room().startsAt().toString());
        room.put("endsAt", o.room().endsAt().toString());
        room.put("timeZone", o.room().timeZone());
        m.put("room", room);
        return ok(m);
    }

    private HttpResponse suggestions(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        String q = r.query().get("q");
        if (q != null && q.length() > 254) {
            throw InviteException.invalid("q", "must be at most 254 characters");
        }
        List<Object> users = new ArrayList<>();
        for (DirectoryUser u : invites.suggestions(c, roomId(p), q)) {
            users.add(Views.user(u));
        }
        return ok(Map.of("users", users));
    }

    private HttpResponse create(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        String roomId = roomId(p);
        String key = idempotencyKey(r);
        Body b = Body.parse(r.body());
        String email = email(b, "email", true);
        String first = b.string("firstName", true, MAX_NAME);
        String last = b.string("lastName", true, MAX_NAME);
        Role role = role(b);
        Boolean send = b.bool("sendEmail", false, false);
        Long maxDevices = b.integer("maxDevices", false, 1, SiteSettings.MAX_LINK_MAX_DEVICES, null);
        String locale = SettingsBody.locale(b, "locale");
        b.check();
        InviteService.CreatedInvite created = invites.create(c, roomId, new InviteService.NewInvite(email, first, last,
                role, send, maxDevices == null ? null : maxDevices.intValue(), locale), key);
        return created(201, created);
    }

    private HttpResponse bulkCreate(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        String roomId = roomId(p);
        String key = idempotencyKey(r);
        BulkRows.Parsed parsed = BulkRows.isCsv(r) ? BulkRows.fromCsv(r.body(), r.query().get("sendEmail"))
                : BulkRows.fromJson(r.body());
        io.roominvites.service.BulkInvites.BulkResult result = bulk.create(c, roomId, parsed.rows(), parsed.sendEmail(), key);
        java.time.Instant now = clock.instant();
        List<Object> rows = new ArrayList<>(result.results().size());
        for (io.roominvites.service.BulkInvites.RowResult row : result.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", row.row());
            m.put("status", row.created() ? "CREATED" : "FAILED");
            if (row.created()) {
                m.put("invite", Views.invite(row.invite(), now));
                m.put("link", row.link());
                m.put("accessCode", invitations.accessCode(row.invite()));
            } else {
                m.put("error", Views.error(row.error(), io.roominvites.i18n.Messages.negotiate(r.header("accept-language"))));
            }
            rows.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created", result.created());
        m.put("failed", result.failed());
        m.put("results", rows);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        if (result.replayed()) {
            headers.put("Idempotent-Replayed", "true");
        }
        return new HttpResponse(200, headers, Json.write(m));
    }

    private static String idempotencyKey(HttpRequest r) {
        String key = r.header("idempotency-key");
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw InviteException.invalid("Idempotency-Key", "must be 1 to 128 visible ASCII characters");
        }
        return key;
    }

    private HttpResponse created(int status, InviteService.CreatedInvite created) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("invite", Views.invite(created.invite(), clock.instant()));
        m.put("link", created.link());
        m.put("accessCode", invitations.accessCode(created.invite()));
        Map<String, Object> email = new LinkedHashMap<>();
        email.put("status", created.emailStatus().name());
        if (created.emailMessageId() != null) {
            email.put("messageId", created.emailMessageId());
        }
        if (created.emailError() != null) {
            email.put("error", created.emailError());
        }
        m.put("email", email);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        if (created.replayed()) {
            headers.put("Idempotent-Replayed", "true");
        }
        return new HttpResponse(status, headers, Json.write(m));
    }

    private HttpResponse list(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        String roomId = roomId(p);
        InviteStatus status = null;
        String s = r.query().get("status");
        if (s != null && !s.isEmpty()) {
            try {
                status = InviteStatus.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw InviteException.invalid("status", "must be one of PENDING, REDEEMED, REVOKED, EXPIRED");
            }
        }
        int limit = limit(r);
        String cursor = r.query().get("cursor");
        if (cursor != null && cursor.length() > io.roominvites.tokens.LinkTokens.MAX_CURSOR_LENGTH) {
            throw InviteException.invalid("cursor", "is not a cursor from this listing; start again without it");
        }
        InviteService.InvitePage page = invites.list(c, roomId, status, limit, cursor);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("invites", Views.invites(page.invites(), clock.instant()));
        m.put("nextCursor", page.nextCursor());
        if (page.searchLimitReached()) {
            // the page stopped early to stay fast: more matches may follow (ask again with nextCursor)
            m.put("searchLimitReached", true);
        }
        return ok(m);
    }

    /** A list's {@code limit}: 1 to 100, 25 when absent. */
    static int limit(HttpRequest r) {
        int limit = 25;
        String l = r.query().get("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw InviteException.invalid("limit", "must be a whole number from 1 to 100");
            }
        }
        return limit;
    }

    private HttpResponse promote(HttpRequest r, Map<String, String> p) {
        Caller c = caller(r);
        String roomId = roomId(p);
        String inviteId = inviteId(p);
        Body b = Body.parse(r.body());
        Role role = role(b);
        b.check();
        InviteChanges.Promotion promotion = changes.promote(c, roomId, inviteId, role);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("invite", Views.invite(promotion.invite(), clock.instant()));
        m.put("previousRole", promotion.previousRole().name());
        return ok(m);
    }

    // ------------------------------------------------------------------ helpers

    private Caller caller(HttpRequest r) {
        return callers.verify(r.header("authorization"));
    }

    /** A verified site administrator, checked before the body is read (a non-admin learns nothing more). */
    private Caller adminCaller(HttpRequest r) {
        Caller c = caller(r);
        AdminService.requireAdmin(c);
        return c;
    }

    private static String roomId(Map<String, String> p) {
        String id = p.get("roomId");
        if (id == null || !ROOM_ID.matcher(id).matches()) {
            throw InviteException.invalid("roomId", "must be 1 to 64 letters, digits, '-' or '_'");
        }
        return id;
    }

    private static String inviteId(Map<String, String> p) {
        String id = p.get("inviteId");
        if (!io.roominvites.service.Ids.isInviteId(id)) {
            throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
        }
        return id;
    }

    static String email(Body b, String field, boolean required) {
        String raw = b.string(field, required, 254);
        if (raw == null) {
            return null;
        }
        String problem = Emails.problem(raw);
        if (problem != null) {
            b.problem(field, problem);
            return null;
        }
        return Emails.normalize(raw);
    }

    static Role role(Body b) {
        String raw = b.string("role", true, 32);
        if (raw == null) {
            return null;
        }
        Role role = Role.parse(raw);
        if (role == null) {
            b.problem("role", "must be one of VIEWER, SPEAKER, MODERATOR");
        }
        return role;
    }

    static String deviceId(Body b, boolean required) {
        String d = b.string("deviceId", required, 128);
        if (d != null && !DEVICE_ID.matcher(d).matches()) {
            b.problem("deviceId", "must be 8 to 128 characters of A-Z, a-z, 0-9, '_' and '-'");
            return null;
        }
        return d;
    }

    static HttpResponse ok(Map<String, ?> body) {
        return new HttpResponse(200, Map.of("Content-Type", "application/json; charset=utf-8"), Json.write(body));
    }
}
