package io.roominvites.domain;

import java.time.Instant;
import java.util.List;

/**
 * What an administrator says a room is (PUT /admin/rooms/{roomId}), already validated and normalised. The store
 * writes it and answers the {@link Room} it wrote: these details plus its new version and time.
 * {@code reminderMinutesBefore} is the room's own reminders (null: the site's).
 */
public record RoomDetails(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                          boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                          List<String> coEditors, List<String> coPublishers, List<Integer> reminderMinutesBefore,
                          String timeZone) {
    public RoomDetails {
        timeZone = timeZone == null ? Locales.DEFAULT_TIME_ZONE : timeZone;
        coOwners = List.copyOf(coOwners);
        coEditors = List.copyOf(coEditors);
        coPublishers = List.copyOf(coPublishers);
        reminderMinutesBefore = reminderMinutesBefore == null ? null : Reminders.normalise(reminderMinutesBefore);
    }

    /** Details of a room in UTC. */
    public RoomDetails(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                       boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                       List<String> coEditors, List<String> coPublishers, List<Integer> reminderMinutesBefore) {
        this(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner, coOwners, coEditors,
                coPublishers, reminderMinutesBefore, null);
    }

    /** Details that keep the site's reminders. */
    public RoomDetails(String roomId, String title, String description, Instant startsAt, Instant endsAt,
                       boolean chatAndCollaborationEnabled, String owner, List<String> coOwners,
                       List<String> coEditors, List<String> coPublishers) {
        this(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner, coOwners, coEditors,
                coPublishers, null);
    }

    /** The room as stored once written at {@code version} and {@code at}. */
    public Room stored(long version, Instant at) {
        return new Room(roomId, title, description, startsAt, endsAt, chatAndCollaborationEnabled, owner, coOwners,
                coEditors, coPublishers, false, version, at, reminderMinutesBefore, timeZone);
    }
}
