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
 * {@code iss}, {@code inv}, {@code lv} (the link's version: a reissue makes earlier links answer LINK_REPLACED),
 * {@code iat}, {@code exp}. No personal data in the link. The same keys seal the list pages' cursors
 * ({@link #sealCursor}), so a hand-made cursor is refused before it reaches the store.
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
    static final String VERSION_CLAIM = "lv";
    /** Guest link tokens: the same MAC, another type and claim, so neither kind of link opens as the other. */
    static final JOSEObjectType GUEST_TYPE = new JOSEObjectType("guest-link+jwt");
    static final String GUEST_CLAIM = "gl";
    static final JOSEObjectType CURSOR_TYPE = new JOSEObjectType("page-cursor+jwt");
    /** Longest cursor accepted (characters). */
    public static final int MAX_CURSOR_LENGTH = 512;

    private final KeyRing ring;
    private final String issuer;
    private final JWSHeader header;
    private final String encodedHeader;
    private final JWSHeader cursorHeader;
    private final String encodedCursorHeader;
    private final AccessCodes accessCodes;
    private final JWSHeader guestHeader;
    private final String encodedGuestHeader;

    public LinkTokens(KeyRing ring, String issuer) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.issuer = Jws.requireText(issuer, "issuer");
        this.header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ring.activeKid()).type(TYPE).build();
        this.encodedHeader = header.toBase64URL().toString();
        this.cursorHeader = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ring.activeKid()).type(CURSOR_TYPE).build();
        this.encodedCursorHeader = cursorHeader.toBase64URL().toString();
        this.accessCodes = new AccessCodes(ring);
        this.guestHeader = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(ring.activeKid()).type(GUEST_TYPE).build();
        this.encodedGuestHeader = guestHeader.toBase64URL().toString();
    }

    /**
     * A signed guest link token for {@code guestLinkRef} ({@code roomId:guestLinkId}), valid until {@code expiresAt}:
     * header {@code typ: guest-link+jwt}, claims {@code iss}, {@code gl}, {@code iat}, {@code exp}. An invite link's
     * verification refuses it (another type), as the guest link's refuses an invite link's token.
     */
    public String issueGuest(String guestLinkRef, Instant expiresAt, Instant now) {
        Jws.requireText(guestLinkRef, "guestLinkRef");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put(GUEST_CLAIM, guestLinkRef);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        try {
            return Jws.sign(ring.activeLinkSigner(), guestHeader, encodedGuestHeader, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign the guest link token");
        }
    }

    /**
     * The {@code roomId:guestLinkId} a guest link token names, after checking its shape, algorithm, type, key, MAC and
     * issuer (not its expiry: the guest link's stored expiry decides). LINK_INVALID for any problem, an invite link's
     * token included.
     */
    public GuestRef verifyGuest(String token) {
        JWTClaimsSet claims = Jws.verifyOwn(token, MAX_LENGTH, JWSAlgorithm.HS256, ring::linkVerifier, GUEST_TYPE);
        if (claims == null || !issuer.equals(claims.getIssuer())
                || !(claims.getClaim(GUEST_CLAIM) instanceof String ref) || ref.isBlank()
                || claims.getExpirationTime() == null) {
            throw invalid();
        }
        int sep = ref.indexOf(':');
        if (sep <= 0 || sep == ref.length() - 1) {
            throw invalid();
        }
        return new GuestRef(ref.substring(0, sep), ref.substring(sep + 1), claims.getExpirationTime().toInstant());
    }

    /**
     * What a verified guest link token names (its {@code roomId:guestLinkId}), and the link's expiry when it was issued
     * (a guest link's expiry never moves: once the item is gone, this still tells an expired link from a wrong one).
     */
    public record GuestRef(String roomId, String guestLinkId, Instant expiresAt) {
    }

    /** The access codes of links, under the same ring (a code works while a link of the same key would). */
    public AccessCodes accessCodes() {
        return accessCodes;
    }

    /** The access code of {@code invite}'s current link, as shown: {@code XXXX-XXXX}. */
    public String accessCode(String inviteId, int linkVersion) {
        return io.roominvites.domain.AccessCode.display(accessCodes.code(inviteId, linkVersion));
    }

    /** A signed link token for {@code inviteId}, valid until {@code expiresAt} (both instants in whole seconds). */
    public String issue(String inviteId, Instant expiresAt, Instant now) {
        return issue(inviteId, 1, expiresAt, now);
    }

    /** A signed link token for version {@code linkVersion} of {@code inviteId}'s link. */
    public String issue(String inviteId, int linkVersion, Instant expiresAt, Instant now) {
        Jws.requireText(inviteId, "inviteId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(now, "now");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put(INVITE_CLAIM, inviteId);
        if (linkVersion != 1) {
            claims.put(VERSION_CLAIM, linkVersion);
        }
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
        Object lv = claims.getClaim(VERSION_CLAIM);
        int version = 1;
        if (lv != null) {
            if (!(lv instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE
                    || n.doubleValue() != n.longValue()) {
                throw invalid();
            }
            version = n.intValue();
        }
        return new LinkClaims(inviteId, version, exp.toInstant());
    }

    /** An opaque, MAC-protected cursor that continues {@code listing} of {@code roomId} after {@code after}. */
    public String sealCursor(String listing, String roomId, String after) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("l", listing);
        claims.put("r", roomId);
        claims.put("a", after);
        try {
            return Jws.sign(ring.activeLinkSigner(), cursorHeader, encodedCursorHeader, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not seal the cursor");
        }
    }

    /**
     * Where a cursor from {@link #sealCursor} continues {@code listing} of {@code roomId}: the id after which the next
     * page starts; INVALID_REQUEST (field cursor) for a cursor that is forged, altered, or of another listing.
     */
    public String openCursor(String cursor, String listing, String roomId) {
        JWTClaimsSet claims = Jws.verifyOwn(cursor, MAX_CURSOR_LENGTH, JWSAlgorithm.HS256, ring::linkVerifier, CURSOR_TYPE);
        if (claims == null || !listing.equals(claims.getClaim("l")) || !roomId.equals(claims.getClaim("r"))
                || !(claims.getClaim("a") instanceof String after) || after.isEmpty()) {
            throw InviteException.invalid("cursor", "is not a cursor from this listing; start again without it");
        }
        return after;
    }

    private static InviteException invalid() {
        return new InviteException(ErrorCode.LINK_INVALID);
    }
}
