package io.roominvites.it.invitee;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.domain.Invite;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.Service.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The invitee's side of the API, as a front end calls it, plus the checks every invitee test shares. */
final class Invitee {
    static final List<String> VIEWER_PERMISSIONS = List.of("chat", "answer_interactions", "qna");
    static final List<String> SPEAKER_PERMISSIONS = List.of("backchannel", "interactions", "qna");
    static final List<String> MODERATOR_PERMISSIONS = List.of("backchannel", "initiate_interactions", "qna");

    /** Members an error object may carry besides code, message and requestId. */
    private static final Set<String> ERROR_MEMBERS = Set.of("code", "message", "requestId", "fields", "startsAt",
            "attemptsLeft");

    private Invitee() {
    }

    /** An invite to a new room of {@link Service#OWNER}'s that opened five minutes ago (open 55 more minutes). */
    static Invited openInvite(Service s, String roomPrefix, String email, String role) {
        return s.invitedTo(Service.roomId(roomPrefix), Duration.ofMinutes(-5), email, role);
    }

    static Response preview(Service s, String token, String deviceId, String bearer) {
        return s.preview(token, deviceId, bearer);
    }

    static Response redeem(Service s, String token, String deviceId, String email, String bearer) {
        return s.redeem(token, deviceId, email, bearer);
    }

    /**
     * A new room starting {@code startsIn} from now (negative: already open) with two VIEWER invites: one for
     * {@code pendingEmail} left pending, one for {@code enteredEmail} redeemed on {@code enteredDevice} (checked).
     */
    static PendingAndEntered pendingAndEntered(Service s, String roomPrefix, Duration startsIn, String pendingEmail,
                                               String enteredEmail, String enteredDevice) {
        String roomId = Service.roomId(roomPrefix);
        s.room(roomId, startsIn);
        Invited pending = new Invited(roomId, s.invite(roomId, pendingEmail, "VIEWER"));
        Invited entered = new Invited(roomId, s.invite(roomId, enteredEmail, "VIEWER"));
        expectEntered(redeem(s, entered.token(), enteredDevice, enteredEmail, null), "VIEWER");
        return new PendingAndEntered(pending, entered);
    }

    /**
     * {@link #pendingAndEntered(Service, String, Duration, String, String, String)} in a room that opened five minutes
     * ago.
     */
    static PendingAndEntered pendingAndEntered(Service s, String roomPrefix, String pendingEmail, String enteredEmail,
                                               String enteredDevice) {
        return pendingAndEntered(s, roomPrefix, Duration.ofMinutes(-5), pendingEmail, enteredEmail, enteredDevice);
    }

    /** Two invites of one room: one still pending, one already redeemed. */
    record PendingAndEntered(Invited pending, Invited entered) {
        String room() {
            return pending.room();
        }

        String pendingToken() {
            return pending.token();
        }

        String enteredToken() {
            return entered.token();
        }
    }

    /** The invite as the room's manager sees it in GET /rooms/{roomId}/invites. */
    static Map<String, Object> listed(Service s, String roomId, String inviteId) {
        return s.listed(roomId, inviteId);
    }

    static Map<String, Object> listed(Service s, Invited invited) {
        return s.listed(invited);
    }

    /** The stored record (for what the API does not show: the bound device and the wrong-email counter). */
    static Invite stored(Service s, String roomId, String inviteId) {
        return s.services().store().findInvite(roomId, inviteId)
                .orElseThrow(() -> new AssertionError("invite " + inviteId + " is not stored"));
    }

    static Invite stored(Service s, Invited invited) {
        return stored(s, invited.room(), invited.id());
    }

    /**
     * Asserts an error answer in the contract's one shape: {@code {"error": {code, message, requestId, ...}}},
     * the request id echoed in X-Request-Id, no stack trace or class name, and no fields unless INVALID_REQUEST.
     */
    static Response expectError(Response r, int status, String code) {
        r.expectError(status, code);
        assertEquals(Set.of("error"), r.json().keySet(), () -> "one top-level member: " + r);
        Map<String, Object> err = r.obj("error");
        assertTrue(ERROR_MEMBERS.containsAll(err.keySet()), () -> "unexpected members in " + r);
        assertEquals(r.header("X-Request-Id"), err.get("requestId"), () -> "requestId echoed in the header: " + r);
        String message = (String) err.get("message");
        assertFalse(message.contains("Exception") || message.contains("software.amazon") || message.contains("\tat "),
                () -> "an internal detail reached the caller: " + r);
        if (!"INVALID_REQUEST".equals(code)) {
            assertNull(err.get("fields"), () -> "fields only for INVALID_REQUEST: " + r);
        }
        return r;
    }

