package io.roominvites.service;

import io.roominvites.domain.Caller;
import io.roominvites.domain.Emails;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.GuestLink;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Lifetimes;
import io.roominvites.domain.Room;
import io.roominvites.domain.SessionState;
import io.roominvites.domain.SiteSettings;
import io.roominvites.store.GuestLinkStore;
import io.roominvites.store.InviteStore;
import io.roominvites.tokens.AccessGrant;
import io.roominvites.tokens.AccessTokens;
import io.roominvites.tokens.LinkTokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Guest links: managers create (at most the site's guestLinksPerRoom active per room), list and revoke them; a guest
 * previews one and redeems it with a name. A redeem takes one use for a new device on one of the link's counter shards
 * (the device's hash picks the first; a full shard sends it to the others, read consistently), so uses never pass
 * maxUses and a crowd on one link spreads its writes over the shards' partitions.
 */
public final class GuestLinks {
    private final InviteStore store;
    private final SettingsCache settings;
    private final LinkTokens links;
    private final AccessTokens access;
    private final Clock clock;
    private final Ids ids;
    private final Duration accessTokenTtl;

    public GuestLinks(InviteStore store, SettingsCache settings, LinkTokens links, AccessTokens access, Clock clock,
                      Ids ids, Duration accessTokenTtl) {
        this.store = store;
        this.settings = settings;
        this.links = links;
        this.access = access;
        this.clock = clock;
        this.ids = ids;
        this.accessTokenTtl = accessTokenTtl;
    }

    /** A guest link with its uses and (for managers) its link. */
    public record Listed(GuestLink link, int uses, String url) {
        public Integer usesLeft() {
            return link.maxUses() == null ? null : Math.max(0, link.maxUses() - uses);
        }
    }

    // ------------------------------------------------------------------ managers

    public Listed create(Caller caller, String roomId, String label, Integer maxUses, Instant expiresAt) {
        SiteSettings s = settings.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Room room = InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        CreatePolicy.checkRoom(room, s, now);
        CreatePolicy.checkSetup(s, false, false);
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw InviteException.invalid("expiresAt", "must be in the future");
        }
        Instant until = expiresAt == null || expiresAt.isAfter(room.endsAt()) ? room.endsAt() : expiresAt;
        until = until.truncatedTo(ChronoUnit.SECONDS);
        Instant keep = Lifetimes.roomRetiresAt(room.endsAt(), now);
        String actor = CreatePolicy.actor(caller);
        for (int attempt = 0; attempt < 5; attempt++) {
            List<GuestLink> all = store.guestLinks(roomId);
            Set<Integer> held = new HashSet<>();
            int active = 0;
            for (GuestLink l : all) {
                if (l.activeAt(now)) {
                    held.add(l.slot());
                    active++;
                }
            }
            int slot = -1;
            for (int i = 0; i < s.guestLinksPerRoom() && slot < 0; i++) {
                if (!held.contains(i)) {
                    slot = i;
                }
            }
            if (slot < 0 || active >= s.guestLinksPerRoom()) {
                throw new InviteException(ErrorCode.GUEST_LINK_LIMIT, "This room already has " + active
                        + " active guest links, the most allowed (" + s.guestLinksPerRoom()
                        + "). Revoke one before creating another.");
            }
            GuestLink link = new GuestLink(ids.newInviteId(now), roomId, label, maxUses, until, now, actor, null, null,
                    slot, GuestLink.shardsFor(maxUses));
            if (store.createGuestLink(link, now, keep)) {
                return new Listed(link, 0, url(s, link, now));
            }
            // the slot was taken meanwhile: read again and choose again
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    public List<Listed> list(Caller caller, String roomId) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        SiteSettings s = settings.get();
        Instant now = clock.instant();
        List<GuestLink> all = store.guestLinks(roomId);
        Map<String, Integer> uses = store.uses(all);
        List<Listed> out = new ArrayList<>(all.size());
        for (GuestLink l : all) {
            out.add(new Listed(l, uses.getOrDefault(l.guestLinkId(), 0),
                    l.activeAt(now) && s.linkBaseUrl() != null ? url(s, l, now) : null));
        }
        return out;
    }

    public Listed revoke(Caller caller, String roomId, String guestLinkId) {
        InviteService.requireManagedRoom(caller, store.findRoom(roomId));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 0; attempt < 3; attempt++) {
            GuestLink current = store.findGuestLink(roomId, guestLinkId)
                    .orElseThrow(() -> new InviteException(ErrorCode.GUEST_LINK_NOT_FOUND));
            if (current.revoked()) {
                return withUses(current); // revoking again is not an error
            }
            GuestLink revoked = current.revoked(now, CreatePolicy.actor(caller));
            if (store.revokeGuestLink(current, revoked)) {
                return withUses(revoked);
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private Listed withUses(GuestLink l) {
        return new Listed(l, store.uses(List.of(l)).getOrDefault(l.guestLinkId(), 0), null);
    }

    private String url(SiteSettings s, GuestLink l, Instant now) {
        return s.linkBaseUrl() + "#guest=" + links.issueGuest(l.roomId() + InviteeEntry.InviteRef.SEPARATOR
                + l.guestLinkId(), l.expiresAt(), now.isAfter(l.expiresAt()) ? l.expiresAt() : now);
    }

    // ------------------------------------------------------------------ guests

    /**
     * The link a guest token names, with its room: LINK_INVALID when the token is not a guest link of ours; a link
     * whose items are gone answers ROOM_DELETED in a deleted room, LINK_EXPIRED past the expiry its token carries (TTL
     * removes a link's items only after it expired), else LINK_INVALID.
     */
    Resolved resolve(String token) {
        LinkTokens.GuestRef guest = links.verifyGuest(token);
        Optional<Room> room = store.findRoom(guest.roomId());
        GuestLink link = store.findGuestLink(guest.roomId(), guest.guestLinkId()).orElse(null);
        if (link == null) {
            if (room.isPresent() && room.get().deleted()) {
                throw new InviteException(ErrorCode.ROOM_DELETED);
            }
            throw new InviteException(clock.instant().isBefore(guest.expiresAt()) ? ErrorCode.LINK_INVALID : ErrorCode.LINK_EXPIRED);
        }
        return new Resolved(link, room.orElse(null));
    }

    record Resolved(GuestLink link, Room room) {
    }

    public record Preview(SessionState state, InviteeEntry.Next next, long secondsUntilStart, Room room, GuestLink link,
                          Integer usesLeft) {
    }

    /** What a guest link shows: changes nothing, ever. A used-up link says so here already. */
    public Preview preview(String token, String deviceId) {
        requireEnabled();
        Resolved r = resolve(token);
        Instant now = clock.instant();
        boolean holds = deviceId != null && store.holdsUse(r.link(), deviceId);
        ErrorCode code = GuestLink.entryRefusal(r.link(), r.room(), holds, now);
        Integer left = null;
        if (r.link().maxUses() != null) {
            int used = store.uses(List.of(r.link())).getOrDefault(r.link().guestLinkId(), 0);
            left = Math.max(0, r.link().maxUses() - used);
        }
        InviteeEntry.Next next;
        if (code == null) {
            next = holds ? InviteeEntry.Next.ENTER : InviteeEntry.Next.LOBBY;
        } else if (code == ErrorCode.SESSION_NOT_STARTED) {
            next = InviteeEntry.Next.WAIT;
        } else if (code == ErrorCode.SESSION_ENDED) {
            next = null;
        } else {
            throw refusal(code, r.room());
        }
        if (next == InviteeEntry.Next.LOBBY && left != null && left == 0) {
            throw new InviteException(ErrorCode.GUEST_LINK_EXHAUSTED);
        }
        return new Preview(r.room().state(now), next, Room.secondsUntil(r.room().startsAt(), now), r.room(), r.link(), left);
    }

    public record Redemption(String accessToken, Instant expiresAt, Room room, GuestLink link, String firstName,
                             String lastName) {
    }

    /** Enters by a guest link: a new device takes one use (GUEST_LINK_EXHAUSTED when none is left), a known one none. */
    public Redemption redeem(String token, String deviceId, String firstName, String lastName, String email) {
        SiteSettings s = requireEnabled();
        Resolved r = resolve(token);
        if (email != null) {
            InviteException blocked = CreatePolicy.blocked(email, s);
            if (blocked != null) {
                throw blocked;
            }
        }
        GuestLink link = r.link();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean holds = store.holdsUse(link, deviceId);
        ErrorCode code = GuestLink.entryRefusal(link, r.room(), holds, now);
        if (code != null) {
            throw refusal(code, r.room());
        }
        if (!holds) {
            takeUse(link, new GuestLinkStore.GuestUse(deviceId, firstName, lastName, Emails.mask(email),
                    email == null ? null : Emails.erasureKey(email), now),
                    Lifetimes.roomRetiresAt(r.room().endsAt(), now));
        }
        return grant(link, r.room(), deviceId, firstName, lastName, email, now);
    }

    private void takeUse(GuestLink link, GuestLinkStore.GuestUse use, Instant keep) {
        int first = Math.floorMod(use.deviceId().hashCode() * 0x9E3779B9, link.shards());
        GuestLinkStore.UseOutcome o = tryShard(link, first, use, keep);
        if (o != GuestLinkStore.UseOutcome.SHARD_FULL) {
            return;
        }
        // the device's shard is full: every other shard that has room, read consistently (counts only go up, so a
        // shard read full stays full; when every shard is full the link is used up, exactly at maxUses)
        for (int round = 0; round < 4; round++) {
            int[] counts = store.shardCounts(link);
            List<Integer> open = new ArrayList<>();
            for (int i = 1; i <= link.shards(); i++) {
                int shard = (first + i) % link.shards();
                if (link.shardCap(shard) < 0 || counts[shard] < link.shardCap(shard)) {
                    open.add(shard);
                }
            }
            if (open.isEmpty()) {
                throw new InviteException(ErrorCode.GUEST_LINK_EXHAUSTED);
            }
            for (int shard : open) {
                o = tryShard(link, shard, use, keep);
                if (o != GuestLinkStore.UseOutcome.SHARD_FULL) {
                    return;
                }
            }
        }
        throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE);
    }

    private GuestLinkStore.UseOutcome tryShard(GuestLink link, int shard, GuestLinkStore.GuestUse use, Instant keep) {
        try {
            return store.takeUse(link, shard, use, keep);
        } catch (InviteException busy) {
            if (busy.code() != ErrorCode.SERVICE_UNAVAILABLE || InviteException.OUTCOME_UNKNOWN.equals(busy.getMessage())) {
                throw busy;
            }
            // conflicts on this shard past their tries (nothing written): let another shard take it
            return GuestLinkStore.UseOutcome.SHARD_FULL;
        }
    }

    private Redemption grant(GuestLink link, Room room, String deviceId, String first, String last, String email,
                             Instant now) {
        Instant expiresAt = now.plus(accessTokenTtl);
        if (room.endsAt().isBefore(expiresAt)) {
            expiresAt = room.endsAt();
        }
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        if (!expiresAt.isAfter(now)) {
            throw new InviteException(ErrorCode.SESSION_ENDED);
        }
        String subject = email != null ? email : "guest:" + link.guestLinkId() + ":" + deviceId;
        String token = access.issue(new AccessGrant(subject, room.roomId(), GuestLink.ROLE.name(),
                GuestLink.ROLE.permissionIds(), link.guestLinkId(), deviceId, now, expiresAt, true,
                (first + " " + last).trim()));
        return new Redemption(token, expiresAt, room, link, first, last);
    }

    /** The refusal a guest link's token would get now, or null when it opens (for requests to join). */
    ErrorCode refusalOf(Resolved r, String deviceId, Instant now) {
        boolean holds = deviceId != null && store.holdsUse(r.link(), deviceId);
        ErrorCode code = GuestLink.entryRefusal(r.link(), r.room(), holds, now);
        if (code != null || holds || r.link().maxUses() == null) {
            return code;
        }
        int used = store.uses(List.of(r.link())).getOrDefault(r.link().guestLinkId(), 0);
        return used >= r.link().maxUses() ? ErrorCode.GUEST_LINK_EXHAUSTED : null;
    }

    private SiteSettings requireEnabled() {
        SiteSettings s = settings.get();
        if (!s.inviteToMediaEnabled()) {
            throw new InviteException(ErrorCode.FEATURE_DISABLED,
                    "Invitation links are turned off on this site. Contact the site administrator.");
        }
        return s;
    }

    private static InviteException refusal(ErrorCode code, Room room) {
        if (code == ErrorCode.SESSION_NOT_STARTED) {
            return new InviteException(code, code.defaultMessage(), List.of(), Map.of("startsAt", room.startsAt().toString()));
        }
        return new InviteException(code);
    }
}
