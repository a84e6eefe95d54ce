package io.roominvites.http;

import io.roominvites.domain.Caller;
import io.roominvites.domain.InviteException;
import io.roominvites.service.InviteeEntry;
import io.roominvites.tokens.CallerVerifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The invitee's routes: {@code POST /invites/preview} and {@code POST /invites/redeem} ({@link InviteeEntry}). Parsing
 * and views only; the caller is optional here (and only here), so it is read after the body rather than by the handler
 * table.
 */
final class InviteeRoutes {
    private InviteeRoutes() {
    }

    static HttpResponse preview(InviteeEntry entry, CallerVerifier callers, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String device = Api.deviceId(b, false);
        b.check();
        InviteeEntry.Preview pv = entry.preview(token, device, optionalCaller(callers, r));
        Map<String, Object> m = Views.preview(pv.state(), pv.next(), pv.secondsUntilStart(), pv.room());
        Map<String, Object> invitee = new LinkedHashMap<>();
        invitee.put("firstName", pv.invite().firstName());
        invitee.put("role", pv.invite().role().name());
        invitee.put("locale", pv.locale());
        m.put("invitee", invitee);
        return Api.ok(m);
    }

    static HttpResponse redeem(InviteeEntry entry, CallerVerifier callers, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String device = Api.deviceId(b, true);
        String email = b.has("email") ? Api.email(b, "email", false) : null;
        b.check();
        InviteeEntry.Redemption red = entry.redeem(token, device, email, optionalCaller(callers, r));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessToken", red.accessToken());
        m.put("expiresAt", Views.time(red.expiresAt()));
        m.put("role", red.invite().role().name());
        m.put("permissions", red.invite().role().permissionIds());
        m.put("room", Views.roomView(red.room().view(), true));
        Map<String, Object> invitee = new LinkedHashMap<>();
        invitee.put("email", red.invite().email());
        invitee.put("firstName", red.invite().firstName());
        invitee.put("lastName", red.invite().lastName());
        m.put("invitee", invitee);
        return Api.ok(m);
    }

    /** Invitees need no login: a bearer token is used when it is valid and ignored otherwise (the lobby remains). */
    private static Caller optionalCaller(CallerVerifier callers, HttpRequest r) {
        String header = r.header("authorization");
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return callers.verify(header);
        } catch (InviteException e) {
            return null;
        }
    }
}