    /**
     * Every way in answers this error for a new device: preview without and with {@code email}'s bearer, redeem with
     * {@code email} typed and with its bearer.
     */
    static void expectRefusedEveryWay(Service s, String token, String deviceId, String email, int status, String code) {
        expectError(preview(s, token, null, null), status, code);
        expectError(preview(s, token, deviceId, s.token(email)), status, code);
        expectError(redeem(s, token, deviceId, email, null), status, code);
        expectError(redeem(s, token, deviceId, null, s.token(email)), status, code);
    }

    /** INVALID_REQUEST naming exactly these fields. */
    static Response expectInvalid(Response r, String... fields) {
        expectError(r, 400, "INVALID_REQUEST");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) r.obj("error").get("fields");
        assertNotNull(list, () -> "fields expected: " + r);
        assertEquals(Set.of(fields), Set.copyOf(list.stream().map(f -> (String) f.get("field")).toList()), r::toString);
        for (Map<String, Object> f : list) {
            assertTrue(f.get("problem") instanceof String p && !p.isBlank(), r::toString);
        }
        return r;
    }

    static long number(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (!(v instanceof Number n)) {
            throw new AssertionError(name + " is not a number in " + m);
        }
        return n.longValue();
    }

    /**
     * Verifies an access token the way a room would: the key from GET /.well-known/jwks.json by kid, ES256,
     * typ at+jwt; answers its claims.
     */
    static JWTClaimsSet verifyAccessToken(Service s, String accessToken) {
        Response jwks = s.call("GET", "/.well-known/jwks.json", null, null).expect(200);
        try {
            JWKSet set = JWKSet.parse(jwks.body());
            assertFalse(set.getKeys().isEmpty(), "the JWKS has keys");
            for (JWK k : set.getKeys()) {
                assertFalse(k.isPrivate(), "the JWKS must hold public keys only");
            }
            SignedJWT jwt = SignedJWT.parse(accessToken);
            assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
            assertEquals("at+jwt", jwt.getHeader().getType().getType());
            String kid = jwt.getHeader().getKeyID();
            assertNotNull(kid, "the access token names its key");
            JWK key = set.getKeyByKeyId(kid);
            assertNotNull(key, "the JWKS holds the key " + kid);
            assertTrue(jwt.verify(new ECDSAVerifier(key.toECKey())), "the access token's signature verifies");
            return jwt.getJWTClaimsSet();
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            fail("the access token does not verify: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    /** The access token's claims, checked against the invite and the redeem answer. */
    static JWTClaimsSet checkAccessToken(Service s, Response redeemed, String email, String roomId, String inviteId,
                                         String deviceId, String role, List<String> permissions) {
        JWTClaimsSet c = verifyAccessToken(s, (String) redeemed.json().get("accessToken"));
        try {
            assertEquals(s.services().app().parts().issuer, c.getIssuer());
            assertEquals(List.of("rooms"), c.getAudience());
            assertEquals(email, c.getSubject());
            assertEquals(roomId, c.getStringClaim("room_id"));
            assertEquals(role, c.getStringClaim("role"));
            assertEquals(permissions, c.getStringListClaim("permissions"));
            assertEquals(inviteId, c.getStringClaim("invite_id"));
            assertEquals(deviceId, c.getStringClaim("device_id"));
            assertNotNull(c.getJWTID(), "jti");
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
        Instant exp = c.getExpirationTime().toInstant();
        Instant roomEnd = Instant.parse((String) redeemed.obj("room").get("endsAt"));
        assertFalse(exp.isAfter(roomEnd), "the access token expires no later than the room's end");
        assertEquals(Instant.parse((String) redeemed.json().get("expiresAt")), exp, "expiresAt is the token's exp");
        assertTrue(exp.isAfter(s.clock().instant()), "the access token is valid now");
        assertFalse(c.getIssueTime().toInstant().isAfter(s.clock().instant()), "iat is not in the future");
        return c;
    }

    /** A 200 redeem answer with the contract's fields for this role. */
    static Response expectEntered(Response r, String role) {
        r.expect(200);
        assertTrue(r.json().get("accessToken") instanceof String t && !t.isBlank(), r::toString);
        assertNotNull(r.json().get("expiresAt"), r::toString);
        assertEquals(role, r.json().get("role"));
        assertEquals(switch (role) {
            case "VIEWER" -> VIEWER_PERMISSIONS;
            case "SPEAKER" -> SPEAKER_PERMISSIONS;
            case "MODERATOR" -> MODERATOR_PERMISSIONS;
            default -> throw new IllegalArgumentException(role);
        }, r.json().get("permissions"));
        Map<String, Object> room = r.obj("room");
        assertNotNull(room, r::toString);
        assertTrue(room.keySet().containsAll(Set.of("roomId", "title", "description")), r::toString);
        return r;
    }
}
