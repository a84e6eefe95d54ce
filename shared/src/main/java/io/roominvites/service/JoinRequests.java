package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.JoinRequest;
import io.roominvites.domain.Lifetimes;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.domain.SendLedger;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.InviteStore;
import io.roominvites.store.JoinRequestStore;
import io.roominvites.store.SendQuotaStore.Stored;
import io.roominvites.tokens.LinkClaims;
import io.roominvites.tokens.LinkTokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Requests to join: someone whose link was refused for a reason that is not theirs to fix (expired, used on another
 * device, locked, replaced; a guest link used up) asks the room's managers with that link's token, so nobody can ask
 * to join a room they were never sent a link to. One request per email and room is pending at a time (the same ask
 * again answers the same request); managers admit it (a fresh invite for that email, emailed if asked) or decline it,
 * once; the requester's page asks how it was answered and, when admitted, gets the new link.
 */
public final class JoinRequests {
    /** Requests one caller (by address) may make in 24 h. */
    public static final int PER_CALLER_PER_DAY = 20;

    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final GuestLinks guests;
    private final InviteService invites;
    private final InviteChanges changes;
    private final Clock clock;
    private final Ids ids;

    public JoinRequests(InviteStore store, SettingsCache settings, LinkTokens links, GuestLinks guests,
                        InviteService invites, InviteChanges changes, Clock clock, Ids ids) {
        this.store = store;
        this.settings = settings;
        this.links = links;
        this.guests = guests;
        this.invites = invites;
        this.changes = changes;
        this.clock = clock;
        this.ids = ids;
    }

    /** What a token refused for the request stands for. */
    private record Refused(Room room, ErrorCode reason, Invite invite, String guestLinkId) {
    }

    // ------------------------------------------------------------------ the requester

    /** Asks to be let in with a refused link's token; answers the pending request's id (an earlier one's if any). */
    public String ask(String token, String email, String message, String deviceId, String callerAddress) {
        SiteSettings s = requireEnabled();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        bookCaller(callerAddress, now);
        Refused refused = refusedLink(token, email, deviceId, s, now);
        InviteException blocked = CreatePolicy.blocked(email, s);
        if (blocked != null) {
            throw blocked;
        }
        Invite inv = refused.invite();
        String firstName = inv != null && email.equals(inv.email()) ? inv.firstName() : null;
        JoinRequest request = new JoinRequest(ids.newInviteId(now), refused.room().roomId(), email, firstName, message,
                refused.reason().name(), inv == null ? null : inv.inviteId(), refused.guestLinkId(),
                inv == null ? 0 : inv.rev(), now, JoinRequest.Status.PENDING, null, null, null);
        return store.addJoinRequest(request, Lifetimes.roomRetiresAt(refused.room().endsAt(), now));
    }

    private Refused refusedLink(String token, String email, String deviceId, SiteSettings s, Instant now) {
        LinkClaims claims;
        try {
            claims = links.verify(token);
        } catch (InviteException notAnInviteLink) {
            GuestLinks.Resolved r = guests.resolve(token); // LINK_INVALID when it is neither
            ErrorCode code = guests.refusalOf(r, deviceId, now);
            return askable(code, new Refused(r.room(), code, null, r.link().guestLinkId()));
        }
        InviteeEntry.InviteRef ref = InviteeEntry.InviteRef.of(claims);
        InviteStore.Loaded loaded = store.load(ref.roomId(), ref.inviteId());
        Room room = loaded.room().orElse(null);
        Invite invite = loaded.invite().orElse(null);
        if (invite == null) {
            if (room != null && room.deleted()) {
                throw new InviteException(ErrorCode.ROOM_DELETED);
            }
            throw new InviteException(now.isBefore(ref.expiresAt()) ? ErrorCode.LINK_INVALID : ErrorCode.LINK_EXPIRED);
        }
        ErrorCode code = InviteRules.entryRefusal(invite, room, ref.linkVersion(), deviceId, List.of(email), s, now);
        if (code == ErrorCode.EMAIL_MISMATCH && !invite.hasFreeDevice()) {
            code = ErrorCode.LINK_ALREADY_USED;
        }
        return askable(code, new Refused(room, code, invite, null));
    }

