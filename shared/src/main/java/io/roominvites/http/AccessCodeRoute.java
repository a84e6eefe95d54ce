package io.roominvites.http;

import io.roominvites.domain.Emails;
import io.roominvites.service.CodeExchange;

import java.util.Map;

/**
 * {@code POST /invites/code}: the link's token for room, email and access code ({@link CodeExchange}). A malformed
 * room id or email is 400 (it tells nothing of any invite); everything else wrong is the exchange's one answer.
 */
final class AccessCodeRoute {
    private AccessCodeRoute() {
    }

    static HttpResponse answer(CodeExchange codes, HttpRequest r) {
        Body b = Body.parse(r.body());
        String roomId = b.string("roomId", true, 64);
        String email = b.string("email", true, 254);
        String code = b.string("code", true, 32);
        if (roomId != null && !Api.ROOM_ID.matcher(roomId).matches()) {
            b.problem("roomId", "must be 1 to 64 letters, digits, - or _");
        }
        if (email != null && Emails.problem(email) != null) {
            b.problem("email", Emails.problem(email));
        }
        b.check();
        String token = codes.exchange(roomId, Emails.normalize(email), code, r.sourceIp());
        return Api.ok(Map.of("token", token));
    }
}
