package io.roominvites.tokens;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkTokensTest {

    static final String ISS = "https://invites.example.test";
    static final Instant NOW = Instant.parse("2031-03-04T10:15:30Z");
    static final Instant EXP = NOW.plus(Duration.ofDays(7));

    final KeyRing ring = KeyRing.generate("k1");
    final LinkTokens links = new LinkTokens(ring, ISS);

    static void assertLinkInvalid(LinkTokens links, String token) {
        InviteException e = assertThrows(InviteException.class, () -> links.verify(token));
        assertEquals(ErrorCode.LINK_INVALID, e.code());
        if (token != null && !token.isEmpty()) {
            assertFalse(e.getMessage().contains(token), "message contains the token");
        }
    }

    @Test
    void roundTrip() {
        String token = links.issue("inv_123", EXP, NOW);
        assertEquals(new LinkClaims("inv_123", 1, EXP), links.verify(token));
    }

    @Test
    void headerAndClaimsAreExactlyAsSpecified() throws Exception {
        String token = links.issue("inv_123", EXP.plusMillis(900), NOW.plusMillis(400));
        Map<String, Object> header = JSONObjectUtils.parse(Forge.headerJson(token));
        assertEquals("HS256", header.get("alg"));
        assertEquals("k1", header.get("kid"));
        assertEquals("invite-link+jwt", header.get("typ"));
        Map<String, Object> payload = JSONObjectUtils.parse(Forge.payloadJson(token));
        assertEquals(new TreeSet<>(java.util.Set.of("iss", "inv", "iat", "exp")), new TreeSet<>(payload.keySet()));
        assertEquals(ISS, payload.get("iss"));
        assertEquals("inv_123", payload.get("inv"));
        assertEquals(NOW.getEpochSecond(), ((Number) payload.get("iat")).longValue());
        assertEquals(EXP.getEpochSecond(), ((Number) payload.get("exp")).longValue());
        // seconds precision
        assertEquals(EXP, links.verify(token).expiresAt());
    }

    @Test
    void expiredLinkIsReturnedWithItsExpiry() {
        Instant past = Instant.parse("2020-01-01T00:00:00Z");
        String token = links.issue("inv_old", past.plus(Duration.ofHours(1)), past);
        LinkClaims claims = links.verify(token);
        assertEquals("inv_old", claims.inviteId());
        assertEquals(past.plus(Duration.ofHours(1)), claims.expiresAt());
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = links.issue("inv_123", EXP, NOW);
        String payload = Forge.payloadJson(token);
        String changed = payload.replace("inv_123", "inv_124");
        assertNotEquals(payload, changed);
        assertLinkInvalid(links, Forge.withPayload(token, changed));
    }

    @Test
    void aNonCanonicalLastCharacterIsRefusedThoughItDecodesToTheSameBytes() {
        String token = links.issue("inv_123", EXP, NOW);
        // an HS256 signature is 32 bytes: 43 characters, whose last carries 4 data bits and 2 unused ones
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        int value = alphabet.indexOf(last);
        assertEquals(0, value & 0x3, "the issued token is canonical");
        String head = token.substring(0, token.length() - 1);
        for (int unused = 1; unused <= 3; unused++) {
            String other = head + alphabet.charAt(value | unused);
            String sig = token.substring(token.lastIndexOf('.') + 1);
            String otherSig = other.substring(other.lastIndexOf('.') + 1);
            assertArrayEquals(java.util.Base64.getUrlDecoder().decode(sig), java.util.Base64.getUrlDecoder().decode(otherSig),
                    "same signature bytes");
            assertLinkInvalid(links, other);
        }
        assertEquals(new LinkClaims("inv_123", 1, EXP), links.verify(token));
    }

    @Test
    void flippedSignatureCharacterIsRefused() {
        String token = links.issue("inv_123", EXP, NOW);
        int i = token.length() - 10;
        char c = token.charAt(i) == 'A' ? 'B' : 'A';
        assertLinkInvalid(links, token.substring(0, i) + c + token.substring(i + 1));
    }

    @Test
    void tokenFromAnotherRingIsRefusedEvenWithTheSameKid() {
        LinkTokens other = new LinkTokens(KeyRing.generate("k1"), ISS);
        assertLinkInvalid(links, other.issue("inv_123", EXP, NOW));
        LinkTokens otherKid = new LinkTokens(KeyRing.generate("k9"), ISS);
        assertLinkInvalid(links, otherKid.issue("inv_123", EXP, NOW));
    }

    @Test
    void algNoneIsRefused() {
        String payload = "{\"iss\":\"" + ISS + "\",\"inv\":\"inv_123\",\"iat\":" + NOW.getEpochSecond()
                + ",\"exp\":" + EXP.getEpochSecond() + "}";
        String none = Forge.unsecured("{\"alg\":\"none\",\"typ\":\"invite-link+jwt\",\"kid\":\"k1\"}", payload);
        assertLinkInvalid(links, none);
        // and with the signature of a genuine token glued on
        String genuine = links.issue("inv_123", EXP, NOW);
        assertLinkInvalid(links, none + genuine.substring(genuine.lastIndexOf('.') + 1));
        // alg "None"/"NONE" spelt otherwise
        assertLinkInvalid(links, Forge.unsecured("{\"alg\":\"NONE\",\"typ\":\"invite-link+jwt\",\"kid\":\"k1\"}", payload) + "AAAA");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        byte[] publicKeyBytes = ring.activeKey().toECPublicKey().getEncoded();
        byte[] jwkBytes = ring.publicJwksJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte[] secret : new byte[][]{publicKeyBytes, jwkBytes}) {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(new JOSEObjectType("invite-link+jwt")).build(),
                    linkClaims(ISS, "inv_123"));
            jwt.sign(new MACSigner(secret));
            assertLinkInvalid(links, jwt.serialize());
        }
    }

    @Test
    void es256SignedWithTheRingsOwnKeyIsRefused() throws Exception {
        // the algorithm is pinned: a valid ES256 signature by the very key the link MAC derives from is not a link
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").type(new JOSEObjectType("invite-link+jwt")).build(),
                linkClaims(ISS, "inv_123"));
        jwt.sign(new ECDSASigner(ring.activeKey()));
        assertLinkInvalid(links, jwt.serialize());
    }

    @Test
    void hs256WithAnotherKidsKeyIsRefused() throws Exception {
        KeyRing two = ring.rotate("k2");
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k2").type(new JOSEObjectType("invite-link+jwt")).build(),
                linkClaims(ISS, "inv_123"));
        jwt.sign(new MACSigner(KeyRing.linkKey(ring.activeKey()))); // k1's link key under k2's kid
        assertLinkInvalid(new LinkTokens(two, ISS), jwt.serialize());
    }

    @Test
    void otherEcAlgorithmIsRefused() throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES384).keyID("k1").type(new JOSEObjectType("invite-link+jwt")).build(),
                linkClaims(ISS, "inv_123"));
        jwt.sign(new ECDSASigner(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384).generate()));
        assertLinkInvalid(links, jwt.serialize());
    }

    @Test
    void wrongTypIsRefused() throws Exception {
        for (JOSEObjectType typ : new JOSEObjectType[]{null, JOSEObjectType.JWT, new JOSEObjectType("at+jwt")}) {
            assertLinkInvalid(links, signWithRing(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(typ).build(),
                    linkClaims(ISS, "inv_123")));
        }
    }

    @Test
    void accessTokenIsNotALink() {
        String at = new AccessTokens(ring, ISS, "rooms").issue(new AccessGrant("a@b.test", "r1", "viewer",
                java.util.List.of(), "inv_123", "d1", NOW, NOW.plusSeconds(600)));
        assertLinkInvalid(links, at);
    }

    @Test
    void wrongIssuerIsRefused() {
        String token = new LinkTokens(ring, "https://evil.example.test").issue("inv_123", EXP, NOW);
        assertLinkInvalid(links, token);
    }

    @Test
    void missingInvOrExpIsRefused() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(new JOSEObjectType("invite-link+jwt")).build();
        assertLinkInvalid(links, signWithRing(header, new JWTClaimsSet.Builder().issuer(ISS)
                .expirationTime(Date.from(EXP)).build()));
        assertLinkInvalid(links, signWithRing(header, new JWTClaimsSet.Builder().issuer(ISS)
                .claim("inv", "inv_123").build()));
        assertLinkInvalid(links, signWithRing(header, new JWTClaimsSet.Builder().issuer(ISS)
                .claim("inv", 42).expirationTime(Date.from(EXP)).build()));
        assertLinkInvalid(links, signWithRing(header, new JWTClaimsSet.Builder().issuer(ISS)
                .claim("inv", "inv_123").claim("exp", "tomorrow").build()));
        // the same, well formed, passes: the helper is sound
        assertEquals("inv_123", links.verify(signWithRing(header, linkClaims(ISS, "inv_123"))).inviteId());
    }

    @Test
    void critHeaderIsRefused() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(new JOSEObjectType("invite-link+jwt"))
                .criticalParams(java.util.Set.of("exp")).customParam("exp", 1).build();
        assertLinkInvalid(links, signWithRing(header, linkClaims(ISS, "inv_123")));
    }

    @Test
    void garbageIsRefused() {
        String good = links.issue("inv_123", EXP, NOW);
        for (String s : new String[]{null, "", "   ", "abc", "a.b", "a.b.c.d", "a.b.c", "..", "...",
                "%%%.%%%.%%%", good + ".x", " " + good, good + " ", good + "=", good.replace('.', ','),
                "x".repeat(2049), good + "A".repeat(2049 - good.length())}) {
            assertLinkInvalid(links, s);
        }
    }

    @Test
    void rotationKeepsOldLinksUntilTheirKidIsRetired() {
        String before = links.issue("inv_1", EXP, NOW);
        KeyRing rotated = ring.rotate("k2");
        LinkTokens afterRotation = new LinkTokens(rotated, ISS);
        assertEquals("inv_1", afterRotation.verify(before).inviteId());

        String after = afterRotation.issue("inv_2", EXP, NOW);
        assertTrue(Forge.headerJson(after).contains("\"kid\":\"k2\""));
        assertEquals("inv_2", afterRotation.verify(after).inviteId());
        assertLinkInvalid(links, after); // the old ring does not know k2

        LinkTokens afterRetire = new LinkTokens(rotated.retire("k1"), ISS);
        assertLinkInvalid(afterRetire, before);
        assertEquals("inv_2", afterRetire.verify(after).inviteId());
    }

    @Test
    void ringReloadedFromJsonVerifiesEarlierLinks() {
        String token = links.issue("inv_123", EXP, NOW);
        assertEquals("inv_123", new LinkTokens(KeyRing.fromJson(ring.toJson()), ISS).verify(token).inviteId());
    }

    @Test
    void issueRefusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> links.issue(" ", EXP, NOW));
        assertThrows(NullPointerException.class, () -> links.issue("inv", null, NOW));
        assertThrows(IllegalArgumentException.class, () -> links.issue("i".repeat(2000), EXP, NOW));
    }

    private static JWTClaimsSet linkClaims(String iss, String inv) {
        return new JWTClaimsSet.Builder().issuer(iss).claim("inv", inv)
                .issueTime(Date.from(NOW)).expirationTime(Date.from(EXP)).build();
    }

    /** Signed with the ring's own link key: only what the test changes in header or claims makes it invalid. */
    private String signWithRing(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new MACSigner(KeyRing.linkKey(ring.activeKey())));
        return jwt.serialize();
    }
}
