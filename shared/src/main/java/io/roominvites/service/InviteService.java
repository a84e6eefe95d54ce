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
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import io.roominvites.tokens.AccessTokens;
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
 * The managers' invite use cases: options, suggestions, create (its rules in {@link CreatePolicy}), resend and the
 * email's outcome, list, history. A manager's changes are {@link InviteChanges}, the invitee's entry
 * {@link InviteeEntry}. Plain Java over the {@link InviteStore} port; every time comes from the injected {@link Clock}.
 *
 * <p>Why over 400 lines: create and resend each carry their loop over the store's outcomes (created, key used, room
 * changed, ledgers changed; applied, changed, gone) with the send limits and the email's reservation, and the email's
 * outcome is recorded here for both (and for bulk and the queue); the next split, when it grows, is resend with
 * {@link #sendAndRecord} and {@link #recordOutcome} into a use case of its own.
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
    private final io.roominvites.calendar.CalendarWriter calendar;
    final SendLimiter limiter;

    public InviteService(InviteStore store, SettingsCache settings, LinkTokens links, AccessTokens access,
                         EmailGateway email, Clock clock, Ids ids, Duration accessTokenTtl) {
        this(store, settings, links, access, email, clock, ids, accessTokenTtl, null);
    }

    /** @param calendar writes the invitation email's {@code invite.ics}; null sends it without */
    public InviteService(InviteStore store, SettingsCache settings, LinkTokens links, AccessTokens access,
                         EmailGateway email, Clock clock, Ids ids, Duration accessTokenTtl,
                         io.roominvites.calendar.CalendarWriter calendar) {
        this.calendar = calendar;
        this.store = store;
        this.settings = settings;
        this.limiter = new SendLimiter(store);
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
        return new InviteOptions(reasons.isEmpty(), reasons, sendEmailAvailable(s), s.linkTtlMinutes(), s.linkMaxDevices(),
                room, s.defaultLocale(), s.locales());
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
        List<String> ledgerKeys = limiter.keys(caller, roomId);
        IdempotencyRecord keyRead = key;
        InviteStore.CreateContext context = KeyedAnswers.beforeKeyKnown(() -> store.loadForCreate(roomId, keyRead, ledgerKeys),
                key != null, "created this invitation", "it answers that invitation if there is one, else creates it");
        Room room = requireManagedRoom(caller, context.room());
        if (context.earlierUse() != null) {
            return replay(context.earlierUse(), key);
        }
        SiteSettings s = settings.get();
        CreatePolicy.checkRoom(room, s, now);
        InviteException blocked = CreatePolicy.blocked(request.email(), s);
        if (blocked != null) {
            throw blocked;
        }
        CreatePolicy.checkSetup(s, request.sendEmail(), request.sendEmail() && sendEmailAvailable(s));
        InviteException tooMany = CreatePolicy.tooManyDevices(request, s);
        if (tooMany != null) {
            throw tooMany;
        }
        InviteException notOffered = CreatePolicy.localeNotOffered(request, s);
        if (notOffered != null) {
            throw notOffered;
        }
        // the send limits: decided on the ledgers read with the room, booked in the invite's own transaction
        SendLimiter.Decision sends = limiter.decide(context.ledgers(), 1, true, s.sendLimits(), now);
        if (sends.outcome().booked() == 0) {
            throw sends.outcome().refusal();
        }
        String inviteId = ids.newInviteId(now);
        Invite invite = CreatePolicy.newInvite(inviteId, roomId, request, caller, now, CreatePolicy.expiresAt(s, now),
                request.sendEmail(), s);
        IdempotencyRecord record = key == null ? null
                : new IdempotencyRecord(key.scope(), key.key(), key.requestHash(), roomId, inviteId, now);
        for (int attempt = 0, raced = 0; ; attempt++) {
            CreateResult result = store.createInvite(invite, room, record, sends.write());
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
            if (result instanceof CreateResult.LedgersChanged) {
                // another send was booked meanwhile: decide again on the ledgers as they are now
                if (++raced >= SendLimiter.attempts()) {
                    throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
                }
                pause(raced);
                sends = limiter.decide(store.loadLedgers(ledgerKeys), 1, true, settings.get().sendLimits(), now);
                if (sends.outcome().booked() == 0) {
                    throw sends.outcome().refusal();
                }
                attempt--;
                continue;
            }
            // the room changed since it was read: check the rules against it again
            if (attempt == 3) {
                throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
            }
            room = CreatePolicy.roomAgain(store, settings.get(), caller, roomId, now);
        }
    }

    /**
     * Sends the email of {@code invite}, whose latest attempt is QUEUED (written before sending), and records the
     * outcome in its place; answers the invite as stored after that.
     */
    CreatedInvite sendAndRecord(Invite invite, Room room, Caller caller, String link, SiteSettings s) {
        String locale = localeOf(invite, s);
        EmailGateway.SendOutcome outcome = email.send(invite.email(), invitationTemplate(s, locale),
                templateData(invite, room, caller.displayName(), link, accessCode(invite), locale),
                attachments(invite, room, link));
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
    static void pause(int attempt) {
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
        Invite invite = KeyedAnswers.afterKeyFound(() -> store.findInvite(earlier.roomId(), earlier.inviteId())
                .orElseThrow(() -> new InviteException(ErrorCode.INVITE_NOT_FOUND,
                        "The invitation created with this Idempotency-Key no longer exists. Use a new key.")));
        SiteSettings s = KeyedAnswers.afterKeyFound(settings::get);
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
            if (invite.erased()) {
                throw erasedInvite();
            }
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
            if (invite.emailDelivery() != null && invite.emailDelivery().at() != null) {
                Instant calm = invite.emailDelivery().at().plusSeconds(s.sendLimits().resendCooldownSeconds());
                if (now.isBefore(calm)) {
                    throw SendLimiter.coolingDown(Duration.between(now, calm), s.sendLimits().resendCooldownSeconds());
                }
            }
            SendLimiter.Booking booking = limiter.book(caller, roomId, 1, true, s.sendLimits(), now);
            if (booking.booked() == 0) {
                throw booking.refusal();
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

    /** A create or resend refused by {@link InviteRules#createRefusal}, in the manager's terms. */
    static InviteException createRefused(ErrorCode code) {
        return CreatePolicy.refused(code);
    }

    // ------------------------------------------------------------------ helpers

    private static String actor(Caller caller) {
        return CreatePolicy.actor(caller);
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

    /** The invite's language: its own, or the site's default for an invite made before invites had one. */
    static String localeOf(Invite invite, SiteSettings s) {
        return invite.localeOr(s.defaultLocale());
    }

    /** The invitation template for {@code locale} ({@link EmailLanguage#template}). */
    String invitationTemplate(SiteSettings s, String locale) {
        return EmailLanguage.template(email, s.emailTemplateName(), locale);
    }

    boolean sendEmailAvailable(SiteSettings s) {
        return s.emailTemplateName() != null && email.templateExists(s.emailTemplateName());
    }

    String link(SiteSettings s, Invite invite, Instant now) {
        String token = links.issue(invite.roomId() + InviteeEntry.InviteRef.SEPARATOR + invite.inviteId(), invite.linkVersion(),
                invite.expiresAt(), now.isAfter(invite.expiresAt()) ? invite.expiresAt() : now);
        return s.linkBaseUrl() + "#invite=" + token;
    }

    /** The invitation email's files: its {@code invite.ics} (none where no calendar writer is deployed). */
    public java.util.List<EmailGateway.Attachment> attachments(Invite invite, Room room, String link) {
        return InviteCalendar.attachment(calendar, invite, room, link, clock.instant().truncatedTo(ChronoUnit.SECONDS),
                email.senderAddress());
    }

    /** The access code of the invite's current link, {@code XXXX-XXXX} (derived, never stored: {@code AccessCodes}). */
    public String accessCode(Invite invite) {
        return links.accessCode(invite.inviteId(), invite.linkVersion());
    }

    /**
     * The data every invitation email passes to the template (the inviter's name as stored on the invite), in
     * {@code locale} (the invite's, else the site's default: {@link #localeOf}).
     */
    static Map<String, Object> templateData(Invite invite, Room room, String inviterName, String link, String accessCode,
                                            String locale) {
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
        data.put("accessCode", accessCode);
        EmailLanguage.addTo(data, invite, room, locale);
        return data;
    }

    // ------------------------------------------------------------------ values

    /** What a manager asks for; already validated and normalised. */
    public record NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail,
                            Integer maxDevices, String locale) {
        public NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail) {
            this(email, firstName, lastName, role, sendEmail, null, null);
        }

        public NewInvite(String email, String firstName, String lastName, Role role, boolean sendEmail,
                         Integer maxDevices) {
            this(email, firstName, lastName, role, sendEmail, maxDevices, null);
        }

        /** A stable hash of the request, to tell a replay from a different request under the same key. */
        public String fingerprint() {
            String canonical = String.join("\n", email, firstName, lastName, role.name(), Boolean.toString(sendEmail))
                    + (maxDevices == null ? "" : "\n" + maxDevices) + (locale == null ? "" : "\nlocale=" + locale);
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What the "Invite users" window needs, and the room it is for (its title and times, to name and watch it). */
    public record InviteOptions(boolean canInvite, List<ErrorCode> reasons, boolean sendEmailAvailable,
                                int linkTtlMinutes, int linkMaxDevices, Room room, String defaultLocale,
                                List<String> locales) {
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


    /** INVITE_NOT_ACTIVE for an invite whose invitee's data was erased: nothing can be done with it any more. */
    static InviteException erasedInvite() {
        return new InviteException(ErrorCode.INVITE_NOT_ACTIVE,
                "This invitee's data was erased at their request, so this invitation can't be used or changed. Create a new invitation if they ask to join again.");
    }
}
