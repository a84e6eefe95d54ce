package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The local runner's and tests' stand-in for the site's identity provider: an RSA 2048 key (generated at
 * construction, kid {@code local-<uuid>}) that mints RS256 bearer tokens. Not for production.
 */
public final class LocalIdentityProvider {

    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final RSAKey publicKey;
    private final JWSSigner signer;
    private final JWKSource<SecurityContext> jwkSource;
    private final String publicJwksJson;

    public LocalIdentityProvider(String issuer, String audience, Clock clock) {
        this(issuer, audience, clock, newKey());
    }

    /** With a key made by {@link #newKey()} (tests that start many providers share one: a key takes ~100 ms). */
    public LocalIdentityProvider(String issuer, String audience, Clock clock, RSAKey key) {
        this.issuer = Jws.requireText(issuer, "issuer");
        this.audience = Jws.requireText(audience, "audience");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.signer = new RSASSASigner(Objects.requireNonNull(key, "key"));
        } catch (JOSEException e) {
            throw new IllegalStateException("the local identity provider's key cannot sign");
        }
        this.publicKey = key.toPublicJWK();
        JWKSet publicSet = new JWKSet(publicKey);
        this.jwkSource = new ImmutableJWKSet<>(publicSet);
        this.publicJwksJson = publicSet.toString(true);
    }

    /** A new RSA 2048 signing key, kid {@code local-<uuid>}. */
    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID("local-" + UUID.randomUUID())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate the local identity provider's key");
        }
    }

    /**
     * An RS256 token: iss, aud, sub ({@code local|<lower-cased email>}), email, given_name, family_name (each omitted
     * when null), site_admin, iat, nbf and exp ({@code now + ttl}) from the clock.
     */
    public String mint(String email, String firstName, String lastName, boolean siteAdmin, Duration ttl) {
        Jws.requireText(email, "email");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject("local|" + email.strip().toLowerCase(Locale.ROOT))
                .claim("email", email)
                .claim("site_admin", siteAdmin)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (firstName != null) {
            claims.claim("given_name", firstName);
        }
        if (lastName != null) {
            claims.claim("family_name", lastName);
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(publicKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the local token");
        }
        return jwt.serialize();
    }

    /** The public key only. */
    public JWKSource<SecurityContext> jwkSource() {
        return jwkSource;
    }

    /** {@code {"keys":[<public RSA JWK>]}}. */
    public String publicJwksJson() {
        return publicJwksJson;
    }

    /** A verifier of this provider's tokens, pinned to RS256. */
    public CallerVerifier verifier(Clock clock) {
        return new CallerVerifier(jwkSource, issuer, audience, Set.of(JWSAlgorithm.RS256), clock);
    }
}
