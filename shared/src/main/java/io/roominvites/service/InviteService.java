package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SessionState;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailGateway;
import io.roominvites.store.InviteStore;
import io.roominvites.store.InviteStore.CreateResult;
import io.roominvites.store.InviteStore.IdempotencyRecord;
import io.roominvites.store.InviteStore.WriteResult;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.LinkClaims;
import io.roominvites.tokens.LinkTokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The invite use cases: what managers and invitees can do. Plain Java over the {@link InviteStore} port;
 * every time comes from the injected {@link Clock}.
 */
public final class InviteService {
    private static final DateTimeFormatter READABLE =
            DateTimeFormatter.ofPattern("EEEE, d MMMM uuuu 'at' HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final AccessTokens access;
    private final EmailGateway email;
    private final Clock clock;
    private final Ids ids;
    private final Duration accessTokenTtl;

    public InviteService(InviteStore store, SettingsCache settings, LinkTokens links, AccessTokens access,
                         EmailGateway email, Clock clock, Ids ids, Duration accessTokenTtl) {
        this.store = store;
        this.settings = settings;
        this.links = links;
        this.access = access;
        this.email = email;
        this.clock = clock;
        this.ids = ids;
        this.accessTokenTtl = accessTokenTtl;
    }

    // ------------------------------------------------------------------ managers

    /** What the "Invite users" window needs to render. */
    public InviteOptions inviteOptions(Caller caller, String roomId) {
        Room room = managedRoom(caller, roomId);
        SiteSettings s = settings.get();
        List<ErrorCode> reasons = new ArrayList<>();
        if (!s.inviteToMediaEnabled()) {
            reasons.add(ErrorCode.FEATURE_DISABLED);
        }
        if (!room.chatAndCollaborationEnabled()) {
            reasons.add(ErrorCode.CHAT_AND_COLLABORATION_DISABLED);
        }
        if (room.state(clock.instant()) == SessionState.ENDED) {
            reasons.add(ErrorCode.SESSION_ENDED);
        }
        return new InviteOptions(reasons.isEmpty(), reasons, sendEmailAvailable(s), s.linkTtlMinutes());
    }

    public List<DirectoryUser> suggestions(Caller caller, String roomId, String query) {
        managedRoom(caller, roomId);
        if (query == null || query.isBlank()) {
            return List.of();
        }
        return store.suggestUsers(query, 10);
    }

    /** Creates an invitation: at most two DynamoDB calls, plus the email when asked. */
    public CreatedInvite create(Caller caller, String roomId, NewInvite request, String idempotencyKey) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        IdempotencyRecord key = null;
        if (idempotencyKey != null) {
            key = new IdempotencyRecord(caller.subject() + "|" + roomId, idempotencyKey, request.fingerprint(), roomId,
                    null, now);
        }
        InviteStore.CreateContext context = store.loadForCreate(roomId, key);
        Room room = requireManagedRoom(caller, context.room());
        if (context.earlierUse() != null) {
            return replay(context.earlierUse(), key);
        }
        SiteSettings s = settings.get();
        ErrorCode refusal = InviteRules.createRefusal(room, s, now);
        if (refusal != null) {
            throw createRefused(refusal);
        }
        if (s.isBlocked(request.email())) {
            throw new InviteException(ErrorCode.DOMAIN_BLOCKED, "Invitations to " + Emails.domain(request.email())
                    + " addresses are blocked on this site. Use a different email address or contact the site administrator.");
        }
        if (request.sendEmail() && !sendEmailAvailable(s)) {
            throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
        }
        if (s.linkBaseUrl() == null) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitations are not set up on this site yet: an administrator must set the link base URL.");
        }
        String inviteId = ids.newInviteId(now);
        Instant expiresAt = now.plus(Duration.ofMinutes(s.linkTtlMinutes())).truncatedTo(ChronoUnit.SECONDS);
        Invite invite = new Invite(inviteId, roomId, request.email(), request.firstName(), request.lastName(),
                request.role(), InviteStatus.PENDING, now, caller.email() != null ? caller.email() : caller.subject(),
                caller.displayName(), expiresAt, null, null, null, null, 0, room.view(), false, null);
        String link = link(s, invite, now);
        EmailStatus emailStatus = EmailStatus.NOT_REQUESTED;
        if (request.sendEmail()) {
            // sent before the write so that the invite and the outcome are one write (two DynamoDB calls in all)
            EmailGateway.SendOutcome outcome = email.send(invite.email(), s.emailTemplateName(),
                    templateData(invite, room, caller, link));
            Invite.EmailDelivery delivery = Invite.EmailDelivery.first(outcome.sent() ? "SENT" : "FAILED",
                    outcome.messageId(), outcome.error(), now);
            invite = withDelivery(invite, delivery);
            emailStatus = EmailStatus.of(delivery.status());
        }
        IdempotencyRecord record = key == null ? null
                : new IdempotencyRecord(key.scope(), key.key(), key.requestHash(), roomId, inviteId, now);
        for (int attempt = 0; ; attempt++) {
            CreateResult result = store.createInvite(invite, room.version(), record);
            if (result instanceof CreateResult.Created created) {
                return new CreatedInvite(created.invite(), link, emailStatus, false);
            }
            if (result instanceof CreateResult.KeyUsed used) {
                return replay(used.existing(), key);
            }
            // the room changed since it was read: check the rules against it again and keep the invite's copy current
            if (attempt == 3) {
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
            room = requireManagedRoom(caller, store.findRoom(roomId));
            refusal = InviteRules.createRefusal(room, settings.get(), now);
            if (refusal != null) {
                throw createRefused(refusal);
            }
            invite = withRoom(invite, room);
        }
    }

