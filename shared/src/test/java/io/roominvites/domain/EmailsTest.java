package io.roominvites.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailsTest {

    @Test
    void normalizeTrimsAndLowerCasesAndKeepsNull() {
        assertEquals("guest@example.org", Emails.normalize("  Guest@Example.ORG \t"));
        assertEquals("", Emails.normalize("   "));
        assertNull(Emails.normalize(null));
    }

    @Test
    void normalizeIsLocaleIndependent() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            assertEquals("ida@example.com", Emails.normalize("IDA@EXAMPLE.COM"));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a@example.com",
            "A.B@Example.COM",
            " padded@example.com ",
            "first.last+tag@sub.example.co.uk",
            "o'brien@example.ie",
            "x_y-z@my-host.example",
            "!#$%&'*+/=?^_`{|}~-@example.com",
            "digits123@123.example.com",
    })
    void acceptsValidAddresses(String email) {
        assertNull(Emails.problem(email), email);
        assertTrue(Emails.isValid(email));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "plain",
            "@example.com",
            "name@",
            "a@@example.com",
            "a@b@example.com",
            ".dot@example.com",
            "dot.@example.com",
            "do..t@example.com",
            "sp ace@example.com",
            "a@localhost",
            "a@example",
            "a@-example.com",
            "a@example-.com",
            "a@exa_mple.com",
            "a@example..com",
            "a@.example.com",
            "a@example.com.",
            "a@1.2.3.4",
            "a@[127.0.0.1]",
            "ü@example.com",
            "a@bücher.de",
            "\"quoted\"@example.com",
    })
    void refusesInvalidAddresses(String email) {
        assertNotNull(Emails.problem(email), email);
        assertFalse(Emails.isValid(email));
    }

    @Test
    void requiredAndLengthProblems() {
        assertEquals("is required", Emails.problem(null));
        assertEquals("is required", Emails.problem(""));
        assertEquals("is required", Emails.problem("   "));
        String local64 = "a".repeat(64);
        assertNull(Emails.problem(local64 + "@example.com"));
        assertNotNull(Emails.problem("a".repeat(65) + "@example.com"), "local part over 64");
        String label63 = "b".repeat(63);
        assertNull(Emails.problem("a@" + label63 + ".com"));
        assertNotNull(Emails.problem("a@" + "b".repeat(64) + ".com"), "label over 63");
        // 254 characters in all is the most
        String domain = String.join(".", "c".repeat(60), "d".repeat(60), "e".repeat(60), "f".repeat(50)) + ".com";
        String email = "a".repeat(254 - 1 - domain.length()) + "@" + domain;
        assertEquals(254, email.length());
        assertNull(Emails.problem(email));
        String tooLong = "a" + email;
        assertEquals("must be at most 254 characters", Emails.problem(tooLong));
    }

    @Test
    void validDomains() {
        assertTrue(Emails.isValidDomain("example.com"));
        assertTrue(Emails.isValidDomain("a.b.example.com"));
        assertTrue(Emails.isValidDomain("x1.io"));
        assertFalse(Emails.isValidDomain(null));
        assertFalse(Emails.isValidDomain(""));
        assertFalse(Emails.isValidDomain("com"));
        assertFalse(Emails.isValidDomain("Example.com"), "domains are expected lower case");
        assertFalse(Emails.isValidDomain("example.123"), "all-digit top-level label");
        assertFalse(Emails.isValidDomain("example.com."));
        assertFalse(Emails.isValidDomain("exa mple.com"));
        assertFalse(Emails.isValidDomain("x".repeat(250) + ".com"));
    }

    @Test
    void domainIsTheNormalisedPartAfterTheAt() {
        assertEquals("example.com", Emails.domain(" Guest@EXAMPLE.com "));
        assertEquals("mail.example.com", Emails.domain("a@mail.example.com"));
    }

    @Test
    void domainAndParentsStopsAtTwoLabels() {
        assertEquals(List.of("a.b.example.com", "b.example.com", "example.com"), Emails.domainAndParents("x@A.B.Example.com"));
        assertEquals(List.of("example.com"), Emails.domainAndParents("x@example.com"));
        assertEquals(List.of("mail.example.co.uk", "example.co.uk", "co.uk"), Emails.domainAndParents("x@mail.example.co.uk"));
    }

    @Test
    void maskKeepsFirstCharacterAndDomain() {
        assertEquals("g***@example.org", Emails.mask("guest@example.org"));
        assertEquals("g***@example.org", Emails.mask("g@example.org"));
        assertEquals("***", Emails.mask("no-at-sign"));
        assertEquals("***", Emails.mask("@example.org"));
        assertNull(Emails.mask(null));
        String masked = Emails.mask("secret.person@example.org");
        assertFalse(masked.contains("secret"));
    }
}
