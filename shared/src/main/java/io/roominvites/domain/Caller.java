package io.roominvites.domain;

/**
 * A verified caller, from the site's identity provider token.
 *
 * @param subject   the token's {@code sub}
 * @param email     normalised (trimmed, lower case) email, or null when the token has none
 * @param firstName given name, may be null
 * @param lastName  family name, may be null
 * @param siteAdmin true when the token carries {@code site_admin: true}
 */
public record Caller(String subject, String email, String firstName, String lastName, boolean siteAdmin) {

    public String displayName() {
        String first = firstName == null ? "" : firstName.trim();
        String last = lastName == null ? "" : lastName.trim();
        String name = (first + " " + last).trim();
        return name.isEmpty() ? (email == null ? subject : email) : name;
    }
}
