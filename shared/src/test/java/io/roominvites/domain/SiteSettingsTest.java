package io.roominvites.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SiteSettingsTest {

    private static SiteSettings blocking(String... domains) {
        return new SiteSettings(true, null, List.of(domains), 1440, "https://events.example.com/join");
    }

    @Test
    void defaultsHaveInvitationsOff() {
        SiteSettings d = SiteSettings.defaults();
        assertFalse(d.inviteToMediaEnabled());
        assertNull(d.emailTemplateName());
        assertEquals(List.of(), d.blockedDomains());
        assertEquals(1440, d.linkTtlMinutes());
        assertEquals(SiteSettings.DEFAULT_LINK_TTL_MINUTES, d.linkTtlMinutes());
        assertNull(d.linkBaseUrl());
        assertEquals(5, SiteSettings.MIN_LINK_TTL_MINUTES);
        assertEquals(43200, SiteSettings.MAX_LINK_TTL_MINUTES);
    }

    @Test
    void nothingIsBlockedWithoutBlockedDomains() {
        assertFalse(blocking().isBlocked("a@example.com"));
    }

    @Test
    void blocksTheDomainAndEverySubdomain() {
        SiteSettings s = blocking("blocked.example");
        assertTrue(s.isBlocked("a@blocked.example"));
        assertTrue(s.isBlocked("A@BLOCKED.Example"), "case-insensitive");
        assertTrue(s.isBlocked(" a@blocked.example "), "trimmed");
        assertTrue(s.isBlocked("a@mail.blocked.example"));
        assertTrue(s.isBlocked("a@x.y.z.blocked.example"));
    }

    @Test
    void doesNotBlockLookAlikesOrParents() {
        SiteSettings s = blocking("blocked.example");
        assertFalse(s.isBlocked("a@notblocked.example"), "a suffix that is not a subdomain");
        assertFalse(s.isBlocked("a@blocked.example.org"), "the blocked domain as a prefix");
        assertFalse(s.isBlocked("a@example"), "a parent of the blocked domain");
        assertFalse(s.isBlocked("blocked.example@other.example"), "the local part does not count");
    }

    @Test
    void blockingASubdomainLeavesTheParentOpen() {
        SiteSettings s = blocking("mail.example.com");
        assertTrue(s.isBlocked("a@mail.example.com"));
        assertTrue(s.isBlocked("a@eu.mail.example.com"));
        assertFalse(s.isBlocked("a@example.com"));
        assertFalse(s.isBlocked("a@web.example.com"));
    }

    @Test
    void anyOfSeveralDomains() {
        SiteSettings s = blocking("one.example", "two.example");
        assertTrue(s.isBlocked("a@one.example"));
        assertTrue(s.isBlocked("a@x.two.example"));
        assertFalse(s.isBlocked("a@three.example"));
    }

    @Test
    void blockedDomainsAreACopy() {
        List<String> domains = new ArrayList<>(List.of("one.example"));
        SiteSettings s = new SiteSettings(true, null, domains, 1440, null);
        domains.add("two.example");
        assertFalse(s.isBlocked("a@two.example"));
        assertThrows(UnsupportedOperationException.class, () -> s.blockedDomains().add("x.example"));
    }
}
