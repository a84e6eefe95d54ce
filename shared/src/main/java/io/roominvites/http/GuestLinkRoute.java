package io.roominvites.http;

import io.roominvites.domain.Caller;
import io.roominvites.domain.GuestLink;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.ErrorCode;
import io.roominvites.json.Json;
import io.roominvites.service.GuestLinks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The guest link routes: managers' {@code POST|GET /rooms/{roomId}/guest-links} and
 * {@code DELETE /rooms/{roomId}/guest-links/{guestLinkId}}; guests' {@code POST /guest/preview} and
 * {@code POST /guest/redeem} ({@link GuestLinks}). Parsing and views only.
 */
final class GuestLinkRoute {
    private static final Pattern LINK_ID = Pattern.compile("[0-9A-Z]{26}");

    private GuestLinkRoute() {
    }

    static HttpResponse create(GuestLinks guests, Caller caller, String roomId, HttpRequest r, java.time.Clock clock) {
        Body b = Body.parse(r.body());
        String label = b.string("label", true, 100);
        Long maxUses = b.integer("maxUses", false, 1, GuestLink.MAX_USES, null);
        Instant expiresAt = b.instant("expiresAt", false);
        b.check();
        GuestLinks.Listed created = guests.create(caller, roomId, label, maxUses == null ? null : maxUses.intValue(),
                expiresAt);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guestLink", view(created, clock.instant()));
        m.put("link", created.url());
        return new HttpResponse(201, Map.of("Content-Type", "application/json; charset=utf-8"), Json.write(m));
    }

    static HttpResponse list(GuestLinks guests, Caller caller, String roomId, java.time.Clock clock) {
        List<Object> out = new ArrayList<>();
        for (GuestLinks.Listed l : guests.list(caller, roomId)) {
            Map<String, Object> v = view(l, clock.instant());
            v.put("link", l.url());
            out.add(v);
        }
        return Api.ok(Map.of("guestLinks", out));
    }

    static HttpResponse revoke(GuestLinks guests, Caller caller, String roomId, String guestLinkId, java.time.Clock clock) {
        if (guestLinkId == null || !LINK_ID.matcher(guestLinkId).matches()) {
            throw new InviteException(ErrorCode.GUEST_LINK_NOT_FOUND);
        }
        return Api.ok(Map.of("guestLink", view(guests.revoke(caller, roomId, guestLinkId), clock.instant())));
    }

    static HttpResponse preview(GuestLinks guests, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String device = Api.deviceId(b, false);
        b.check();
        GuestLinks.Preview pv = guests.preview(token, device);
        Map<String, Object> m = Views.preview(pv.state(), pv.next(), pv.secondsUntilStart(), pv.room());
        m.put("invitee", null);
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("label", pv.link().label());
        if (pv.usesLeft() != null) {
            link.put("usesLeft", pv.usesLeft());
        }
        link.put("expiresAt", Views.time(pv.link().expiresAt()));
        link.put("role", GuestLink.ROLE.name());
        m.put("guestLink", link);
        return Api.ok(m);
    }

    static HttpResponse redeem(GuestLinks guests, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String device = Api.deviceId(b, true);
        String first = b.string("firstName", true, Api.MAX_NAME);
        String last = b.string("lastName", true, Api.MAX_NAME);
        String email = b.has("email") ? Api.email(b, "email", false) : null;
        b.check();
        GuestLinks.Redemption red = guests.redeem(token, device, first, last, email);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessToken", red.accessToken());
        m.put("expiresAt", Views.time(red.expiresAt()));
        m.put("role", GuestLink.ROLE.name());
        m.put("permissions", GuestLink.ROLE.permissionIds());
        m.put("room", Views.roomView(red.room().view(), true));
        Map<String, Object> guest = new LinkedHashMap<>();
        guest.put("firstName", red.firstName());
        guest.put("lastName", red.lastName());
        m.put("guest", guest);
        return Api.ok(m);
    }

    static Map<String, Object> view(GuestLinks.Listed listed, Instant now) {
        GuestLink l = listed.link();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("guestLinkId", l.guestLinkId());
        m.put("roomId", l.roomId());
        m.put("label", l.label());
        m.put("role", GuestLink.ROLE.name());
        m.put("maxUses", l.maxUses());
        m.put("uses", listed.uses());
        m.put("usesLeft", listed.usesLeft());
        m.put("status", l.revoked() ? "REVOKED" : l.expiredAt(now) ? "EXPIRED"
                : listed.usesLeft() != null && listed.usesLeft() == 0 ? "EXHAUSTED" : "ACTIVE");
        m.put("expiresAt", Views.time(l.expiresAt()));
        m.put("createdAt", Views.time(l.createdAt()));
        m.put("createdBy", l.createdBy());
        m.put("revokedAt", Views.time(l.revokedAt()));
        m.put("revokedBy", l.revokedBy());
        return m;
    }
}
