package io.roominvites.tokens;

import io.roominvites.domain.AccessCode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;

/**
 * Invites' access codes: 40 bits of HMAC-SHA256 under a key derived from the signing key ({@link KeyRing#codeKeys}),
 * of the invite's id and link version. Nothing is stored: the code is the same for every email of one link (create,
 * resend, a queued send) and changes with a reissue (a new link version), so the old code stops working with the old
 * link. Without the key, a code is as unpredictable as 40 random bits from a CSPRNG; with a code, the key can't be
 * learnt. A code is checked against the invites of the email typed, in the room typed, with every key of the ring.
 */
public final class AccessCodes {
    private final List<byte[]> keys;

    public AccessCodes(KeyRing ring) {
        this.keys = ring.codeKeys();
    }

    /** The invite's code for its current link (the active key's): 8 characters, no dash. */
    public String code(String inviteId, int linkVersion) {
        return code(keys.getFirst(), inviteId, linkVersion);
    }

    /** True when {@code normalized} is the code of that link under any key of the ring (compared in constant time). */
    public boolean matches(String inviteId, int linkVersion, String normalized) {
        boolean match = false;
        byte[] given = normalized.getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(code(key, inviteId, linkVersion).getBytes(StandardCharsets.US_ASCII), given);
        }
        return match;
    }

    private static String code(byte[] key, String inviteId, int linkVersion) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal(("access-code/v1\n" + inviteId + "\n" + linkVersion).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 5; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            return AccessCode.of(bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
