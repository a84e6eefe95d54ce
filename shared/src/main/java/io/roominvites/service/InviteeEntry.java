package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteRules;
import io.roominvites.domain.Room;
import io.roominvites.domain.SessionState;
import io.roominvites.domain.SiteSettings;
import io.roominvites.metrics.Metrics;
import io.roominvites.store.InviteStore;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.LinkClaims;
import io.roominvites.tokens.LinkTokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The invitee's entry: what a link shows (preview), the lobby and its lock, and the redeem that binds a device and
 * grants an access token. Plain Java over the {@link InviteStore} port; every time comes from the injected
 * {@link Clock}. The lock is decided by {@link Invite#locked()} and counted where the wrong email that locks it is
 * written.
 */
public final class InviteeEntry {
    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final AccessTokens access;
    private final Clock clock;
    private final Duration accessTokenTtl;
    private final RecentEntries entries = new RecentEntries(4096);

    public InviteeEntry(InviteStore store, SettingsCache settings, LinkTokens links, AccessTokens access, Clock clock,
                        Duration accessTokenTtl) {
        this.store = store;
        this.settings = settings;
        this.links = links;
        this.access = access;
        this.clock = clock;
        this.accessTokenTtl = accessTokenTtl;
    }

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
        // an invite made before invites had a language speaks the site's default one
        String locale = invite.locale() != null ? invite.locale() : settings.get().defaultLocale();
        return new Preview(room.state(now), next, Room.secondsUntil(room.startsAt(), now), invite, room, locale);
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
                int left = counted.lobbyAttemptsLeft();
                if (counted.locked()) {
                    Metrics.lobbyLocked(); // this wrong email was the last one allowed: the invite is locked now
                }
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

    private SiteSettings requireEnabled() {
        SiteSettings s = settings.get();
        if (!s.inviteToMediaEnabled()) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitation links are turned off on this site. Contact the site administrator.");
        }
        return s;
    }

    /**
     * A verified link whose invite is gone: its room retired (long after the session ended, docs/lifetimes.md), an
     * erasure, or never stored. A deleted room keeps its tombstone (read with the invite) until every link it had
     * has expired, so that its links say ROOM_DELETED; otherwise the link is expired, or not one of ours.
     */
    private static InviteException missing(InviteRef ref, Room room, Instant now) {
        if (room != null && room.deleted()) {
            return new InviteException(ErrorCode.ROOM_DELETED);
        }
        return new InviteException(now.isBefore(ref.expiresAt()) ? ErrorCode.LINK_INVALID : ErrorCode.LINK_EXPIRED);
    }

    // ------------------------------------------------------------------ values

    public enum Next {
        WAIT, ENTER, LOBBY
    }

    public record Preview(SessionState state, Next next, long secondsUntilStart, Invite invite, Room room, String locale) {
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
