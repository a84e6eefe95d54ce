package io.roominvites.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Email normalisation, validation, domains and masking for logs. */
public final class Emails {
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Emails() {
    }

    /** Trimmed and lower-cased; null stays null. Emails are compared case-insensitively. */
    public static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    /** Null when the (normalised) address is acceptable, else the problem, for a field error. */
    public static String problem(String email) {
        if (email == null || email.isBlank()) {
            return "is required";
        }
        String e = normalize(email);
        if (e.length() > 254) {
            return "must be at most 254 characters";
        }
        int at = e.indexOf('@');
        if (at <= 0 || at != e.lastIndexOf('@') || at == e.length() - 1) {
            return "must be an email address like name@example.com";
        }
        String local = e.substring(0, at);
        if (!LOCAL.matcher(local).matches() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return "must be an email address like name@example.com";
        }
        return isValidDomain(e.substring(at + 1)) ? null : "must be an email address with a valid domain, like name@example.com";
    }

    public static boolean isValid(String email) {
        return problem(email) == null;
    }

    /** A DNS host name with at least two labels, lower case. */
    public static boolean isValidDomain(String domain) {
        if (domain == null || domain.length() > 253 || domain.isEmpty()) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    public static String domain(String email) {
        String e = normalize(email);
        return e.substring(e.lastIndexOf('@') + 1);
    }

    /** The domain and each parent domain with at least two labels: a.b.example.com, b.example.com, example.com. */
    public static List<String> domainAndParents(String email) {
        String d = domain(email);
        List<String> out = new ArrayList<>();
        out.add(d);
        int dot = d.indexOf('.');
        while (dot >= 0) {
            String parent = d.substring(dot + 1);
            if (parent.indexOf('.') < 0) {
                break;
            }
            out.add(parent);
            dot = d.indexOf('.', dot + 1);
        }
        return out;
    }

    /**
     * The key under which the store finds every item that holds this (normalised) address, to erase it: SHA-256 of a
     * fixed prefix and the address, 32 hex digits (128 bits). Not keyed with a secret: the items it indexes hold the
     * address itself until they are erased, so a secret would hide nothing they do not show, and a key that must
     * never change (or the index forgets every older item) is a secret no one can rotate. Erasure removes it with the
     * address, so nothing derived from the address is left behind.
     */
    public static String erasureKey(String email) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    ("room-invites/erasure/v1\n" + normalize(email)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For logs: the first character of the local part and the domain, {@code a***@example.com}. */
    public static String mask(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}
