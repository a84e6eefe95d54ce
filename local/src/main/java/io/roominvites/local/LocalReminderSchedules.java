package io.roominvites.local;

import io.roominvites.schedule.ReminderSchedules;
import io.roominvites.service.FollowUps;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reminders' schedules, locally: what EventBridge Scheduler keeps in AWS (one one-time schedule per room and
 * minutes before), fired on the runner's clock ({@link DevClock}): after every {@code POST /dev/clock} and on the
 * runner's timer, each schedule whose time has come sends its message to the follow-up queue and is deleted (as
 * Scheduler's {@code ActionAfterCompletion: DELETE} does).
 */
public final class LocalReminderSchedules implements ReminderSchedules {
    /** One schedule: when, and what it sends. */
    public record Schedule(Instant at, String message) {
    }

    private final Map<String, Schedule> schedules = new TreeMap<>();
    private final Clock clock;
    private final FollowUps.Queue target;

    public LocalReminderSchedules(Clock clock, FollowUps.Queue target) {
        this.clock = clock;
        this.target = target;
    }

    private static String name(String roomId, int minutesBefore) {
        return roomId + "/" + minutesBefore;
    }

    @Override
    public synchronized void put(String roomId, int minutesBefore, Instant at, String message) {
        schedules.put(name(roomId, minutesBefore), new Schedule(at, message));
    }

    @Override
    public synchronized void delete(String roomId, int minutesBefore) {
        schedules.remove(name(roomId, minutesBefore));
    }

    /** The schedules kept now, by {@code roomId/minutesBefore}. */
    public synchronized Map<String, Schedule> schedules() {
        return Map.copyOf(schedules);
    }

    /** Fires every schedule whose time has come on the clock; answers how many fired. */
    public int fireDue() {
        List<Schedule> due = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (this) {
            schedules.values().removeIf(s -> {
                if (!s.at().isAfter(now)) {
                    due.add(s);
                    return true;
                }
                return false;
            });
        }
        for (Schedule s : due) {
            target.enqueue(s.message());
        }
        return due.size();
    }
}
