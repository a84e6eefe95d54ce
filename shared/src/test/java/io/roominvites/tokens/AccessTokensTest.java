package io.roominvites.tokens;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTokensTest {

    static final String ISS = "https://invites.example.test";
    static final String AUD = "https://rooms.example.test";
    static final Instant T0 = Instant.parse("2031-03-04T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final KeyRing ring = KeyRing.generate("k1");
    final AccessTokens tokens = new AccessTokens(ring, ISS, AUD);

    static AccessGrant grant() {
        return new AccessGrant("ada@example.test", "room-1", "co_editor", List.of("chat", "draw"),
                "inv_123", "dev_9", T0, T0.plus(Duration.ofMinutes(15)));
    }

    static void assertUnauthenticated(AccessTokens tokens, String token, MutableClock clock) {
        InviteException e = assertThrows(InviteException.class, () -> tokens.verify(token, clock));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    }

    @Test
    void issuesTheSpecifiedHeaderAndClaims() throws Exception {
        String token = tokens.issue(grant());
        Map<String, Object> header = JSONObjectUtils.parse(Forge.headerJson(token));
        assertEquals("ES256", header.get("alg"));
        assertEquals("k1", header.get("kid"));
        assertEquals("at+jwt", header.get("typ"));

        Map<String, Object> c = tokens.verify(token, clock);
        assertEquals(Set.of("iss", "aud", "sub", "room_id", "role", "permissions", "invite_id", "device_id",
                "iat", "exp", "jti"), c.keySet());
        assertEquals(ISS, c.get("iss"));
        assertTrue(c.get("aud").equals(AUD) || c.get("aud").equals(List.of(AUD)));
        assertEquals("ada@example.test", c.get("sub"));
        assertEquals("room-1", c.get("room_id"));
        assertEquals("co_editor", c.get("role"));
        assertEquals(List.of("chat", "draw"), c.get("permissions"));
        assertEquals("inv_123", c.get("invite_id"));
        assertEquals("dev_9", c.get("device_id"));
        assertEquals(T0.getEpochSecond(), ((Number) c.get("iat")).longValue());
        assertEquals(T0.plus(Duration.ofMinutes(15)).getEpochSecond(), ((Number) c.get("exp")).longValue());
        UUID.fromString((String) c.get("jti"));
        assertThrows(UnsupportedOperationException.class, () -> c.put("role", "owner"));
    }

    @Test
    void jtiIsFreshEachTime() {
        Object a = tokens.verify(tokens.issue(grant()), clock).get("jti");
        Object b = tokens.verify(tokens.issue(grant()), clock).get("jti");
        assertNotEquals(a, b);
    }

    @Test
    void verifiableByAConsumerWithOnlyThePublicJwks() throws Exception {
        String token = tokens.issue(grant());
        assertEquals(ring.publicJwksJson(), tokens.jwksJson());
        ECKey pub = (ECKey) JWKSet.parse(tokens.jwksJson()).getKeyByKeyId("k1");
        assertFalse(pub.isPrivate());
        assertTrue(SignedJWT.parse(token).verify(new ECDSAVerifier(pub)));
    }

    @Test
    void expiredIsRefusedWithNoLeeway() {
        String token = tokens.issue(grant());
        clock.set(T0.plus(Duration.ofMinutes(15)).minusSeconds(1));
        tokens.verify(token, clock);
        clock.set(T0.plus(Duration.ofMinutes(15)));
        assertUnauthenticated(tokens, token, clock);
        clock.advance(Duration.ofDays(1));
        assertUnauthenticated(tokens, token, clock);
    }

    @Test
    void wrongAudienceOrIssuerIsRefused() {
        assertUnauthenticated(tokens, new AccessTokens(ring, ISS, "https://other.example.test").issue(grant()), clock);
        assertUnauthenticated(tokens, new AccessTokens(ring, "https://evil.example.test", AUD).issue(grant()), clock);
    }

    @Test
    void otherRingTamperingAndForgeriesAreRefused() throws Exception {
        assertUnauthenticated(tokens, new AccessTokens(KeyRing.generate("k1"), ISS, AUD).issue(grant()), clock);

        String token = tokens.issue(grant());
        String payload = Forge.payloadJson(token);
        assertUnauthenticated(tokens, Forge.withPayload(token, payload.replace("co_editor", "co_publisher")), clock);

        assertUnauthenticated(tokens, Forge.unsecured("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", payload), clock);

        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1")
                .type(new JOSEObjectType("at+jwt")).build(), JWTClaimsSet.parse(payload));
        hs.sign(new MACSigner(ring.activeKey().toECPublicKey().getEncoded()));
        assertUnauthenticated(tokens, hs.serialize(), clock);

        // a link token is not an access token
        assertUnauthenticated(tokens, new LinkTokens(ring, ISS).issue("inv_123", T0.plusSeconds(60), T0), clock);

        for (String s : new String[]{null, "", "x.y.z", "x".repeat(9000)}) {
            assertUnauthenticated(tokens, s, clock);
        }
    }

    @Test
    void notBeforeInTheFutureIsRefused() throws Exception {
        JWTClaimsSet claims = JWTClaimsSet.parse(Forge.payloadJson(tokens.issue(grant())));
        JWTClaimsSet withNbf = new JWTClaimsSet.Builder(claims).notBeforeTime(Date.from(T0.plusSeconds(30))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1")
                .type(new JOSEObjectType("at+jwt")).build(), withNbf);
        jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(ring.activeKey()));
        assertUnauthenticated(tokens, jwt.serialize(), clock);
        clock.advance(Duration.ofSeconds(30));
        assertEquals("room-1", tokens.verify(jwt.serialize(), clock).get("room_id"));
    }

    @Test
    void survivesRotationUntilRetire() {
        String token = tokens.issue(grant());
        KeyRing rotated = ring.rotate("k2");
        assertEquals("room-1", new AccessTokens(rotated, ISS, AUD).verify(token, clock).get("room_id"));
        assertUnauthenticated(new AccessTokens(rotated.retire("k1"), ISS, AUD), token, clock);
    }

    @Test
    void issueRefusesIncompleteGrants() {
        AccessGrant g = grant();
        assertThrows(IllegalArgumentException.class, () -> tokens.issue(new AccessGrant(" ", g.roomId(), g.role(),
                g.permissions(), g.inviteId(), g.deviceId(), g.issuedAt(), g.expiresAt())));
        assertThrows(IllegalArgumentException.class, () -> tokens.issue(new AccessGrant(g.email(), g.roomId(), g.role(),
                g.permissions(), g.inviteId(), g.deviceId(), g.expiresAt(), g.issuedAt())));
        assertEquals(List.of(), new AccessGrant(g.email(), g.roomId(), g.role(), null, g.inviteId(), g.deviceId(),
                g.issuedAt(), g.expiresAt()).permissions());
    }
}
