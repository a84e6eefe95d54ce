package io.roominvites.domain;

import java.util.List;

/**
 * Site-wide settings an administrator controls.
 *
 * @param inviteToMediaEnabled the inviteToMedia module switch: invitations work only when it is on
 * @param emailTemplateName    the SES template used to email invitations, or null when none is configured
 * @param blockedDomains       email domains that may not be invited (a blocked domain also blocks its subdomains)
 * @param linkTtlMinutes       how long a new link stays redeemable (5 to 43200)
 * @param linkBaseUrl          the front end's join page; links are {@code linkBaseUrl#invite=token}
 * @param linkMaxDevices       the most devices one invite may allow (1 to 50; Kaltura calls it link reusability)
 * @param sendLimits           how many invites and resent emails a manager and a room may send a day, and the resend
 *                             cool-down
 * @param reminderMinutesBefore when, before a room's start, its emailed invitees get a reminder (a room may override it;
 *                             empty for none; {@link Reminders})
 * @param guestLinksPerRoom    how many guest links a room may have active at once (1 to 20, default 3)
 * @param defaultLocale        the language (BCP 47) of an invite created without one ({@link Locales#DEFAULT_LOCALE})
 * @param locales              the languages offered to invitees; the default locale is always among them
 */
public record SiteSettings(boolean inviteToMediaEnabled, String emailTemplateName, List<String> blockedDomains,
                           int linkTtlMinutes, String linkBaseUrl, int linkMaxDevices, SendLimits sendLimits,
                           List<Integer> reminderMinutesBefore, int guestLinksPerRoom, String defaultLocale,
                           List<String> locales) {
    public static final int DEFAULT_GUEST_LINKS_PER_ROOM = 3;
    public static final int MAX_GUEST_LINKS_PER_ROOM = 20;
    public static final int DEFAULT_LINK_TTL_MINUTES = 1440;
    public static final int MIN_LINK_TTL_MINUTES = 5;
    public static final int MAX_LINK_TTL_MINUTES = 43200;
    public static final int DEFAULT_LINK_MAX_DEVICES = 1;
    public static final int MAX_LINK_MAX_DEVICES = 50;

    public SiteSettings {
        blockedDomains = List.copyOf(blockedDomains);
        sendLimits = sendLimits == null ? SendLimits.defaults() : sendLimits;
        reminderMinutesBefore = reminderMinutesBefore == null ? Reminders.DEFAULT_MINUTES_BEFORE
                : Reminders.normalise(reminderMinutesBefore);
        guestLinksPerRoom = guestLinksPerRoom < 1 ? DEFAULT_GUEST_LINKS_PER_ROOM : guestLinksPerRoom;
        defaultLocale = defaultLocale == null ? Locales.DEFAULT_LOCALE : defaultLocale;
        java.util.List<String> offered = new java.util.ArrayList<>();
        if (locales != null) {
            for (String l : locales) {
                if (offered.stream().noneMatch(l::equalsIgnoreCase)) {
                    offered.add(l);
                }
            }
        }
        String fallback = defaultLocale;
        if (offered.stream().noneMatch(fallback::equalsIgnoreCase)) {
            offered.addFirst(fallback); // the default language is always offered
        }
        locales = List.copyOf(offered);
    }

    /** Settings in the default language only. */
    public SiteSettings(boolean inviteToMediaEnabled, String emailTemplateName, List<String> blockedDomains,
                        int linkTtlMinutes, String linkBaseUrl, int linkMaxDevices, SendLimits sendLimits,
                        List<Integer> reminderMinutesBefore, int guestLinksPerRoom) {
        this(inviteToMediaEnabled, emailTemplateName, blockedDomains, linkTtlMinutes, linkBaseUrl, linkMaxDevices,
                sendLimits, reminderMinutesBefore, guestLinksPerRoom, null, null);
    }

    /** Settings with the default reminders and number of guest links per room. */
    public SiteSettings(boolean inviteToMediaEnabled, String emailTemplateName, List<String> blockedDomains,
                        int linkTtlMinutes, String linkBaseUrl, int linkMaxDevices, SendLimits sendLimits) {
        this(inviteToMediaEnabled, emailTemplateName, blockedDomains, linkTtlMinutes, linkBaseUrl, linkMaxDevices,
                sendLimits, null, DEFAULT_GUEST_LINKS_PER_ROOM);
    }

    /** Settings with the default send limits. */
    public SiteSettings(boolean inviteToMediaEnabled, String emailTemplateName, List<String> blockedDomains,
                        int linkTtlMinutes, String linkBaseUrl, int linkMaxDevices) {
        this(inviteToMediaEnabled, emailTemplateName, blockedDomains, linkTtlMinutes, linkBaseUrl, linkMaxDevices,
                SendLimits.defaults());
    }

    /** Settings with single-device links (the default). */
    public SiteSettings(boolean inviteToMediaEnabled, String emailTemplateName, List<String> blockedDomains,
                        int linkTtlMinutes, String linkBaseUrl) {
        this(inviteToMediaEnabled, emailTemplateName, blockedDomains, linkTtlMinutes, linkBaseUrl,
                DEFAULT_LINK_MAX_DEVICES);
    }

    /** What a site has before an administrator saves settings: invitations off. */
    public static SiteSettings defaults() {
        return new SiteSettings(false, null, List.of(), DEFAULT_LINK_TTL_MINUTES, null);
    }

    /** True when the email's domain, or a parent of it, is blocked. */
    public boolean isBlocked(String email) {
        if (blockedDomains.isEmpty() || email == null) {
            return false;
        }
        for (String d : Emails.domainAndParents(email)) {
            if (blockedDomains.contains(d)) {
                return true;
            }
        }
        return false;
    }
}
