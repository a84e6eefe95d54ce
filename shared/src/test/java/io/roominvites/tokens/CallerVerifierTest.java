package io.roominvites.tokens;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.roominvites.domain.Caller;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerVerifierTest {

    static final String ISS = "https://idp.example.test/";
    static final String AUD = "room-invites";
    static final Instant T0 = Instant.parse("2031-03-04T10:00:00Z");

    static RSAKey idpKey;
    static RSAKey sameKidOtherKey;

    final MutableClock clock = new MutableClock(T0);
    final CallerVerifier verifier = new CallerVerifier(
            new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())), ISS, AUD, Set.of(JWSAlgorithm.RS256), clock);

    @BeforeAll
    static void keys() throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        sameKidOtherKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
    }

    // ---- helpers ----

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(ISS)
                .audience(AUD)
                .subject("auth0|42")
                .claim("email", "Ada@Example.TEST")
                .issueTime(Date.from(T0))
                .expirationTime(Date.from(T0.plus(Duration.ofMinutes(10))));
    }

    static String sign(RSAKey key, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String sign(JWTClaimsSet claims) throws Exception {
        return sign(idpKey, JWSAlgorithm.RS256, claims);
    }

    static void assertUnauthenticated(CallerVerifier v, String header) {
        InviteException e = assertThrows(InviteException.class, () -> v.verify(header));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code(), header);
        if (header != null && header.length() > 20) {
            assertFalse(e.getMessage().contains(header.substring(header.length() - 20)), "message contains the token");
        }
    }

    // ---- mapping ----

    @Test
    void validTokenFromTheLocalProviderMapsClaims() {
        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        String token = idp.mint("  Ada@Example.TEST ", "Ada", "Lovelace", true, Duration.ofMinutes(5));
        Caller c = idp.verifier(clock).verify("Bearer " + token);
        assertEquals(new Caller("local|ada@example.test", "ada@example.test", "Ada", "Lovelace", true), c);

        Caller plain = idp.verifier(clock).verify("Bearer " + idp.mint("bob@example.test", "Bob", "Marley", false, Duration.ofMinutes(5)));
        assertFalse(plain.siteAdmin());
    }

    @Test
    void schemeIsCaseInsensitiveAndWhitespaceTolerated() throws Exception {
        String token = sign(claims().build());
        for (String h : new String[]{"Bearer " + token, "bearer " + token, "BEARER " + token, "  Bearer   " + token + "  ",
                "Bearer\t" + token}) {
            assertEquals("auth0|42", verifier.verify(h).subject(), h);
        }
    }

    @Test
    void emailIsTrimmedLowerCasedAndOptional() throws Exception {
        assertEquals("ada@example.test", verifier.verify("Bearer " + sign(claims().build())).email());
        assertNull(verifier.verify("Bearer " + sign(claims().claim("email", null).build())).email());
        assertNull(verifier.verify("Bearer " + sign(claims().claim("email", "   ").build())).email());
        assertNull(verifier.verify("Bearer " + sign(claims().claim("email", 7).build())).email());
    }

    @Test
    void nameIsSplitOnTheLastSpaceWhenGivenAndFamilyNamesAreAbsent() throws Exception {
        Caller c = verifier.verify("Bearer " + sign(claims().claim("name", " Mary Ann  Evans ").build()));
        assertEquals("Mary Ann", c.firstName());
        assertEquals("Evans", c.lastName());

        Caller single = verifier.verify("Bearer " + sign(claims().claim("name", "Cher").build()));
        assertEquals("Cher", single.firstName());
        assertNull(single.lastName());

        Caller given = verifier.verify("Bearer " + sign(claims().claim("name", "Wrong Name")
                .claim("given_name", " Ada ").claim("family_name", "Lovelace").build()));
        assertEquals("Ada", given.firstName());
        assertEquals("Lovelace", given.lastName());

        Caller none = verifier.verify("Bearer " + sign(claims().build()));
        assertNull(none.firstName());
        assertNull(none.lastName());
    }

    @Test
    void siteAdminOnlyWhenBooleanTrue() throws Exception {
        assertTrue(verifier.verify("Bearer " + sign(claims().claim("site_admin", true).build())).siteAdmin());
        assertFalse(verifier.verify("Bearer " + sign(claims().claim("site_admin", false).build())).siteAdmin());
        assertFalse(verifier.verify("Bearer " + sign(claims().claim("site_admin", "true").build())).siteAdmin());
        assertFalse(verifier.verify("Bearer " + sign(claims().claim("site_admin", 1).build())).siteAdmin());
        assertFalse(verifier.verify("Bearer " + sign(claims().build())).siteAdmin());
    }

    @Test
    void audienceListContainingOursIsAccepted() throws Exception {
        String token = sign(claims().audience(List.of("other", AUD)).build());
        assertEquals("auth0|42", verifier.verify("Bearer " + token).subject());
    }

    // ---- time ----

    @Test
    void expiredIsRefusedAfterTheLeeway() throws Exception {
        String header = "Bearer " + sign(claims().build());
        clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(59));
        verifier.verify(header);
        clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(60));
        assertUnauthenticated(verifier, header);
        clock.advance(Duration.ofDays(2));
        assertUnauthenticated(verifier, header);
    }

    @Test
    void expiredFromTheLocalProvider() {
        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        String header = "Bearer " + idp.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(7));
        assertUnauthenticated(idp.verifier(clock), header);
    }

    @Test
    void notBeforeInTheFutureIsRefusedBeyondTheLeeway() throws Exception {
        String header = "Bearer " + sign(claims().notBeforeTime(Date.from(T0.plus(Duration.ofMinutes(2)))).build());
        assertUnauthenticated(verifier, header);
        clock.set(T0.plusSeconds(59));
        assertUnauthenticated(verifier, header);
        clock.set(T0.plusSeconds(60));
        assertEquals("auth0|42", verifier.verify(header).subject());

        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        clock.set(T0.plus(Duration.ofMinutes(30)));
        String future = "Bearer " + idp.mint("a@b.test", "A", "B", false, Duration.ofHours(1));
        clock.set(T0);
        assertUnauthenticated(idp.verifier(clock), future);
    }

    @Test
    void leewayIsConfigurable() throws Exception {
        CallerVerifier strict = new CallerVerifier(new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())), ISS, AUD,
                Set.of(JWSAlgorithm.RS256), clock, Duration.ZERO);
        String header = "Bearer " + sign(claims().build());
        clock.set(T0.plus(Duration.ofMinutes(10)));
        assertUnauthenticated(strict, header);
        verifier.verify(header);
    }

    // ---- refusals ----

    @Test
    void correctlySignedTokensWithAWrongIssuerAudienceFutureNbfOrExpiredByOneSecondAreRefused() throws Exception {
        CallerVerifier strict = new CallerVerifier(new ImmutableJWKSet<>(new JWKSet(idpKey.toPublicJWK())), ISS, AUD,
                Set.of(JWSAlgorithm.RS256), clock, Duration.ZERO);
        assertEquals("auth0|42", strict.verify("Bearer " + sign(claims().build())).subject()); // the control
        assertUnauthenticated(strict, "Bearer " + sign(claims().issuer(ISS.substring(0, ISS.length() - 1)).build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().issuer(ISS.toUpperCase()).build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().audience(AUD + "-admin").build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().audience(List.of("other", "rooms")).build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().notBeforeTime(Date.from(T0.plusSeconds(1))).build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().expirationTime(Date.from(T0.minusSeconds(1))).build()));
        assertUnauthenticated(strict, "Bearer " + sign(claims().expirationTime(Date.from(T0)).build()));
        // with the default 60 s of clock-skew leeway: one second beyond it either way is refused
        assertUnauthenticated(verifier, "Bearer " + sign(claims().notBeforeTime(Date.from(T0.plusSeconds(61))).build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().expirationTime(Date.from(T0.minusSeconds(60))).build()));
        assertEquals("auth0|42", verifier.verify("Bearer " + sign(claims().expirationTime(Date.from(T0.minusSeconds(59))).build()))
                .subject());
    }

    @Test
    void wrongIssuerAudienceOrMissingClaimsAreRefused() throws Exception {
        assertUnauthenticated(verifier, "Bearer " + sign(claims().issuer("https://evil.example.test/").build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().issuer(null).build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().audience("someone-else").build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().audience((String) null).build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().subject(null).build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().subject("  ").build()));
        assertUnauthenticated(verifier, "Bearer " + sign(claims().expirationTime(null).build()));

        LocalIdentityProvider idp = new LocalIdentityProvider("https://other-idp.test/", AUD, clock);
        assertUnauthenticated(new LocalIdentityProvider(ISS, "other-aud", clock).verifier(clock),
                "Bearer " + new LocalIdentityProvider(ISS, AUD, clock).mint("a@b.test", "A", "B", false, Duration.ofMinutes(5)));
        assertUnauthenticated(verifier, "Bearer " + idp.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5)));
    }

    @Test
    void tamperedTokenIsRefused() throws Exception {
        String token = sign(claims().claim("site_admin", false).build());
        String payload = Forge.payloadJson(token);
        String forged = payload.replace("\"site_admin\":false", "\"site_admin\":true");
        assertTrue(!forged.equals(payload));
        assertUnauthenticated(verifier, "Bearer " + Forge.withPayload(token, forged));
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String payload = claims().claim("site_admin", true).build().toString();
        assertUnauthenticated(verifier, "Bearer " + Forge.unsecured("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"idp-1\"}", payload));
        String genuine = sign(claims().build());
        assertUnauthenticated(verifier, "Bearer " + Forge.unsecured("{\"alg\":\"none\",\"kid\":\"idp-1\"}", payload)
                + genuine.substring(genuine.lastIndexOf('.') + 1));
    }

    @Test
    void hs256WithTheRsaPublicKeyAsSecretIsRefused() throws Exception {
        byte[][] secrets = {
                idpKey.toRSAPublicKey().getEncoded(),
                idpKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                new JWKSet(idpKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8)};
        for (byte[] secret : secrets) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("idp-1").type(JOSEObjectType.JWT).build(),
                    claims().claim("site_admin", true).build());
            jwt.sign(new MACSigner(secret));
            assertUnauthenticated(verifier, "Bearer " + jwt.serialize());
        }
    }

    @Test
    void algorithmOutsideTheAllowedSetIsRefused() throws Exception {
        // RS512 with the genuine key: a valid signature, but the algorithm is not pinned
        assertUnauthenticated(verifier, "Bearer " + sign(idpKey, JWSAlgorithm.RS512, claims().build()));
        assertUnauthenticated(verifier, "Bearer " + sign(idpKey, JWSAlgorithm.PS256, claims().build()));
    }

    @Test
    void differentKeyWithTheSameKidIsRefused() throws Exception {
        assertUnauthenticated(verifier, "Bearer " + sign(sameKidOtherKey, JWSAlgorithm.RS256, claims().build()));
    }

    @Test
    void unknownKidIsRefused() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID("idp-2").generate();
        assertUnauthenticated(verifier, "Bearer " + sign(other, JWSAlgorithm.RS256, claims().build()));
    }

    @Test
    void badHeadersAreRefused() throws Exception {
        String token = sign(claims().build());
        for (String h : new String[]{null, "", "   ", "Bearer", "Bearer ", "Bearer    ", "Basic xyz",
                "Basic " + token, "Bearer" + token, "Token " + token, token, "Bearer a.b", "Bearer a.b.c",
                "Bearer " + token + " extra", "Bearer " + token + ".x", "Bearer " + "x".repeat(20000)}) {
            assertUnauthenticated(verifier, h);
        }
    }

    @Test
    void verifyOptional() throws Exception {
        assertNull(verifier.verifyOptional(null));
        assertNull(verifier.verifyOptional(""));
        assertNull(verifier.verifyOptional("  "));
        assertEquals("auth0|42", verifier.verifyOptional("Bearer " + sign(claims().build())).subject());
        InviteException e = assertThrows(InviteException.class, () -> verifier.verifyOptional("Basic xyz"));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
    }

    @Test
    void symmetricAlgorithmsCannotBeAllowed() {
        var jwks = new ImmutableJWKSet<com.nimbusds.jose.proc.SecurityContext>(new JWKSet(idpKey.toPublicJWK()));
        assertThrows(IllegalArgumentException.class,
                () -> new CallerVerifier(jwks, ISS, AUD, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.HS256), clock));
        assertThrows(IllegalArgumentException.class, () -> new CallerVerifier(jwks, ISS, AUD, Set.of(), clock));
    }

    // ---- local provider ----

    @Test
    void localProviderPublishesOnlyItsPublicKeyAndPinsRs256() throws Exception {
        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        Map<String, Object> jwks = JSONObjectUtils.parse(idp.publicJwksJson());
        List<Object> keys = JSONObjectUtils.getJSONArray(jwks, "keys");
        assertEquals(1, keys.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) keys.get(0);
        assertEquals("RSA", key.get("kty"));
        assertTrue(key.get("kid") instanceof String kid && !kid.isBlank());
        for (String privateMember : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertFalse(key.containsKey(privateMember), privateMember);
        }

        String token = idp.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5));
        Map<String, Object> header = JSONObjectUtils.parse(Forge.headerJson(token));
        assertEquals("RS256", header.get("alg"));
        assertEquals(key.get("kid"), header.get("kid"));
        JWTClaimsSet c = JWTClaimsSet.parse(Forge.payloadJson(token));
        assertEquals(Set.of("iss", "aud", "sub", "email", "given_name", "family_name", "site_admin", "iat", "nbf", "exp"),
                c.getClaims().keySet());
        assertEquals(T0, c.getNotBeforeTime().toInstant());
        assertEquals(T0.plus(Duration.ofMinutes(5)), c.getExpirationTime().toInstant());

        // another provider's token (different key) is refused
        LocalIdentityProvider other = new LocalIdentityProvider(ISS, AUD, clock);
        assertUnauthenticated(idp.verifier(clock), "Bearer " + other.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5)));
        // its key source also serves a CallerVerifier built by hand
        CallerVerifier byHand = new CallerVerifier(idp.jwkSource(), ISS, AUD, Set.of(JWSAlgorithm.RS256), clock);
        assertEquals("local|a@b.test", byHand.verify("Bearer " + token).subject());
    }

    // ---- remote ----

    @Test
    void unreachableJwksGivesServiceUnavailable() {
        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        CallerVerifier remote = CallerVerifier.remote(URI.create("http://127.0.0.1:1/jwks.json"), ISS, AUD,
                Set.of(JWSAlgorithm.RS256), clock);
        String header = "Bearer " + idp.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) { // the retries inside the rate-limit window are still "unavailable"
            InviteException e = assertThrows(InviteException.class, () -> remote.verify(header));
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
        }
        // a token refused before any key lookup is still a 401
        assertUnauthenticated(remote, "Basic xyz");
        assertUnauthenticated(remote, "Bearer " + Forge.unsecured("{\"alg\":\"none\"}", "{}"));
    }

    @Test
    void remoteJwksIsFetchedCachedAndUnknownKidsAre401() throws Exception {
        LocalIdentityProvider idp = new LocalIdentityProvider(ISS, AUD, clock);
        AtomicInteger fetches = new AtomicInteger();
        byte[] body = idp.publicJwksJson().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
            CallerVerifier remote = CallerVerifier.remote(uri, ISS, AUD, Set.of(JWSAlgorithm.RS256), clock);
            for (int i = 0; i < 3; i++) {
                assertEquals("local|a@b.test",
                        remote.verify("Bearer " + idp.mint("a@b.test", "A", "B", false, Duration.ofMinutes(5))).subject());
            }
            assertEquals(1, fetches.get(), "the JWKS is cached");

            // unknown kids: refused as 401 (including when the refresh they ask for is rate-limited)
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
            for (int i = 0; i < 3; i++) {
                assertUnauthenticated(remote, "Bearer " + sign(stranger, JWSAlgorithm.RS256, claims().build()));
            }
            assertTrue(fetches.get() <= 3, "refreshes are rate-limited: " + fetches.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void remoteRefusesABadUri() {
        assertThrows(IllegalArgumentException.class, () -> CallerVerifier.remote(URI.create("relative/jwks.json"), ISS, AUD,
                Set.of(JWSAlgorithm.RS256), clock));
    }
}
