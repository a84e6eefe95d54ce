package io.roominvites.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A live virtual room. Managers (owner, co-owners, co-editors, co-publishers) are identified by
 * normalised email. A deleted room is kept as a tombstone so its links can say ROOM_DELETED.
 */
public record Room(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                   boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                   List<String> coEditors, List<String> coPublishers, boolean deleted, long version,
                   Instant updatedAt, List<Integer> reminderMinutesBefore, String timeZone) {

    public Room {
        timeZone = timeZone == null ? Locales.DEFAULT_TIME_ZONE : timeZone;
        coOwners = List.copyOf(coOwners);
        coEditors = List.copyOf(coEditors);
        coPublishers = List.copyOf(coPublishers);
        reminderMinutesBefore = reminderMinutesBefore == null ? null : Reminders.normalise(reminderMinutesBefore);
    }

    /** A room in UTC. */
    public Room(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                List<String> coEditors, List<String> coPublishers, boolean deleted, long version, Instant updatedAt,
                List<Integer> reminderMinutesBefore) {
        this(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner, coOwners, coEditors,
                coPublishers, deleted, version, updatedAt, reminderMinutesBefore, null);
    }

    /** A room that keeps the site's reminders. */
    public Room(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                List<String> coEditors, List<String> coPublishers, boolean deleted, long version, Instant updatedAt) {
        this(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner, coOwners, coEditors,
                coPublishers, deleted, version, updatedAt, null);
    }

    /** The reminders in force for this room: its own, else the site's. */
    public List<Integer> reminders(SiteSettings settings) {
        return reminderMinutesBefore != null ? reminderMinutesBefore : settings.reminderMinutesBefore();
    }

    /** Owner, co-owner, co-editor or co-publisher: the people who may invite. */
    public boolean isManager(String email) {
        if (email == null) {
            return false;
        }
        String e = Emails.normalize(email);
        return e.equals(owner) || coOwners.contains(e) || coEditors.contains(e) || coPublishers.contains(e);
    }

    public SessionState state(Instant now) {
        return sessionState(startsAt, endsAt, now);
    }

    /** What an administrator set (without the version, time and tombstone the store keeps). */
    public RoomDetails details() {
        return new RoomDetails(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner,
                coOwners, coEditors, coPublishers, reminderMinutesBefore, timeZone);
    }

    /** The room's zone (IANA). */
    public java.time.ZoneId zone() {
        return Locales.zoneId(timeZone);
    }

    public RoomView view() {
        return new RoomView(roomId, title, description, startsAt, endsAt, timeZone);
    }

    public static SessionState sessionState(Instant startsAt, Instant endsAt, Instant now) {
        if (now.isBefore(startsAt)) {
            return SessionState.NOT_STARTED;
        }
        return now.isBefore(endsAt) ? SessionState.OPEN : SessionState.ENDED;
    }

    /** Whole seconds until the start, never negative. */
    public static long secondsUntil(Instant start, Instant now) {
        return Math.max(0, Duration.between(now, start).toSeconds() + (Duration.between(now, start).toNanosPart() > 0 ? 1 : 0));
    }
}
