package io.roominvites.domain;

/**
 * An invite's access code as people read and type it: 8 characters of Crockford's base32 (40 bits), shown
 * {@code XXXX-XXXX}; typed in any case, with or without the dash or spaces, and with the letters Crockford reads as
 * digits ({@code O} for 0, {@code I} and {@code L} for 1).
 */
public final class AccessCode {
    /** Crockford's base32 alphabet: digits and letters without I, L, O and U. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public static final int LENGTH = 8;

    private AccessCode() {
    }

    /** The code of 40 bits (the low 40 of {@code bits}), 8 characters, no dash. */
    public static String of(long bits) {
        char[] out = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (bits & 31));
            bits >>>= 5;
        }
        return new String(out);
    }

    /** {@code ABCD-EFGH}, as the email and the create answer show it. */
    public static String display(String code) {
        return code.substring(0, 4) + "-" + code.substring(4);
    }

    /** The code typed, as 8 characters of the alphabet; null when it cannot be one. */
    public static String normalize(String typed) {
        if (typed == null || typed.length() > 32) {
            return null;
        }
        StringBuilder b = new StringBuilder(LENGTH);
        for (int i = 0; i < typed.length(); i++) {
            char c = Character.toUpperCase(typed.charAt(i));
            if (c == '-' || c == ' ') {
                continue;
            }
            c = switch (c) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            };
            if (ALPHABET.indexOf(c) < 0) {
                return null;
            }
            b.append(c);
        }
        return b.length() == LENGTH ? b.toString() : null;
    }
}
