package io.roominvites.service;

import io.roominvites.domain.Invite;
import io.roominvites.domain.Locales;
import io.roominvites.domain.Role;
import io.roominvites.domain.Room;
import io.roominvites.email.EmailGateway;
import io.roominvites.i18n.Messages;

import java.time.Instant;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DecimalStyle;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An email in the invitee's language: which stored template it uses ({@code {name}-{locale}}, then
 * {@code {name}-{language}}, then {@code {name}}: the first that exists), and the template data that depends on the
 * language and the room's zone. One rule for the invitation (create, bulk, resend, reissue) and the follow-ups
 * (calendar update, cancellation, reminder: their base name is {@code {emailTemplateName}-updated} and so on).
 *
 * <p>Dates and times come from the JDK's locale data (CLDR): {@link DateTimeFormatterBuilder#getLocalizedDateTimePattern}
 * with the full date and the short time of the invite's locale, the zone's specific name ({@code zzzz}: "Japan
 * Standard Time", "Mitteleuropäische Sommerzeit") in that locale, and the locale's own digits
 * ({@link DecimalStyle#of}). Role and permission labels come from {@link Messages}.
 */
public final class EmailLanguage {
    private EmailLanguage() {
    }

    /**
     * The template names to try for {@code base} in {@code locale}, most specific first: {@code RoomInvitation-de-CH},
     * {@code RoomInvitation-de}, {@code RoomInvitation}.
     */
    public static List<String> candidates(String base, String locale) {
        List<String> out = new ArrayList<>();
        for (String tag : Locales.fallbacks(locale)) {
            out.add(base + "-" + tag);
        }
        out.add(base);
        return out;
    }

    /**
     * The first of {@link #candidates} that exists at the provider (each answer cached by the gateway), else
     * {@code base} itself (whose send then reports the missing template as usual).
     */
    public static String template(EmailGateway email, String base, String locale) {
        List<String> names = candidates(base, locale);
        for (int i = 0; i < names.size() - 1; i++) {
            if (email.templateExists(names.get(i))) {
                return names.get(i);
            }
        }
        return base;
    }

    /** A time as the invitee reads it: full date, short time and the zone's name, in {@code locale}, in {@code zone}. */
    public static String localText(Instant at, String locale, ZoneId zone) {
        Locale l = Locales.locale(locale);
        String pattern = DateTimeFormatterBuilder.getLocalizedDateTimePattern(FormatStyle.FULL, FormatStyle.SHORT,
                IsoChronology.INSTANCE, l);
        return DateTimeFormatter.ofPattern(pattern + " zzzz", l).withDecimalStyle(DecimalStyle.of(l)).withZone(zone)
                .format(at);
    }

    /** The language-dependent template data: {@code locale}, {@code timeZone}, the local texts, the role's labels. */
    static void addTo(Map<String, Object> data, Invite invite, Room room, String locale) {
        ZoneId zone = room.zone();
        data.put("roleLabel", roleLabel(invite.role(), locale));
        data.put("permissions", permissionLabels(invite.role(), locale));
        data.put("locale", locale);
        data.put("timeZone", zone.getId());
        data.put("startsAtLocalText", localText(room.startsAt(), locale, zone));
        data.put("expiresAtLocalText", localText(invite.expiresAt(), locale, zone));
    }

    static String roleLabel(Role role, String locale) {
        return Messages.text(locale, "role." + role.name());
    }

    static List<String> permissionLabels(Role role, String locale) {
        List<String> out = new ArrayList<>();
        for (Role.Permission p : role.permissions()) {
            out.add(Messages.text(locale, "permission." + p.id()));
        }
        return out;
    }
}
