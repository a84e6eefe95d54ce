package io.roominvites.http;

import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.JoinRequest;
import io.roominvites.domain.Role;
import io.roominvites.json.Json;
import io.roominvites.service.JoinRequests;
import io.roominvites.tokens.LinkTokens;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Requests to join: the requester's {@code POST /invites/join-requests} (and {@code …/status}, how it was answered);
 * managers' {@code GET /rooms/{roomId}/join-requests} and {@code POST …/{joinRequestId}/admit|decline}
 * ({@link JoinRequests}). Parsing and views only.
 */
final class JoinRequestRoute {
    private JoinRequestRoute() {
    }

    static HttpResponse ask(JoinRequests joins, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String email = Api.email(b, "email", true);
        String message = b.string("message", false, JoinRequest.MAX_MESSAGE);
        String device = Api.deviceId(b, false);
        b.check();
        String id = joins.ask(token, email, message == null ? "" : message, device, r.sourceIp());
        return new HttpResponse(202, Map.of("Content-Type", "application/json; charset=utf-8"),
                Json.write(Map.of("joinRequestId", id)));
    }

    static HttpResponse status(JoinRequests joins, HttpRequest r) {
        Body b = Body.parse(r.body());
        String token = b.string("token", true, 4096);
        String id = b.string("joinRequestId", true, 26);
        b.check();
        if (!io.roominvites.service.Ids.isInviteId(id)) {
            throw new InviteException(ErrorCode.JOIN_REQUEST_NOT_FOUND);
        }
        JoinRequests.Answer a = joins.answer(token, id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("joinRequestId", a.request().joinRequestId());
        m.put("status", a.request().status().name());
        m.put("answeredAt", Views.time(a.request().answeredAt()));
        m.put("token", a.token());
        return Api.ok(m);
    }

    static HttpResponse list(JoinRequests joins, Caller caller, String roomId, HttpRequest r) {
        JoinRequest.Status status = null;
        String s = r.query().get("status");
        if (s != null && !s.isEmpty()) {
            try {
                status = JoinRequest.Status.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw InviteException.invalid("status", "must be one of PENDING, ADMITTED, DECLINED");
            }
        }
        int limit = Api.limit(r);
        String cursor = r.query().get("cursor");
        if (cursor != null && cursor.length() > LinkTokens.MAX_CURSOR_LENGTH) {
            throw InviteException.invalid("cursor", "is not a cursor from this listing; start again without it");
        }
        JoinRequests.Page page = joins.list(caller, roomId, status, limit, cursor);
        List<Object> out = new ArrayList<>();
        for (JoinRequest j : page.requests()) {
            out.add(view(j));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("joinRequests", out);
        m.put("nextCursor", page.nextCursor());
        return Api.ok(m);
    }

    static HttpResponse admit(JoinRequests joins, Caller caller, String roomId, String id, HttpRequest r,
                              java.util.function.Function<io.roominvites.service.InviteService.CreatedInvite, HttpResponse> created) {
        Role role = Role.VIEWER;
        boolean send = false;
        if (r.body() != null && !r.body().isBlank()) {
            Body b = Body.parse(r.body());
            if (b.has("role")) {
                role = Api.role(b);
            }
            send = b.bool("sendEmail", false, false);
            b.check();
        }
        return created.apply(joins.admit(caller, roomId, requestId(id), role, send));
    }

    static HttpResponse decline(JoinRequests joins, Caller caller, String roomId, String id) {
        return Api.ok(Map.of("joinRequest", view(joins.decline(caller, roomId, requestId(id)))));
    }

    private static String requestId(String id) {
        if (!io.roominvites.service.Ids.isInviteId(id)) {
            throw new InviteException(ErrorCode.JOIN_REQUEST_NOT_FOUND);
        }
        return id;
    }

    static Map<String, Object> view(JoinRequest j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("joinRequestId", j.joinRequestId());
        m.put("email", j.email());
        m.put("firstName", j.firstName());
        m.put("message", j.message());
        m.put("reason", j.reason());
        m.put("via", j.guestLinkId() != null ? "GUEST_LINK" : "INVITE");
        m.put("inviteId", j.inviteId());
        m.put("guestLinkId", j.guestLinkId());
        m.put("at", Views.time(j.at()));
        m.put("status", j.status().name());
        m.put("answeredAt", Views.time(j.answeredAt()));
        m.put("answeredBy", j.answeredBy());
        m.put("admittedInviteId", j.admittedInviteId());
        return m;
    }
}
