package io.roominvites.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.InviteException;

import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Invitation link tokens: compact ES256 JWS, header {@code typ: invite-link+jwt} and {@code kid}, claims only
 * {@code iss}, {@code inv}, {@code iat}, {@code exp}. No personal data in the link.
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

    public LinkTokens(KeyRing ring, String issuer) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.issuer = Jws.requireText(issuer, "issuer");
    }

    /** A signed link token for {@code inviteId}, valid until {@code expiresAt} (both instants in whole seconds). */
    public String issue(String inviteId, Instant expiresAt, Instant now) {
        Jws.requireText(inviteId, "inviteId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(ring.activeKid())
                .type(TYPE)
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .claim(INVITE_CLAIM, inviteId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(ring.activeSigner());
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the link token");
        }
        String token = jwt.serialize();
        if (token.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("inviteId is too long for a link token");
        }
        return token;
    }

    /**
     * Verifies a link token's shape, algorithm (ES256 only), type, key, signature and issuer, and returns its claims.
     * Does not reject an expired link.
     *
     * @throws InviteException {@link ErrorCode#LINK_INVALID} for any problem
     */
    public LinkClaims verify(String token) {
        // a token's verdict can't change while this ring lives (verify ignores the clock): a preview poll
        // and the redeem that follows it skip the ~0.8 ms P-256 verification
        LinkClaims known = token == null ? null : verified.get(token);
        if (known != null) {
            return known;
        }
        LinkClaims result = check(token);
        if (verified.size() >= VERIFIED_MAX) {
            verified.clear();
        }
        verified.put(token, result);
        return result;
    }

    private LinkClaims check(String token) {
        JWTClaimsSet claims = Jws.verifyOwn(token, MAX_LENGTH, ring, TYPE);
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

    /** Verified tokens remembered per container (bounded; only valid tokens, so forgeries can't fill it). */
    private static final int VERIFIED_MAX = 4096;
    private final java.util.Map<String, LinkClaims> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private static InviteException invalid() {
        return new InviteException(ErrorCode.LINK_INVALID);
    }
}
