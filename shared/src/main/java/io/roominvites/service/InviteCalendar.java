package io.roominvites.service;

import io.roominvites.calendar.CalendarWriter;
import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.Room;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code POST /invites/calendar}: the session of a link as an iCalendar file for the join page's "Add to calendar",
 * refused exactly as the link's preview is (LINK_INVALID, INVITE_REVOKED, ROOM_DELETED...). One event, its UID stable
 * for the invite ({@code {inviteId}@room-invites}), its SEQUENCE the room's last change in seconds (so a later
 * download, after the room moved, replaces the entry in a calendar that kept the first), the join link as URL.
 */
public final class InviteCalendar {
    private final InviteeEntry entry;
    private final SettingsCache settings;
    private final CalendarWriter writer;
    private final Clock clock;

    /** @param writer null where no calendar library is deployed (the route then answers 503) */
    public InviteCalendar(InviteeEntry entry, SettingsCache settings, CalendarWriter writer, Clock clock) {
        this.entry = entry;
        this.settings = settings;
        this.writer = writer;
        this.clock = clock;
    }

    /** The iCalendar text of the link's session. */
    public String ics(String token) {
        if (writer == null) {
            throw new InviteException(ErrorCode.SERVICE_UNAVAILABLE, "Calendar files are not offered here.");
        }
        InviteeEntry.Preview p = entry.preview(token, null, null);
        return writer.write(event(p.invite(), p.room(), settings.get().linkBaseUrl() + "#invite=" + token,
                clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    }

    /**
     * The invitation email's {@code invite.ics} (METHOD:REQUEST, the invitee as attendee) for {@code invite} in
     * {@code room} with {@code link}; none where no calendar writer is deployed.
     */
    public static java.util.List<io.roominvites.email.EmailGateway.Attachment> attachment(CalendarWriter writer, Invite invite,
                                                                                         Room room, String link, Instant now) {
        return attachment(writer, invite, room, link, now, null);
    }

    /** As {@link #attachment(CalendarWriter, Invite, Room, String, Instant)}, with the sender as ORGANIZER. */
    public static java.util.List<io.roominvites.email.EmailGateway.Attachment> attachment(CalendarWriter writer, Invite invite,
                                                                                         Room room, String link, Instant now,
                                                                                         String organizerEmail) {
        if (writer == null || room == null) {
            return java.util.List.of();
        }
        CalendarWriter.Event e = event(invite, room, link, now);
        String ics;
        try {
            ics = writer.write(new CalendarWriter.Event(CalendarWriter.Method.REQUEST, e.uid(), e.sequence(), e.startsAt(),
                    e.endsAt(), e.summary(), e.description(), e.url(), e.organizerName(), e.stampedAt(), invite.email(),
                    organizerEmail));
        } catch (RuntimeException failure) {
            // the invitation goes out all the same, without its calendar file: the join page offers the file too
            io.roominvites.logging.Log.warn("invite.ics not written", java.util.Map.of("errorType", failure.getClass().getName()));
            return java.util.List.of();
        }
        return java.util.List.of(new io.roominvites.email.EmailGateway.Attachment("invite.ics",
                "text/calendar; charset=utf-8; method=REQUEST", ics.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The calendar event of {@code invite}'s session in {@code room}, joined by {@code link}. */
    static CalendarWriter.Event event(Invite invite, Room room, String link, Instant now) {
        Instant changed = room.updatedAt() != null ? room.updatedAt() : invite.createdAt();
        String description = (room.description() == null || room.description().isBlank() ? "" : room.description() + "\n\n")
                + "Join: " + link + "\n(this link is personal: it works on your device only)";
        return new CalendarWriter.Event(CalendarWriter.Method.PUBLISH, invite.inviteId() + "@room-invites",
                changed.getEpochSecond(), room.startsAt(), room.endsAt(), room.title(), description, link,
                invite.createdByName(), now);
    }
}
