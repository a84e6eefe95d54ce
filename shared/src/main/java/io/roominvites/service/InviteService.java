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
    private final RecentEntries entries = new RecentEntries(4096);

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
        return new InviteOptions(reasons.isEmpty(), reasons, sendEmailAvailable(s), s.linkTtlMinutes(), s.linkMaxDevices());
    }

    public List<DirectoryUser> suggestions(Caller caller, String roomId, String query) {
        managedRoom(caller, roomId);
        if (query == null || query.isBlank()) {
            return List.of();
        }
        return store.suggestUsers(query, 10);
    }

    /**
     * Creates an invitation: two DynamoDB calls (read the room, write the invite). With sendEmail, the invite is
     * written first with its email QUEUED, then the email is sent and its outcome recorded (one more write): an email
     * never points at an invite that was not stored, and a crash between the two leaves a QUEUED email that resend
     * sends. Racing requests with one Idempotency-Key store and email one invite.
     */
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
        int maxDevices = request.maxDevices() == null ? 1 : request.maxDevices();
        if (maxDevices > s.linkMaxDevices()) {
            throw InviteException.invalid("maxDevices", "must be from 1 to " + s.linkMaxDevices()
                    + " (this site's linkMaxDevices)");
        }
        String inviteId = ids.newInviteId(now);
        Instant expiresAt = now.plus(Duration.ofMinutes(s.linkTtlMinutes())).truncatedTo(ChronoUnit.SECONDS);
        Invite invite = Invite.created(inviteId, roomId, request.email(), request.firstName(), request.lastName(),
                request.role(), now, caller.email() != null ? caller.email() : caller.subject(), caller.displayName(),
                expiresAt, maxDevices, request.sendEmail() ? Invite.EmailDelivery.queue(null, now) : null);
        IdempotencyRecord record = key == null ? null
                : new IdempotencyRecord(key.scope(), key.key(), key.requestHash(), roomId, inviteId, now);
        for (int attempt = 0; ; attempt++) {
            CreateResult result = store.createInvite(invite, room, record);
            if (result instanceof CreateResult.Created created) {
                Invite stored = created.invite();
                String link = link(s, stored, now);
                if (!request.sendEmail()) {
                    return new CreatedInvite(stored, link, EmailStatus.NOT_REQUESTED, false);
                }
                return sendAndRecord(stored, room, caller, link, s);
            }
            if (result instanceof CreateResult.KeyUsed used) {
                return replay(used.existing(), key);
            }
            // the room changed since it was read: check the rules against it again
            if (attempt == 3) {
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
            room = requireManagedRoom(caller, store.findRoom(roomId));
            refusal = InviteRules.createRefusal(room, settings.get(), now);
            if (refusal != null) {
                throw createRefused(refusal);
            }
        }
    }

    /**
     * Sends the email of {@code invite}, whose latest attempt is QUEUED (written before sending), and records the
     * outcome in its place; answers the invite as stored after that.
     */
    private CreatedInvite sendAndRecord(Invite invite, Room room, Caller caller, String link, SiteSettings s) {
        EmailGateway.SendOutcome outcome = email.send(invite.email(), s.emailTemplateName(),
                templateData(invite, room, caller, link));
        Invite recorded = recordOutcome(invite, room, outcome, invite.emailDelivery().at());
        // this request's own email, whatever other requests reserved or recorded meanwhile
        return new CreatedInvite(recorded, link, outcome.sent() ? EmailStatus.SENT : EmailStatus.FAILED, false,
                outcome.messageId(), outcome.error());
    }

    /**
     * Records the outcome of the email whose QUEUED attempt is {@code invite}'s latest, in place of that attempt (not of
     * one another request reserved since). Each refused write carries the invite as stored, so a retry costs no read;
     * racing writes each change the invite once, so this settles within as many tries as there are racers.
     */
    Invite recordOutcome(Invite invite, Room room, EmailGateway.SendOutcome outcome, Instant queuedAt) {
        Invite.Attempt attempt = new Invite.Attempt(outcome.sent() ? "SENT" : "FAILED",
                clock.instant().truncatedTo(ChronoUnit.MILLIS), outcome.error());
        Invite current = invite;
        // the outcome is the reserving request's change (its actor), recorded when it is known
        String actor = invite.changedBy();
        Invite next = current.withEmailDelivery(current.emailDelivery().settle(queuedAt, attempt,
                outcome.sent() ? outcome.messageId() : null)).by(actor, attempt.at());
        for (int tries = 0; tries < 50; tries++) {
            InviteStore.Replaced r;
            try {
                r = store.replaceInvite(current, next, room, false);
            } catch (InviteException unavailable) {
                // the email went out: the caller learns its outcome even if the record stays QUEUED
                return next;
            }
            if (r instanceof InviteStore.Replaced.Applied applied) {
                return applied.invite();
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                return next;
            }
            Invite latest = ((InviteStore.Replaced.Changed) r).latest();
            current = latest != null ? latest : store.findInvite(invite.roomId(), invite.inviteId()).orElse(null);
            if (current == null || current.emailDelivery() == null) {
                return next;
            }
            next = current.withEmailDelivery(current.emailDelivery().settle(queuedAt, attempt,
                    outcome.sent() ? outcome.messageId() : null)).by(actor, attempt.at());
            pause(tries);
        }
        // the invite kept changing under us (a burst of resends): the email went out and the answer says so; its
        // record keeps a QUEUED attempt, which counts against the cap like a sent one
        return next;
    }

    /** A short, growing, jittered pause between retries of a write that lost a race. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(50, 2L * (attempt + 1)) + java.util.concurrent.ThreadLocalRandom.current().nextInt(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
     * Emails a pending invitation again (after a failed send, or on request): one read of the room and the invite
     * together, one write that reserves the attempt (so that racing resends can't pass the cap), the email, one write
     * of its outcome.
     */
    public CreatedInvite resend(Caller caller, String roomId, String inviteId) {
        for (int attempt = 0; attempt < 10; attempt++) {
            InviteStore.Loaded loaded = store.load(roomId, inviteId);
            Room room = requireManagedRoom(caller, loaded.room());
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            SiteSettings s = settings.get();
            ErrorCode refusal = InviteRules.createRefusal(room, s, now);
            if (refusal != null) {
                throw createRefused(refusal);
            }
            Invite invite = loaded.invite().orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
            if (invite.status(now) != InviteStatus.PENDING) {
                throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE,
                        "Only a pending invitation can be emailed again; this one is " + invite.status(now).name().toLowerCase(Locale.ROOT)
                                + ". " + (invite.status(now) == InviteStatus.EXPIRED
                                ? "Reissue it to send a new link." : "Create a new invitation instead."));
            }
            if (invite.locked()) {
                // its link can only answer INVITE_LOCKED now: emailing it again would send a dead link
                throw new InviteException(ErrorCode.INVITE_NOT_ACTIVE, "This invitation is locked after "
                        + Invite.MAX_EMAIL_ATTEMPTS + " wrong email addresses, so its link no longer works. Reissue it to send a new link.");
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
            Invite next = invite.withEmailDelivery(Invite.EmailDelivery.queue(invite.emailDelivery(), now))
                    .by(actor(caller), now);
            InviteStore.Replaced r = store.replaceInvite(invite, next, room, false);
            if (r instanceof InviteStore.Replaced.Gone) {
                throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
            }
            if (r instanceof InviteStore.Replaced.Applied) {
                String link = link(s, next, now);
                return sendAndRecord(next, room, caller, link, s);
            }
            // changed meanwhile (another resend, a redeem): read again and decide again
            pause(attempt);
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    /** A page of the room's invites; {@code cursor} is the previous page's {@code nextCursor}. */
    public InvitePage list(Caller caller, String roomId, InviteStatus status, int limit, String cursor) {
        managedRoom(caller, roomId);
        String listing = status == null ? "ALL" : status.name();
        String after = cursor == null || cursor.isEmpty() ? null : links.openCursor(cursor, listing, roomId);
        InviteStore.Page page = store.listInvites(roomId, status, limit, after, clock.instant());
        String next = page.lastInviteId() == null ? null : links.sealCursor(listing, roomId, page.lastInviteId());
        return new InvitePage(page.invites(), next, page.searchLimitReached());
    }

    /** Who did what to the invite, oldest first (its lifecycle events, kept as long as the invite); managers only. */
    public List<io.roominvites.events.HistoryEntry> history(Caller caller, String roomId, String inviteId) {
        InviteStore.Loaded loaded = store.load(roomId, inviteId);
        requireManagedRoom(caller, loaded.room());
        if (loaded.invite().isEmpty()) {
            throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
        }
        return store.history(roomId, inviteId);
    }

    /** Revokes an invitation; revoking again is not an error. */
    public Invite revoke(Caller caller, String roomId, String inviteId) {
        return change(caller, roomId, inviteId, false, (invite, room, now) -> {
            if (invite.storedStatus() == InviteStatus.REVOKED) {
                return invite;
            }
            return invite.revoked(now);
        }).after();
    }

    /** Raises an invitee's role; the invitee sees it on the next redeem from their device (a refresh). */
    public Promotion promote(Caller caller, String roomId, String inviteId, Role role) {
        Changed changed = change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode code = InviteRules.promotionRefusal(invite, room, role, now);
            if (code == ErrorCode.ROLE_NOT_HIGHER) {
                throw new InviteException(code, "The invitee is already a " + invite.role().label()
                        + ". An invitee can only be promoted to a higher role.");
            }
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.status(now) == InviteStatus.REVOKED
                        ? "This invitation was revoked, so its role can't be changed. Create a new invitation instead."
                        : invite.locked()
                        ? "This invitation is locked after " + Invite.MAX_EMAIL_ATTEMPTS
                        + " wrong email addresses, so its role can't be changed. Reissue it first."
                        : "This invitation's link expired before it was used, so its role can't be changed. Reissue it first.");
            }
            if (code == ErrorCode.SESSION_ENDED) {
                throw new InviteException(code, "This session is over, so the invitee's role can no longer be changed.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            return invite.withRole(role, now);
        });
        return new Promotion(changed.after(), changed.before().role());
    }

    /**
     * A new link for the same invite, role and history, expiring linkTtlMinutes from now; every earlier link answers
     * LINK_REPLACED at once; the wrong-email count and lock are cleared. Emailed when asked (then like create: the
     * new link is stored first).
     */
    public CreatedInvite reissue(Caller caller, String roomId, String inviteId, boolean sendEmail) {
        SiteSettings s = settings.get();
        if (sendEmail && !sendEmailAvailable(s)) {
            throw new InviteException(ErrorCode.EMAIL_TEMPLATE_NOT_CONFIGURED);
        }
        if (s.linkBaseUrl() == null) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitations are not set up on this site yet: an administrator must set the link base URL.");
        }
        Changed changed = change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode refusal = InviteRules.createRefusal(room, s, now);
            if (refusal != null) {
                throw createRefused(refusal);
            }
            ErrorCode code = InviteRules.reissueRefusal(invite, room, now);
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.storedStatus() == InviteStatus.REVOKED
                        ? "This invitation was revoked, so it can't get a new link. Create a new invitation instead."
                        : "This invitation was already used on a device, so it can't get a new link. Release its device instead.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            if (s.isBlocked(invite.email())) {
                throw new InviteException(ErrorCode.DOMAIN_BLOCKED);
            }
            if (sendEmail && invite.emailDelivery() != null && invite.emailDelivery().attempts() >= Invite.MAX_EMAIL_SENDS) {
                throw new InviteException(ErrorCode.RATE_LIMITED, "This invitation was already emailed "
                        + Invite.MAX_EMAIL_SENDS + " times. Reissue it without email and share the new link yourself.");
            }
            return invite.reissued(now.plus(Duration.ofMinutes(s.linkTtlMinutes())).truncatedTo(ChronoUnit.SECONDS),
                    sendEmail ? Invite.EmailDelivery.queue(invite.emailDelivery(), now) : invite.emailDelivery());
        });
        Invite invite = changed.after();
        Instant now = clock.instant();
        String link = link(s, invite, now);
        if (!sendEmail) {
            return new CreatedInvite(invite, link, EmailStatus.NOT_REQUESTED, false);
        }
        return sendAndRecord(invite, changed.room(), caller, link, s);
    }

    /**
     * Frees every device bound to a redeemed invite: the invitee may join again from a new device with the same link
     * (proving the invited email) until the session ends, even past the link's expiry.
     */
    public Invite releaseDevices(Caller caller, String roomId, String inviteId) {
        return change(caller, roomId, inviteId, true, (invite, room, now) -> {
            ErrorCode code = InviteRules.releaseRefusal(invite, room, now);
            if (code == ErrorCode.INVITE_NOT_ACTIVE) {
                throw new InviteException(code, invite.storedStatus() == InviteStatus.REVOKED
                        ? "This invitation was revoked, so its devices can't be released. Create a new invitation instead."
                        : "No device holds this invitation now, so there is nothing to release.");
            }
            if (code == ErrorCode.SESSION_ENDED) {
                throw new InviteException(code, "This session is over, so the invitation's devices can no longer be released.");
            }
            if (code != null) {
                throw new InviteException(code);
            }
            return invite.devicesReleased(now);
        }).after();
    }

    /** A manager's change of one invite, decided on the invite and room as read (it may refuse by throwing). */
    @FunctionalInterface
    private interface InviteChange {
        Invite apply(Invite invite, Room room, Instant now);
    }

    private record Changed(Invite before, Invite after, Room room) {
    }

    /**
     * Reads the invite with its room (one call), checks the caller manages the room, decides the change, and writes
     * it only if neither changed since (one conditional write; the room's version is checked when {@code roomGate});
     * on a change meanwhile, reads and decides again. A change that leaves the invite as it is writes nothing.
     */
    private Changed change(Caller caller, String roomId, String inviteId, boolean roomGate, InviteChange change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            InviteStore.Loaded loaded = store.load(roomId, inviteId);
            Room room = requireManagedRoom(caller, loaded.room());
            Invite invite = loaded.invite().orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND));
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Invite next = change.apply(invite, room, now);
            if (next == invite) {
                return new Changed(invite, invite, room);
            }
            next = next.by(actor(caller), now);
            InviteStore.Replaced r = store.replaceInvite(invite, next, room, roomGate);
            if (r instanceof InviteStore.Replaced.Applied) {
                return new Changed(invite, next, room);
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                throw new InviteException(ErrorCode.INVITE_NOT_FOUND);
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    /** A create or resend refused by {@link InviteRules#createRefusal}, in the manager's terms. */
    static InviteException createRefused(ErrorCode code) {
        if (code == ErrorCode.SESSION_ENDED) {
            return new InviteException(code, "This session is over, so no more invitations can be created or sent for it.");
        }
        return new InviteException(code);
    }

    // ------------------------------------------------------------------ invitees

    /** What the link shows before anything happens. One read (the invite and its room together); changes nothing, ever. */
    public Preview preview(String token, String deviceId, Caller caller) {
        SiteSettings s = requireEnabled();
        InviteRef ref = InviteRef.of(links.verify(token));
        Instant now = clock.instant();
        InviteStore.Loaded loaded = store.load(ref.roomId(), ref.inviteId());
        Room room = loaded.room().orElse(null);
        Invite invite = loaded.invite().orElseThrow(() -> missing(ref, room, now));
        entries.remember(ref, loaded);
        List<String> proven = caller != null && caller.email() != null ? List.of(caller.email()) : List.of();
        ErrorCode code = InviteRules.entryRefusal(invite, room, ref.linkVersion(), deviceId, proven, s, now);
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
            throw refusal(code, room);
        }
        return new Preview(room.state(now), next, Room.secondsUntil(room.startsAt(), now), invite, room);
    }

    /**
     * Redeems the link on a device. The decision is made on the invite and its room as last read by this container
     * (a preview reads them), and written as one transaction that also checks that neither changed since: one
     * DynamoDB call when this container read them before, two (a read, then the write) when it did not. The first
     * success binds the device; a bound device may come back for a fresh token carrying the current role.
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
        InviteStore.Loaded snapshot = entries.recall(ref);
        boolean fresh = snapshot == null;
        if (fresh) {
            snapshot = store.load(ref.roomId(), ref.inviteId());
        }
        for (int attempt = 0; attempt < 6; attempt++) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Room room = snapshot.room().orElse(null);
            Invite invite = snapshot.invite().orElse(null);
            ErrorCode code = invite == null ? null
                    : InviteRules.entryRefusal(invite, room, ref.linkVersion(), deviceId, proven, s, now);
            if (invite == null || code != null) {
                if (!fresh) {
                    // decided on what this container read earlier: a refusal is only told on state read now
                    snapshot = store.load(ref.roomId(), ref.inviteId());
                    fresh = true;
                    continue;
                }
                entries.forget(ref);
                if (invite == null) {
                    throw missing(ref, room, now);
                }
                throw failedEntry(code, invite, room, typed, ref, now);
            }
            Invite next = invite.enteredBy(deviceId, now).by(null, now);
            InviteStore.Replaced r = store.replaceInvite(invite, next, room, true);
            if (r instanceof InviteStore.Replaced.Applied) {
                entries.remember(ref, new InviteStore.Loaded(snapshot.room(), java.util.Optional.of(next)));
                return grant(next, room, deviceId, now);
            }
            if (r instanceof InviteStore.Replaced.Changed changed && changed.latest() != null
                    && changed.room() == InviteStore.RoomCheck.UNCHANGED) {
                Invite latest = changed.latest();
                if (latest.boundTo(deviceId)
                        && InviteRules.entryRefusal(latest, room, ref.linkVersion(), deviceId, proven, s, now) == null) {
                    // this device entered concurrently (the same request sent twice, a double click): it holds the
                    // invite as committed, and the room was unchanged when that was read: one entry serves both
                    entries.remember(ref, new InviteStore.Loaded(snapshot.room(), java.util.Optional.of(latest)));
                    return grant(latest, room, deviceId, now);
                }
                snapshot = new InviteStore.Loaded(snapshot.room(), java.util.Optional.of(latest));
            } else {
                snapshot = store.load(ref.roomId(), ref.inviteId());
            }
            fresh = true;
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private InviteException failedEntry(ErrorCode code, Invite current, Room room, String typed, InviteRef ref, Instant now) {
        if (code == ErrorCode.EMAIL_MISMATCH && (typed == null || typed.equals(current.email()))) {
            // signed in as someone else and typed nothing: that is the lobby, not a wrong answer
            return new InviteException(ErrorCode.EMAIL_REQUIRED);
        }
        if (code != ErrorCode.EMAIL_MISMATCH) {
            return refusal(code, room);
        }
        Invite invite = current;
        for (int attempt = 0; attempt < 5; attempt++) {
            Invite counted = invite.withWrongEmail().by(null, now);
            InviteStore.Replaced r = store.replaceInvite(invite, counted, room, false);
            if (r instanceof InviteStore.Replaced.Applied) {
                int left = Math.max(0, Invite.MAX_EMAIL_ATTEMPTS - counted.failedEmailAttempts());
                String message = left == 0
                        ? "That email address does not match the invitation, and it was the last attempt: the invitation is now locked. Ask the room manager for a new link."
                        : "That email address does not match the invitation. Enter the address that received the invitation ("
                        + left + (left == 1 ? " attempt" : " attempts") + " left).";
                return new InviteException(ErrorCode.EMAIL_MISMATCH, message, List.of(), Map.of("attemptsLeft", left));
            }
            if (r instanceof InviteStore.Replaced.Gone) {
                return missing(ref, room, now);
            }
            // changed meanwhile (redeemed, revoked, locked, another wrong email): decide again on what is stored
            Invite latest = ((InviteStore.Replaced.Changed) r).latest();
            if (latest == null) {
                InviteStore.Loaded reread = store.load(ref.roomId(), ref.inviteId());
                room = reread.room().orElse(null);
                latest = reread.invite().orElse(null);
                if (latest == null) {
                    return missing(ref, room, now);
                }
            }
            ErrorCode again = InviteRules.entryRefusal(latest, room, ref.linkVersion(), null, List.of(typed),
                    settings.get(), now);
            if (again != ErrorCode.EMAIL_MISMATCH) {
                return again == null ? new InviteException(ErrorCode.INVITE_LOCKED) : refusal(again, room);
            }
            invite = latest;
        }
        return new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private static InviteException refusal(ErrorCode code, Room room) {
        if (code == ErrorCode.SESSION_NOT_STARTED) {
            return new InviteException(code, code.defaultMessage(), List.of(),
                    Map.of("startsAt", room.startsAt().toString()));
        }
        return new InviteException(code);
    }

    private Redemption grant(Invite invite, Room room, String deviceId, Instant now) {
        Instant expiresAt = now.plus(accessTokenTtl);
        if (room.endsAt().isBefore(expiresAt)) {
            expiresAt = room.endsAt();
        }
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        if (!expiresAt.isAfter(now)) {
            // the room ends within this (fractional) second: no token can expire later than now and no later than the end
            throw new InviteException(ErrorCode.SESSION_ENDED);
        }
        String token = access.issue(new AccessGrant(invite.email(), invite.roomId(), invite.role().name(),
                invite.role().permissionIds(), invite.inviteId(), deviceId, now, expiresAt));
        return new Redemption(token, expiresAt, invite, room);
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

    /**
     * A verified link whose invite is gone. Its room gone too: the room was retired, long after its session ended
     * (docs/lifetimes.md), so the session is over. A deleted room keeps its tombstone (read with the invite) until every
     * link it had has expired, so that its links say ROOM_DELETED. A room that is still there lost the invite to an
     * erasure or never had it: the link is expired, or not one of ours.
     */
    private static InviteException missing(InviteRef ref, Room room, Instant now) {
        if (room == null) {
            return new InviteException(ErrorCode.SESSION_ENDED);
        }
        if (room.deleted()) {
            return new InviteException(ErrorCode.ROOM_DELETED);
        }
        return new InviteException(now.isBefore(ref.expiresAt()) ? ErrorCode.LINK_INVALID : ErrorCode.LINK_EXPIRED);
    }

    /** Who a manager's change is recorded as made by (in the item, for the lifecycle events): email, else subject. */
    private static String actor(Caller caller) {
        return caller.email() != null ? caller.email() : caller.subject();
    }

    private Room managedRoom(Caller caller, String roomId) {
        return requireManagedRoom(caller, store.findRoom(roomId));
    }

    static Room requireManagedRoom(Caller caller, Optional<Room> found) {
        Room room = found.orElseThrow(() -> new InviteException(ErrorCode.ROOM_NOT_FOUND));
        if (room.deleted()) {
            throw new InviteException(ErrorCode.ROOM_DELETED);
        }
        if (!room.isManager(caller.email())) {
            throw new InviteException(ErrorCode.NOT_ROOM_MANAGER);
        }
        return room;
    }

    boolean sendEmailAvailable(SiteSettings s) {
        return s.emailTemplateName() != null && email.templateExists(s.emailTemplateName());
    }

    String link(SiteSettings s, Invite invite, Instant now) {
        String token = links.issue(invite.roomId() + InviteRef.SEPARATOR + invite.inviteId(), invite.linkVersion(),
                invite.expiresAt(), now.isAfter(invite.expiresAt()) ? invite.expiresAt() : now);
        return s.linkBaseUrl() + "#invite=" + token;
    }

    /** The data every invitation email passes to the template: part of the contract. */
    static Map<String, Object> templateData(Invite invite, Room room, Caller inviter, String link) {
        return templateData(invite, room, inviter.displayName(), link);
    }

    /** {@link #templateData(Invite, Room, Caller, String)} with the inviter's name as stored on the invite. */
    static Map<String, Object> templateData(Invite invite, Room room, String inviterName, String link) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("firstName", invite.firstName());
        data.put("lastName", invite.lastName());
        data.put("roomTitle", room.title());
        data.put("roomDescription", room.description());
        data.put("startsAt", room.startsAt().toString());
        data.put("startsAtText", READABLE.format(room.startsAt()));
        data.put("roleLabel", invite.role().label());
        data.put("permissions", invite.role().permissionLabels());
        data.put("inviterName", inviterName);
        data.put("expiresAt", invite.expiresAt().toString());
        data.put("expiresAtText", READABLE.format(invite.expiresAt()));
        data.put("inviteLink", link);
        return data;
    }

    // ------------------------------------------------------------------ values

    /** What a manager asks for; already validated and normalised. */
    public record NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail,
                            Integer maxDevices) {
        public NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail) {
            this(email, firstName, lastName, role, sendEmail, null);
        }

        /** A stable hash of the request, to tell a replay from a different request under the same key. */
        public String fingerprint() {
            String canonical = String.join("\n", email, firstName, lastName, role.name(), Boolean.toString(sendEmail))
                    + (maxDevices == null ? "" : "\n" + maxDevices);
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record InviteOptions(boolean canInvite, List<ErrorCode> reasons, boolean sendEmailAvailable,
                                int linkTtlMinutes, int linkMaxDevices) {
    }

    /** A page of invites and the sealed cursor of the next one (null at the end); see {@link InviteStore.Page}. */
    public record InvitePage(List<Invite> invites, String nextCursor, boolean searchLimitReached) {
    }

    public enum EmailStatus {
        NOT_REQUESTED, QUEUED, SENT, FAILED;

        static EmailStatus of(String deliveryStatus) {
            return "SENT".equals(deliveryStatus) ? SENT : Invite.QUEUED.equals(deliveryStatus) ? QUEUED : FAILED;
        }
    }

    /**
     * A created (or reissued, resent) invite, its link, and this request's email: its status, and the provider's
     * message id or the reason it failed (for a replay, the invite's latest attempt's).
     */
    public record CreatedInvite(Invite invite, String link, EmailStatus emailStatus, boolean replayed,
                                String emailMessageId, String emailError) {
        public CreatedInvite(Invite invite, String link, EmailStatus emailStatus, boolean replayed) {
            this(invite, link, emailStatus, replayed,
                    emailStatus == EmailStatus.NOT_REQUESTED || invite.emailDelivery() == null ? null : invite.emailDelivery().messageId(),
                    emailStatus == EmailStatus.NOT_REQUESTED || invite.emailDelivery() == null ? null : invite.emailDelivery().error());
        }
    }

    public record Promotion(Invite invite, Role previousRole) {
    }

    public enum Next {
        WAIT, ENTER, LOBBY
    }

    public record Preview(SessionState state, Next next, long secondsUntilStart, Invite invite, Room room) {
    }

    public record Redemption(String accessToken, Instant expiresAt, Invite invite, Room room) {
    }

    /** The invite a link points at: {@code roomId:inviteId} in the token's {@code inv} claim. */
    record InviteRef(String roomId, String inviteId, int linkVersion, Instant expiresAt) {
        static final String SEPARATOR = ":";

        static InviteRef of(LinkClaims claims) {
            String value = claims.inviteId();
            int sep = value.indexOf(SEPARATOR);
            if (sep <= 0 || sep == value.length() - 1) {
                throw new InviteException(ErrorCode.LINK_INVALID);
            }
            return new InviteRef(value.substring(0, sep), value.substring(sep + 1), claims.linkVersion(), claims.expiresAt());
        }
    }
}
