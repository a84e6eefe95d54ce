package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Room access tokens (RFC 9068 style): compact ES256 JWS, header {@code typ: at+jwt} and {@code kid}; claims
 * {@code iss, aud, sub (email), room_id, role, permissions, invite_id, device_id, iat, exp, jti}.
 * Consumers verify them with the public keys from {@link #jwksJson()}.
 */
public final class AccessTokens {

    static final int MAX_LENGTH = 8192;
    static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");
    /** Our own tokens: no clock skew allowed. */
    static final Duration LEEWAY = Duration.ZERO;

    private final KeyRing ring;
    private final String issuer;
    private final String audience;
    private final JWSHeader header;
    private final String encodedHeader;

    public AccessTokens(KeyRing ring, String issuer, String audience) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.issuer = Jws.requireText(issuer, "issuer");
        this.audience = Jws.requireText(audience, "audience");
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ring.activeKid()).type(TYPE).build();
        this.encodedHeader = header.toBase64URL().toString();
    }

    public String issue(AccessGrant g) {
        Objects.requireNonNull(g, "grant");
        Jws.requireText(g.email(), "email");
        Jws.requireText(g.roomId(), "roomId");
        Jws.requireText(g.role(), "role");
        Objects.requireNonNull(g.issuedAt(), "issuedAt");
        Objects.requireNonNull(g.expiresAt(), "expiresAt");
        if (!g.expiresAt().isAfter(g.issuedAt())) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", g.email());
        claims.put("room_id", g.roomId());
        claims.put("role", g.role());
        claims.put("permissions", List.copyOf(g.permissions()));
        claims.put("iat", g.issuedAt().getEpochSecond());
        claims.put("exp", g.expiresAt().getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        if (g.guest()) {
            claims.put("guest", true);
            claims.put("guest_link_id", g.inviteId());
            if (g.name() != null) {
                claims.put("name", g.name());
            }
        } else if (g.inviteId() != null) {
            claims.put("invite_id", g.inviteId());
        }
        if (g.deviceId() != null) {
            claims.put("device_id", g.deviceId());
        }
        try {
            return Jws.sign(ring.activeSigner(), header, encodedHeader, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the access token");
        }
    }

    /** The public keys that verify these tokens: {@link KeyRing#publicJwksJson()}. */
    public String jwksJson() {
        return ring.publicJwksJson();
    }

    /**
     * Verifies signature (ES256, a key of the ring), {@code typ at+jwt}, {@code iss}, {@code aud}, {@code exp}
     * (required, against {@code clock}, no leeway) and {@code nbf} if present. Returns the claims as JSON values
     * (times as epoch seconds), unmodifiable.
     *
     * @throws InviteException {@link ErrorCode#UNAUTHENTICATED} for any problem
     */
    public Map<String, Object> verify(String token, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        JWTClaimsSet claims = Jws.verifyOwn(token, MAX_LENGTH, JWSAlgorithm.ES256, ring::verifier, TYPE);
        if (claims == null
                || !issuer.equals(claims.getIssuer())
                || claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw unauthenticated();
        }
        Instant now = clock.instant();
        if (Jws.expired(claims.getExpirationTime(), now, LEEWAY)
                || Jws.notYetValid(claims.getNotBeforeTime(), now, LEEWAY)) {
            throw unauthenticated();
        }
        return Collections.unmodifiableMap(claims.toJSONObject());
    }

    private static InviteException unauthenticated() {
        return new InviteException(ErrorCode.UNAUTHENTICATED);
    }
}
