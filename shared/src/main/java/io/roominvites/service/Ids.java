package io.roominvites.service;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Time-ordered invite ids (26 characters, Crockford base32, like a ULID): newest-first listing is a
 * key order. The random source is replaced after a SnapStart restore so that no two restored
 * containers share random state.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private volatile java.util.Random random;

    public Ids() {
        this.random = new SecureRandom();
    }

    /** Ids drawn from {@code random} (a seeded one makes them repeatable: the simulation's seam). */
    public Ids(java.util.Random random) {
        this.random = random;
    }

    /** 96 random bits in hex: a claim's id (who wrote it, read back after a write whose outcome was unknown). */
    public String newClaimId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    public String newInviteId(Instant now) {
        long time = now.toEpochMilli();
        byte[] rnd = new byte[10];
        random.nextBytes(rnd);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (rnd[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (rnd[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** A new room version: random, so that concurrent changes never share one (they are compared for equality only). */
    public long newVersion() {
        return random.nextLong() & Long.MAX_VALUE;
    }

    /** New random state: call after a snapshot restore. */
    public void reseed() {
        random = new SecureRandom();
    }

    public static boolean isInviteId(String id) {
        if (id == null || id.length() != 26) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (new String(ALPHABET).indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