    /** The refusal when it is one a request may be made from; else the answer that the link gets (or NOT_NEEDED). */
    private static Refused askable(ErrorCode code, Refused r) {
        if (code != null && JoinRequest.ASKABLE.contains(code)) {
            return r;
        }
        if (code == null || code == ErrorCode.SESSION_NOT_STARTED || code == ErrorCode.EMAIL_REQUIRED
                || code == ErrorCode.EMAIL_MISMATCH) {
            throw new InviteException(ErrorCode.JOIN_REQUEST_NOT_NEEDED);
        }
        throw new InviteException(code);
    }

    /** How the request was answered, for the requester who made it with {@code token}; the new link when admitted. */
    public Answer answer(String token, String joinRequestId) {
        requireEnabled();
        String roomId;
        String inviteId = null;
        String guestLinkId = null;
        try {
            InviteeEntry.InviteRef ref = InviteeEntry.InviteRef.of(links.verify(token));
            roomId = ref.roomId();
            inviteId = ref.inviteId();
        } catch (InviteException notAnInviteLink) {
            LinkTokens.GuestRef guest = links.verifyGuest(token);
            roomId = guest.roomId();
            guestLinkId = guest.guestLinkId();
        }
        JoinRequest r = store.findJoinRequest(roomId, joinRequestId).orElse(null);
        if (r == null || !(java.util.Objects.equals(inviteId, r.inviteId()) && java.util.Objects.equals(guestLinkId, r.guestLinkId()))) {
            // a request made with another link is not this token's to read
            throw new InviteException(ErrorCode.JOIN_REQUEST_NOT_FOUND);
        }
        String link = null;
        if (r.status() == JoinRequest.Status.ADMITTED && r.admittedInviteId() != null) {
            Invite admitted = store.findInvite(roomId, r.admittedInviteId()).orElse(null);
            if (admitted != null && !admitted.erased()) {
                Instant now = clock.instant();
                link = links.issue(roomId + InviteeEntry.InviteRef.SEPARATOR + admitted.inviteId(), admitted.linkVersion(),
                        admitted.expiresAt(), now.isAfter(admitted.expiresAt()) ? admitted.expiresAt() : now);
            }
        }
        return new Answer(r, link);
    }

    /** A request as its requester sees it: its status and, once admitted, the new link's token. */
    public record Answer(JoinRequest request, String token) {
    }

    // ------------------------------------------------------------------ managers

    public record Page(List<JoinRequest> requests, String nextCursor) {
    }

