package io.roominvites.schedule;

import java.time.Instant;

/**
 * One-time schedules that fire a room's reminders: EventBridge Scheduler in AWS (one schedule per room and minutes
 * before, which sends {@code message} to the follow-up queue at {@code at}), the local runner's clock locally. Every
 * call is idempotent: the change stream that makes them may deliver a change twice.
 */
public interface ReminderSchedules {

    /** Creates the schedule {@code roomId}/{@code minutesBefore}, or moves it to {@code at} with {@code message}. */
    void put(String roomId, int minutesBefore, Instant at, String message);

    /** Deletes the schedule {@code roomId}/{@code minutesBefore}; none there is no error. */
    void delete(String roomId, int minutesBefore);
}
