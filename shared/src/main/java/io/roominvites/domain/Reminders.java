package io.roominvites.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reminder emails before a room's start: the minutes before it (settings {@code reminderMinutesBefore}, which a room
 * may override) and the moments they make. A moment already past when the room is saved is skipped; a deleted room
 * has none.
 */
public final class Reminders {
    /** A day and an hour before the start. */
    public static final List<Integer> DEFAULT_MINUTES_BEFORE = List.of(1440, 60);
    /** At most this many reminders a room. */
    public static final int MAX_REMINDERS = 5;
    /** The earliest reminder: four weeks before the start. */
    public static final int MAX_MINUTES_BEFORE = 40320;

    private Reminders() {
    }

    /** One reminder moment of a room: {@code minutesBefore} its start {@code startsAt}, due {@code at}. */
    public record Moment(int minutesBefore, Instant startsAt, Instant at) {
    }

    /** Distinct, largest first (the order reminders fire in). */
    public static List<Integer> normalise(List<Integer> minutes) {
        TreeSet<Integer> set = new TreeSet<>(java.util.Comparator.reverseOrder());
        set.addAll(minutes);
        return List.copyOf(set);
    }

    /** What is wrong with {@code minutes} as a list of reminders, or null. */
    public static String problem(List<?> minutes) {
        if (minutes.size() > MAX_REMINDERS) {
            return "at most " + MAX_REMINDERS + " reminders";
        }
        for (Object m : minutes) {
            if (!(m instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.longValue() < 1 || n.longValue() > MAX_MINUTES_BEFORE) {
                return "each must be a whole number of minutes from 1 to " + MAX_MINUTES_BEFORE + " (28 days)";
            }
        }
        return null;
    }

    /**
     * The reminder moments of {@code room} with {@code minutesBefore} in force, as they stand once the room is saved at
     * {@code savedAt}: none for a deleted room, none already past.
     */
    public static List<Moment> moments(Room room, List<Integer> minutesBefore, Instant savedAt) {
        if (room == null || room.deleted() || room.startsAt() == null) {
            return List.of();
        }
        List<Moment> out = new ArrayList<>();
        for (int m : minutesBefore) {
            Instant at = room.startsAt().minusSeconds(60L * m);
            if (at.isAfter(savedAt)) {
                out.add(new Moment(m, room.startsAt(), at));
            }
        }
        return out;
    }
}