    public Page list(Caller caller, String roomId, JoinRequest.Status status, int limit, String cursor) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        String listing = "JOIN-" + (status == null ? "ALL" : status.name());
        String after = cursor == null || cursor.isEmpty() ? null : links.openCursor(cursor, listing, roomId);
        JoinRequestStore.JoinPage page = store.joinRequests(roomId, status, limit, after);
        return new Page(page.requests(), page.lastId() == null ? null : links.sealCursor(listing, roomId, page.lastId()));
    }

    /** Admits a pending request: a fresh invite for its email (emailed when asked), and the request ADMITTED, once. */
    public InviteService.CreatedInvite admit(Caller caller, String roomId, String joinRequestId, Role role, boolean sendEmail) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        JoinRequest r = pending(roomId, joinRequestId);
        Invite earlier = r.inviteId() == null ? null : store.findInvite(roomId, r.inviteId()).orElse(null);
        boolean same = earlier != null && r.email().equals(earlier.email());
        String first = r.firstName() != null ? r.firstName() : same ? earlier.firstName() : localPart(r.email());
        String last = same && earlier.lastName() != null ? earlier.lastName() : "";
        // the request's id names the create, so an admit sent twice by the same manager creates one invite
        InviteService.CreatedInvite created = invites.create(caller, roomId, new InviteService.NewInvite(r.email(), first,
                last, role == null ? Role.VIEWER : role, sendEmail), "join-request-" + joinRequestId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String inviteId = created.invite().inviteId();
        if (store.answerJoinRequest(r, r.answered(JoinRequest.Status.ADMITTED, now, CreatePolicy.actor(caller), inviteId))) {
            return created;
        }
        JoinRequest latest = store.findJoinRequest(roomId, joinRequestId).orElse(null);
        if (latest != null && latest.status() == JoinRequest.Status.ADMITTED && inviteId.equals(latest.admittedInviteId())) {
            return created; // the same admit, sent again
        }
        // answered otherwise meanwhile (declined, or admitted by another manager): this admit's invite must not stay
        changes.revoke(caller, roomId, inviteId);
        throw new InviteException(ErrorCode.JOIN_REQUEST_ANSWERED);
    }

    /** Declines a pending request, once (declining a declined one again is no error). */
    public JoinRequest decline(Caller caller, String roomId, String joinRequestId) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        JoinRequest r = store.findJoinRequest(roomId, joinRequestId)
                .orElseThrow(() -> new InviteException(ErrorCode.JOIN_REQUEST_NOT_FOUND));
        if (r.status() == JoinRequest.Status.DECLINED) {
            return r;
        }
        if (r.status() != JoinRequest.Status.PENDING) {
            throw new InviteException(ErrorCode.JOIN_REQUEST_ANSWERED);
        }
        JoinRequest declined = r.answered(JoinRequest.Status.DECLINED, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                CreatePolicy.actor(caller), null);
        if (store.answerJoinRequest(r, declined)) {
            return declined;
        }
        JoinRequest latest = store.findJoinRequest(roomId, joinRequestId).orElse(r);
        if (latest.status() == JoinRequest.Status.DECLINED) {
            return latest;
        }
        throw new InviteException(ErrorCode.JOIN_REQUEST_ANSWERED);
    }

    private JoinRequest pending(String roomId, String id) {
        JoinRequest r = store.findJoinRequest(roomId, id)
                .orElseThrow(() -> new InviteException(ErrorCode.JOIN_REQUEST_NOT_FOUND));
        if (r.status() != JoinRequest.Status.PENDING) {
            throw new InviteException(ErrorCode.JOIN_REQUEST_ANSWERED);
        }
        return r;
    }

    private static String localPart(String email) {
        int at = email.indexOf('@');
        return at > 0 ? email.substring(0, at) : email;
    }

    // ------------------------------------------------------------------ helpers

    /** Counts this ask against the caller's address (rolling 24 h): 429 past {@link #PER_CALLER_PER_DAY}. */
    private void bookCaller(String address, Instant now) {
        List<String> keys = List.of(callerKey(address));
        for (int attempt = 0; attempt < 5; attempt++) {
            List<Stored> ledgers = store.loadLedgers(keys);
            Duration wait = ledgers.get(0).ledger().waitFor(1, PER_CALLER_PER_DAY, now);
            if (!wait.isZero()) {
                long seconds = Math.max(1, wait.toSeconds());
                throw new InviteException(ErrorCode.RATE_LIMITED, "Too many requests to join from here. Try again in "
                        + SendLimiter.text(seconds) + ".", List.of(),
                        Map.of("details", Map.of("limit", "joinRequests", "retryAfterSeconds", seconds)));
            }
            List<SendLedger> next = List.of(ledgers.get(0).ledger().book(1, now));
            if (store.saveLedgers(ledgers, next, now)) {
                return;
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private static String callerKey(String address) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
            return "JOINASK#CALLER#" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private SiteSettings requireEnabled() {
        SiteSettings s = settings.get();
        if (!s.inviteToMediaEnabled()) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitation links are turned off on this site. Contact the site administrator.");
        }
        return s;
    }

    static String masked(String email) {
        return Emails.mask(email);
    }
}
