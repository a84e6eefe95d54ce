package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Invitation link tokens: compact HS256 JWS, header {@code typ: invite-link+jwt} and {@code kid}, claims only
 * {@code iss}, {@code inv}, {@code iat}, {@code exp}. No personal data in the link.
 *
 * <p>Only this service reads link tokens, so they carry a MAC, not a public-key signature: the key of each
 * {@code kid} is derived from the ring's private key ({@link KeyRing}), verification takes microseconds instead of
 * the ~0.8 ms of a P-256 check, and the algorithm is pinned (an ES256 or any other token is refused).
 *
 * <p>{@link #verify} checks everything but expiry: it returns {@code expiresAt} so that the caller can let a
 * device that already holds the invitation re-enter after the link's expiry.
 */
public final class LinkTokens {

    /** Longest link token accepted (characters). */
    static final int MAX_LENGTH = 2048;
    static final JOSEObjectType TYPE = new JOSEObjectType("invite-link+jwt");
    static final String INVITE_CLAIM = "inv";

    private final KeyRing ring;
    private final String issuer;
    private final JWSHeader header;
    private final String encodedHeader;

    public LinkTokens(KeyRing ring, String issuer) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.issuer = Jws.requireText(issuer, "issuer");
        this.header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ring.activeKid()).type(TYPE).build();
        this.encodedHeader = header.toBase64URL().toString();
    }

    /** A signed link token for {@code inviteId}, valid until {@code expiresAt} (both instants in whole seconds). */
    public String issue(String inviteId, Instant expiresAt, Instant now) {
        Jws.requireText(inviteId, "inviteId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put(INVITE_CLAIM, inviteId);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        String token;
        try {
            token = Jws.sign(ring.activeLinkSigner(), header, encodedHeader, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the link token");
        }
        if (token.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("inviteId is too long for a link token");
        }
        return token;
    }

    /**
     * Verifies a link token's shape, algorithm (HS256 only), type, key, MAC and issuer, and returns its claims.
     * Does not reject an expired link.
     *
     * @throws InviteException {@link ErrorCode#LINK_INVALID} for any problem
     */
    public LinkClaims verify(String token) {
        JWTClaimsSet claims = Jws.verifyOwn(token, MAX_LENGTH, JWSAlgorithm.HS256, ring::linkVerifier, TYPE);
        if (claims == null || !issuer.equals(claims.getIssuer())) {
            throw invalid();
        }
        Object inv = claims.getClaim(INVITE_CLAIM);
        Date exp = claims.getExpirationTime();
        if (!(inv instanceof String inviteId) || inviteId.isBlank() || exp == null) {
            throw invalid();
        }
        return new LinkClaims(inviteId, exp.toInstant());
    }

    private static InviteException invalid() {
        return new InviteException(ErrorCode.LINK_INVALID);
    }
}
