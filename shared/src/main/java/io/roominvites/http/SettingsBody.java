package io.roominvites.http;

import io.roominvites.domain.Emails;
import io.roominvites.domain.FieldError;
import io.roominvites.domain.SendLimits;
import io.roominvites.domain.SiteSettings;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The body of {@code PUT /admin/settings}: every field's rule and message (the contract's), all problems at once. */
final class SettingsBody {
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private SettingsBody() {
    }

    /** The settings {@code b} asks for; INVALID_REQUEST naming every field at fault. */
    static SiteSettings parse(Body b) {
        Boolean enabled = b.bool("inviteToMediaEnabled", true, null);
        String template = b.string("emailTemplateName", false, 64);
        if (template != null && !template.isEmpty() && !TEMPLATE_NAME.matcher(template).matches()) {
            b.problem("emailTemplateName", "may contain only letters, digits, '-' and '_' (at most 64)");
        }
        List<String> domains = b.strings("blockedDomains", 500, 253);
        Set<String> blocked = new LinkedHashSet<>();
        for (String d : domains) {
            String norm = d.toLowerCase(Locale.ROOT);
            if (norm.startsWith("@")) {
                norm = norm.substring(1);
            }
            if (!Emails.isValidDomain(norm)) {
                b.problem("blockedDomains", "'" + d + "' is not a domain like example.com");
            }
            blocked.add(norm);
        }
        Long ttl = b.integer("linkTtlMinutes", false, SiteSettings.MIN_LINK_TTL_MINUTES, SiteSettings.MAX_LINK_TTL_MINUTES,
                (long) SiteSettings.DEFAULT_LINK_TTL_MINUTES);
        String base = b.string("linkBaseUrl", true, 512);
        if (base != null && !isLinkBase(base)) {
            b.problem("linkBaseUrl", "must be an https URL without a fragment (http only for localhost)");
        }
        Long maxDevices = b.integer("linkMaxDevices", false, 1, SiteSettings.MAX_LINK_MAX_DEVICES,
                (long) SiteSettings.DEFAULT_LINK_MAX_DEVICES);
        SendLimits limits = sendLimits(b);
        List<Integer> reminders = reminderMinutes(b, "reminderMinutesBefore");
        Long guestLinks = b.integer("guestLinksPerRoom", false, 1, SiteSettings.MAX_GUEST_LINKS_PER_ROOM,
                (long) SiteSettings.DEFAULT_GUEST_LINKS_PER_ROOM);
        String defaultLocale = locale(b, "defaultLocale");
        List<String> locales = locales(b);
        if (defaultLocale != null && locales != null && locales.stream().noneMatch(defaultLocale::equalsIgnoreCase)) {
            b.problem("defaultLocale", "must be one of locales (" + String.join(", ", locales) + ")");
        }
        b.check();
        SiteSettings s = new SiteSettings(enabled, template == null || template.isEmpty() ? null : template,
                List.copyOf(blocked), ttl.intValue(), base, maxDevices.intValue(), limits, reminders,
                guestLinks.intValue(), defaultLocale, locales);
        return s;
    }

    /** The settings' {@code sendLimits} object (each member optional, its default otherwise); problems go to {@code b}. */
    @SuppressWarnings("unchecked")
    private static SendLimits sendLimits(Body b) {
        Object raw = b.raw("sendLimits");
        if (raw == null) {
            return SendLimits.defaults();
        }
        if (!(raw instanceof Map<?, ?> object)) {
            b.problem("sendLimits", "must be an object with perManagerPerDay, perRoomPerDay and resendCooldownSeconds");
            return SendLimits.defaults();
        }
        Body in = Body.of((Map<String, Object>) object);
        long perManager = in.integer("perManagerPerDay", false, 1, SendLimits.MAX_PER_DAY, (long) SendLimits.DEFAULT_PER_MANAGER_PER_DAY);
        long perRoom = in.integer("perRoomPerDay", false, 1, SendLimits.MAX_PER_DAY, (long) SendLimits.DEFAULT_PER_ROOM_PER_DAY);
        long cooldown = in.integer("resendCooldownSeconds", false, 0, SendLimits.MAX_RESEND_COOLDOWN_SECONDS,
                (long) SendLimits.DEFAULT_RESEND_COOLDOWN_SECONDS);
        for (FieldError f : in.problems()) {
            b.problem("sendLimits." + f.field(), f.problem());
        }
        return new SendLimits((int) perManager, (int) perRoom, (int) cooldown);
    }

    /**
     * The list of minutes before a start that reminders go out at ({@code field}: settings' or a room's), null when
     * absent; problems go to {@code b}.
     */
    static List<Integer> reminderMinutes(Body b, String field) {
        Object raw = b.raw(field);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof List<?> list)) {
            b.problem(field, "must be a list of minutes before the start, e.g. [1440, 60] ([] for none)");
            return null;
        }
        String problem = io.roominvites.domain.Reminders.problem(list);
        if (problem != null) {
            b.problem(field, problem);
            return null;
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (Object o : list) {
            out.add(((Number) o).intValue());
        }
        return out;
    }

    /** An optional BCP 47 tag in its canonical form ({@code de-ch} → {@code de-CH}); problems go to {@code b}. */
    static String locale(Body b, String field) {
        String raw = b.string(field, false, 35);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String canonical = io.roominvites.domain.Locales.canonical(raw);
        if (canonical == null) {
            b.problem(field, io.roominvites.domain.Locales.problem(raw));
        }
        return canonical;
    }

    /** The settings' {@code locales}: a non-empty list of distinct BCP 47 tags, canonical; null when absent. */
    private static List<String> locales(Body b) {
        Object raw = b.raw("locales");
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > io.roominvites.domain.Locales.MAX_LOCALES) {
            b.problem("locales", "must be a list of 1 to " + io.roominvites.domain.Locales.MAX_LOCALES
                    + " BCP 47 language tags, like [\"en\", \"de\", \"es\"]");
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        for (Object o : list) {
            String canonical = o instanceof String t ? io.roominvites.domain.Locales.canonical(t) : null;
            if (canonical == null) {
                b.problem("locales", "'" + o + "' " + io.roominvites.domain.Locales.problem(null));
            } else if (out.stream().noneMatch(canonical::equalsIgnoreCase)) {
                out.add(canonical);
            }
        }
        return out;
    }

    private static boolean isLinkBase(String url) {
        try {
            URI u = URI.create(url);
            if (u.getFragment() != null || u.getHost() == null) {
                return false;
            }
            return "https".equals(u.getScheme()) || ("http".equals(u.getScheme())
                    && ("localhost".equals(u.getHost()) || "127.0.0.1".equals(u.getHost())));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

}