    private CreatedInvite replay(IdempotencyRecord earlier, IdempotencyRecord now) {
        if (!earlier.requestHash().equals(now.requestHash()) || !earlier.roomId().equals(now.roomId())) {
            throw new InviteException(ErrorCode.IDEMPOTENCY_CONFLICT);
        }
        Invite invite = store.findInvite(earlier.roomId(), earlier.inviteId())
                .orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND,
                        "The invitation created with this Idempotency-Key no longer exists. Use a new key."));
        SiteSettings s = settings.get();
        return new CreatedInvite(invite, link(s, invite, clock.instant()),
                invite.emailDelivery() == null ? EmailStatus.NOT_REQUESTED : EmailStatus.of(invite.emailDelivery().status()), true);
    }

    /**
     * Emails a pending invitation again (after a failed send, or on request), recording the attempt: one read of
     * the room and the invite together, the email, one write of its outcome.
     */
    public CreatedInvite resend(Caller caller, String roomId, String inviteId) {
        InviteStore.ResendContext context = store.loadForResend(roomId, inviteId);
        Room room = requireManagedRoom(caller, context.room());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        SiteSettings s = settings.get();
        ErrorCode refusal = InviteRules.createRefusal(room, s, now);
        if (refusal != null) {
            throw createRefused(refusal);
        }
        Invite invite = context.invite().orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
        if (invite.status(now) != InviteStatus.PENDING) {
            throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE,
                    "Only a pending invitation can be emailed again; this one is " + invite.status(now).name().toLowerCase(Locale.ROOT)
                            + ". Create a new invitation instead.");
        }
        if (invite.locked()) {
            // its link can only answer INVITE_LOCKED now: emailing it again would send a dead link
            throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE, "This invitation is locked after "
                    + Invite.MAX_EMAIL_ATTEMPTS + " wrong email addresses, so its link no longer works. Create a new invitation instead.");
        }
        if (s.isBlocked(invite.email())) {
            throw new InviteException(ErrorCode.DOMAIN_BLOCKED);
        }
        if (!sendEmailAvailable(s)) {
            throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
        }
        if (invite.emailDelivery() != null && invite.emailDelivery().attempts() >= Invite.MAX_EMAIL_SENDS) {
            throw new InviteException(ErrorCode.RATE_LIMITED, "This invitation was already emailed "
                    + Invite.MAX_EMAIL_SENDS + " times. Copy the link and share it yourself, or create a new invitation.");
        }
        String link = link(s, invite, now);
        EmailGateway.SendOutcome outcome = email.send(invite.email(), s.emailTemplateName(),
                templateData(invite, room, caller, link));
        Invite.Attempt attempt = new Invite.Attempt(outcome.sent() ? "SENT" : "FAILED", now, outcome.error());
        Invite updated = store.recordEmailAttempt(roomId, inviteId, attempt, outcome.messageId())
                .orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
        return new CreatedInvite(updated, link, EmailStatus.of(attempt.status()), false);
    }

    public InviteStore.Page list(Caller caller, String roomId, InviteStatus status, int limit, String cursor) {
        managedRoom(caller, roomId);
        return store.listInvites(roomId, status, limit, cursor, clock.instant());
    }

    /** Revokes an invitation; revoking again is not an error. */
    public Invite revoke(Caller caller, String roomId, String inviteId) {
        managedRoom(caller, roomId);
        WriteResult result = store.revoke(roomId, inviteId, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        if (result instanceof WriteResult.Applied applied) {
            return applied.after();
        }
        throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
    }

    /** Raises an invitee's role; the invitee sees it on the next redeem from their device (a refresh). */
    public Promotion promote(Caller caller, String roomId, String inviteId, Role role) {
        managedRoom(caller, roomId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        WriteResult result = store.promote(roomId, inviteId, role, now);
        if (result instanceof WriteResult.Applied applied) {
            return new Promotion(applied.after(), applied.before().role());
        }
        Invite current = ((WriteResult.Refused) result).current();
        if (current == null) {
            throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
        }
        ErrorCode code = InviteRules.promotionRefusal(current, role, now);
        if (code == ErrorCode.ROLE_NOT_HIGHER) {
            throw new InviteException(code, "The invitee is already a " + current.role().label()
                    + ". An invitee can only be promoted to a higher role.");
        }
        if (code == ErrorCode.INVITE_NOT_ACTIVE) {
            throw new InviteException(code, current.status(now) == InviteStatus.REVOKED
                    ? "This invitation was revoked, so its role can't be changed. Create a new invitation instead."
                    : "This invitation's link expired before it was used, so its role can't be changed. Create a new invitation instead.");
        }
        if (code == ErrorCode.SESSION_ENDED) {
            throw new InviteException(code, "This session is over, so the invitee's role can no longer be changed.");
        }
        throw new InviteException(code == null ? ErrorCode.SERVICE_UNAVAILABLE : code);
    }

    /** A create or resend refused by {@link InviteRules#createRefusal}, in the manager's terms. */
    private static InviteException createRefused(ErrorCode code) {
        if (code == ErrorCode.SESSION_ENDED) {
            return new InviteException(code, "This session is over, so no more invitations can be created or sent for it.");
        }
        return new InviteException(code);
    }

    // ------------------------------------------------------------------ invitees

    /** What the link shows before anything happens. One read; changes nothing, ever. */
    public Preview preview(String token, String deviceId, Caller caller) {
        SiteSettings s = requireEnabled();
        InviteRef ref = InviteRef.of(links.verify(token));
        Instant now = clock.instant();
        Invite invite = store.findInvite(ref.roomId(), ref.inviteId()).orElseThrow(() -> missing(ref, now));
        List<String> proven = caller != null && caller.email() != null ? List.of(caller.email()) : List.of();
        ErrorCode code = InviteRules.entryRefusal(invite, deviceId, proven, s, now);
        SessionState state = Room.sessionState(invite.room().startsAt(), invite.room().endsAt(), now);
        Next next;
        if (code == null) {
            next = Next.ENTER;
        } else if (code == ErrorCode.SESSION_ENDED) {
            next = null;
        } else if (code == ErrorCode.SESSION_NOT_STARTED) {
            next = Next.WAIT;
        } else if (code == ErrorCode.EMAIL_REQUIRED || code == ErrorCode.EMAIL_MISMATCH) {
            next = Next.LOBBY;
        } else {
            throw refusal(code, invite);
        }
        return new Preview(state, next, Room.secondsUntil(invite.room().startsAt(), now), invite);
    }

    /**
     * Redeems the link on a device: one conditional write on the happy path. The first success binds the
     * invite to the device; the same device may come back for a fresh token carrying the current role.
     */
    public Redemption redeem(String token, String deviceId, String lobbyEmail, Caller caller) {
        SiteSettings s = requireEnabled();
        InviteRef ref = InviteRef.of(links.verify(token));
        List<String> proven = new ArrayList<>(2);
        if (caller != null && caller.email() != null) {
            proven.add(caller.email());
        }
        String typed = lobbyEmail == null ? null : Emails.normalize(lobbyEmail);
        if (typed != null && !proven.contains(typed)) {
            proven.add(typed);
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            if (anyBlocked(s, proven)) {
                // rare: tell DOMAIN_BLOCKED from EMAIL_MISMATCH on the invite's own email before writing
                Invite current = store.findInvite(ref.roomId(), ref.inviteId()).orElseThrow(() -> missing(ref, now));
                ErrorCode code = InviteRules.entryRefusal(current, deviceId, proven, s, now);
                if (code != null) {
                    throw failedEntry(code, current, typed, ref, now);
                }
            }
            WriteResult result = store.redeem(ref.roomId(), ref.inviteId(), deviceId, proven, now);
            if (result instanceof WriteResult.Applied applied) {
                Invite invite = applied.after();
                if (s.isBlocked(invite.email())) {
                    throw new InviteException(ErrorCode.DOMAIN_BLOCKED);
                }
                return grant(invite, deviceId, now);
            }
            Invite current = ((WriteResult.Refused) result).current();
            if (current == null) {
                throw missing(ref, now);
            }
            ErrorCode code = InviteRules.entryRefusal(current, deviceId, proven, s, now);
            if (code != null) {
                throw failedEntry(code, current, typed, ref, now);
            }
            // the state changed between the write and this decision (a clock boundary): try again
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private InviteException failedEntry(ErrorCode code, Invite current, String typed, InviteRef ref, Instant now) {
        if (code == ErrorCode.EMAIL_MISMATCH && (typed == null || typed.equals(current.email()))) {
            // signed in as someone else and typed nothing: that is the lobby, not a wrong answer
            return new InviteException(ErrorCode.EMAIL_REQUIRED);
        }
        if (code == ErrorCode.EMAIL_MISMATCH) {
            WriteResult counted = store.recordWrongEmail(ref.roomId(), ref.inviteId(), now);
            if (counted instanceof WriteResult.Applied applied) {
                int left = Math.max(0, Invite.MAX_EMAIL_ATTEMPTS - applied.after().failedEmailAttempts());
                String message = left == 0
                        ? "That email address does not match the invitation, and it was the last attempt: the invitation is now locked. Ask the room manager for a new link."
                        : "That email address does not match the invitation. Enter the address that received the invitation ("
                        + left + (left == 1 ? " attempt" : " attempts") + " left).";
                return new InviteException(ErrorCode.EMAIL_MISMATCH, message, List.of(), Map.of("attemptsLeft", left));
            }
            // refused: locked, or changed since the redeem was refused (redeemed or revoked meanwhile): say which
            Invite latest = ((WriteResult.Refused) counted).current();
            if (latest == null) {
                return missing(ref, now);
            }
            ErrorCode changed = InviteRules.entryRefusal(latest, null, List.of(typed), settings.get(), now);
            return changed == null || changed == ErrorCode.EMAIL_MISMATCH
                    ? new InviteException(ErrorCode.INVITE_LOCKED) : refusal(changed, latest);
        }
        return refusal(code, current);
    }

    private static InviteException refusal(ErrorCode code, Invite invite) {
        if (code == ErrorCode.SESSION_NOT_STARTED) {
            return new InviteException(code, code.defaultMessage(), List.of(),
                    Map.of("startsAt", invite.room().startsAt().toString()));
        }
        return new InviteException(code);
    }

    private Redemption grant(Invite invite, String deviceId, Instant now) {
        Instant expiresAt = now.plus(accessTokenTtl);
        if (invite.room().endsAt().isBefore(expiresAt)) {
            expiresAt = invite.room().endsAt();
        }
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        if (!expiresAt.isAfter(now)) {
            // the room ends within this (fractional) second: no token can expire later than now and no later than the end
            throw new InviteException(ErrorCode.SESSION_ENDED);
        }
        String token = access.issue(new AccessGrant(invite.email(), invite.roomId(), invite.role().name(),
                invite.role().permissionIds(), invite.inviteId(), deviceId, now, expiresAt));
        return new Redemption(token, expiresAt, invite);
    }

    // ------------------------------------------------------------------ helpers

    private SiteSettings requireEnabled() {
        SiteSettings s = settings.get();
        if (!s.inviteToMediaEnabled()) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitation links are turned off on this site. Contact the site administrator.");
        }
        return s;
    }

    private static boolean anyBlocked(SiteSettings s, List<String> emails) {
        for (String e : emails) {
            if (Emails.isValid(e) && s.isBlocked(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A verified link whose invite is gone: removed by TTL after expiry, or never existed. A deleted room keeps its
     * tombstone so that its links say ROOM_DELETED even after TTL removed their invites (one more read, only here).
     */
    private InviteException missing(InviteRef ref, Instant now) {
        if (store.findRoom(ref.roomId()).map(Room::deleted).orElse(false)) {
            return new InviteException(ErrorCode.ROOM_DELETED);
        }
        return new InviteException(now.isBefore(ref.expiresAt()) ? ErrorCode.LINK_INVALID : ErrorCode.LINK_EXPIRED);
    }

    private Room managedRoom(Caller caller, String roomId) {
        return requireManagedRoom(caller, store.findRoom(roomId));
    }

    private static Room requireManagedRoom(Caller caller, Optional<Room> found) {
        Room room = found.orElseThrow(() -> new InviteException(ErrorCode.ROOM_NOT_FOUND));
        if (room.deleted()) {
            throw new InviteException(ErrorCode.ROOM_DELETED);
        }
        if (!room.isManager(caller.email())) {
            throw new InviteException(ErrorCode.NOT_ROOM_MANAGER);
        }
        return room;
    }

    private boolean sendEmailAvailable(SiteSettings s) {
        return s.emailTemplateName() != null && email.templateExists(s.emailTemplateName());
    }

    private String link(SiteSettings s, Invite invite, Instant now) {
        String token = links.issue(invite.roomId() + InviteRef.SEPARATOR + invite.inviteId(), invite.expiresAt(),
                now.isAfter(invite.expiresAt()) ? invite.expiresAt() : now);
        return s.linkBaseUrl() + "#invite=" + token;
    }

    /** The data every invitation email passes to the template: part of the contract. */
    static Map<String, Object> templateData(Invite invite, Room room, Caller inviter, String link) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("firstName", invite.firstName());
        data.put("lastName", invite.lastName());
        data.put("roomTitle", room.title());
        data.put("roomDescription", room.description());
        data.put("startsAt", room.startsAt().toString());
        data.put("startsAtText", READABLE.format(room.startsAt()));
        data.put("roleLabel", invite.role().label());
        data.put("permissions", invite.role().permissionLabels());
        data.put("inviterName", inviter.displayName());
        data.put("expiresAt", invite.expiresAt().toString());
        data.put("expiresAtText", READABLE.format(invite.expiresAt()));
        data.put("inviteLink", link);
        return data;
    }

    private static Invite withDelivery(Invite i, Invite.EmailDelivery d) {
        return new Invite(i.inviteId(), i.roomId(), i.email(), i.firstName(), i.lastName(), i.role(), i.storedStatus(),
                i.createdAt(), i.createdBy(), i.createdByName(), i.expiresAt(), i.redeemedAt(), i.revokedAt(),
                i.promotedAt(), i.deviceId(), i.failedEmailAttempts(), i.room(), i.roomDeleted(), d);
    }

    private static Invite withRoom(Invite i, Room room) {
        return new Invite(i.inviteId(), i.roomId(), i.email(), i.firstName(), i.lastName(), i.role(), i.storedStatus(),
                i.createdAt(), i.createdBy(), i.createdByName(), i.expiresAt(), i.redeemedAt(), i.revokedAt(),
                i.promotedAt(), i.deviceId(), i.failedEmailAttempts(), room.view(), i.roomDeleted(), i.emailDelivery());
    }

    // ------------------------------------------------------------------ values

    /** What a manager asks for; already validated and normalised. */
    public record NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail) {
        /** A stable hash of the request, to tell a replay from a different request under the same key. */
        public String fingerprint() {
            String canonical = String.join("\n", email, firstName, lastName, role.name(), Boolean.toString(sendEmail));
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record InviteOptions(boolean canInvite, List<ErrorCode> reasons, boolean sendEmailAvailable,
                                int linkTtlMinutes) {
    }

    public enum EmailStatus {
        NOT_REQUESTED, SENT, FAILED;

        static EmailStatus of(String deliveryStatus) {
            return "SENT".equals(deliveryStatus) ? SENT : FAILED;
        }
    }

    public record CreatedInvite(Invite invite, String link, EmailStatus emailStatus, boolean replayed) {
    }

    public record Promotion(Invite invite, Role previousRole) {
    }

    public enum Next {
        WAIT, ENTER, LOBBY
    }

    public record Preview(SessionState state, Next next, long secondsUntilStart, Invite invite) {
    }

    public record Redemption(String accessToken, Instant expiresAt, Invite invite) {
    }

    /** The invite a link points at: {@code roomId:inviteId} in the token's {@code inv} claim. */
    record InviteRef(String roomId, String inviteId, Instant expiresAt) {
        static final String SEPARATOR = ":";

        static InviteRef of(LinkClaims claims) {
            String value = claims.inviteId();
            int sep = value.indexOf(SEPARATOR);
            if (sep <= 0 || sep == value.length() - 1) {
                throw new InviteException(ErrorCode.LINK_INVALID);
            }
            return new InviteRef(value.substring(0, sep), value.substring(sep + 1), claims.expiresAt());
        }
    }
}
