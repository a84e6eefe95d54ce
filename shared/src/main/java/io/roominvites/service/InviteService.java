package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.DirectoryUser;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SessionState;
import io.roominvites.domain.SiteSettings;
import io.roominvites.email.EmailGateway;
import io.roominvites.store.InviteStore;
import io.roominvites.store.InviteRecords.CreateResult;
import io.roominvites.store.IdempotencyStore.IdempotencyRecord;
import io.roominvites.tokens.LinkTokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The managers' invite use cases: options, suggestions, create (its rules in {@link CreatePolicy}), list, history. The
 * invitation email (its link, the send and its recorded outcome) and resend are {@link InvitationEmails}, a manager's
 * changes {@link InviteChanges}, the invitee's entry {@link InviteeEntry}. Plain Java over the {@link InviteStore} port;
 * every time comes from the injected {@link Clock}.
 */
public final class InviteService {
    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final Clock clock;
    private final Ids ids;
    final SendLimiter limiter;
    private final InvitationEmails emails;

    public InviteService(InviteStore store, SettingsCache settings, LinkTokens links, EmailGateway email, Clock clock,
                         Ids ids) {
        this(store, settings, links, email, clock, ids, null);
    }

    /** @param calendar writes the invitation email's {@code invite.ics}; null sends it without */
    public InviteService(InviteStore store, SettingsCache settings, LinkTokens links, EmailGateway email, Clock clock,
                         Ids ids, io.roominvites.calendar.CalendarWriter calendar) {
        this.store = store;
        this.settings = settings;
        this.limiter = new SendLimiter(store);
        this.emails = new InvitationEmails(store, settings, links, email, clock, calendar, limiter);
        this.links = links;
        this.clock = clock;
        this.ids = ids;
    }

    /** The invitation email and resend: built here so that a resend books against the same send limits as a create. */
    public InvitationEmails emails() {
        return emails;
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
        return new InviteOptions(reasons.isEmpty(), reasons, emails.sendEmailAvailable(s), s.linkTtlMinutes(), s.linkMaxDevices(),
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
        CreatePolicy.checkSetup(s, request.sendEmail(), request.sendEmail() && emails.sendEmailAvailable(s));
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
                String link = emails.link(s, stored, now);
                if (!request.sendEmail()) {
                    return new CreatedInvite(stored, link, EmailStatus.NOT_REQUESTED, false);
                }
                return emails.sendAndRecord(stored, room, caller, link, s);
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
        return new CreatedInvite(invite, emails.link(s, invite, clock.instant()),
                invite.emailDelivery() == null ? EmailStatus.NOT_REQUESTED : EmailStatus.of(invite.emailDelivery().status()), true);
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

    // ------------------------------------------------------------------ helpers

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
