package io.roominvites.service;

import io.roominvites.domain.ErrorCode;
import io.roominvites.domain.FollowUpMail;
import io.roominvites.domain.Invite;
import io.roominvites.domain.InviteException;
import io.roominvites.domain.InviteStatus;
import io.roominvites.domain.Reminders;
import io.roominvites.domain.Room;
import io.roominvites.email.EmailQueue;
import io.roominvites.json.Json;
import io.roominvites.schedule.ReminderSchedules;
import io.roominvites.store.InviteStore;
import io.roominvites.store.StoredChange;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What follows a room's or an invite's change for its invitees' mailboxes, off the request path (the room change
 * itself stays one write): on the change stream, a calendar update for a room whose start, end or title changed, a
 * cancellation for a revoked invite or a deleted room, and the room's reminder schedules created, moved or deleted;
 * on the follow-up queue, the fan-out of a room's update, cancellation or reminder into one email job per invite that
 * should get it, through the email queue (paced at the SES rate by its consumer, which claims each job before sending:
 * {@link FollowUpSender}). Every step may run twice: the claims make each email go once per invite and change.
 */
public final class FollowUps {

    /** The follow-up queue: fan-out messages ({@link Message}), SQS in AWS (a reminder's schedule sends to it too). */
    public interface Queue {
        /** @throws InviteException SERVICE_UNAVAILABLE when the queue could not take it */
        void enqueue(String message);
    }

    /** A reminder due sooner than this when its room's change is read fires at once instead of being scheduled. */
    static final Duration SCHEDULE_LEAD = Duration.ofMinutes(1);
    /** Invites read per page of a fan-out. */
    static final int PAGE = 100;
    /** Email jobs per email-queue message (its consumer takes a message as a unit). */
    static final int JOBS_PER_MESSAGE = 10;

    /**
     * One fan-out: {@code kind} for every invite of {@code roomId} that should get it, from after {@code after} (an
     * invite id: where an earlier run that ran out of its budget stopped; null from the start).
     */
    public record Message(FollowUpMail.Kind kind, String roomId, String ref, String after) {
        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("followUp", kind.name());
            m.put("roomId", roomId);
            m.put("ref", ref);
            if (after != null) {
                m.put("after", after);
            }
            return Json.write(m);
        }

        public static Message parse(String body) {
            try {
                Map<String, Object> m = Json.parseObject(body);
                return new Message(FollowUpMail.Kind.valueOf((String) m.get("followUp")), (String) m.get("roomId"),
                        (String) m.get("ref"), (String) m.get("after"));
            } catch (ParseException | RuntimeException e) {
                throw new IllegalArgumentException("not a follow-up message");
            }
        }
    }

    private final InviteStore store;
    private final SettingsCache settings;
    private final EmailQueue emails;
    private final Queue queue;
    private final ReminderSchedules schedules;
    private final Clock clock;
    private final Duration budget;

    /**
     * @param schedules null where reminders are not scheduled
     * @param budget    how long one fan-out runs before it hands the rest back to the queue
     */
    public FollowUps(InviteStore store, SettingsCache settings, EmailQueue emails, Queue queue, ReminderSchedules schedules,
                     Clock clock, Duration budget) {
        this.store = store;
        this.settings = settings;
        this.emails = emails;
        this.queue = queue;
        this.schedules = schedules;
        this.clock = clock;
        this.budget = budget;
    }

    // ------------------------------------------------------------------ on the change stream

    /** What {@code change} (recorded by the stream at {@code recordedAt}) sets going; throws to be delivered again. */
    public void onChange(StoredChange change, Instant recordedAt) {
        if (recordedAt == null) {
            recordedAt = clock.instant(); // a record without ApproximateCreationDateTime (moto's stream has none)
        }
        if (change instanceof StoredChange.RoomWritten w) {
            onRoom(w.before(), w.after(), recordedAt);
        } else if (change instanceof StoredChange.InviteWritten w) {
            onInvite(w.before(), w.after(), recordedAt);
        }
    }

    private void onRoom(Room before, Room after, Instant recordedAt) {
        if (after == null) {
            return; // the room's item removed (its retirement): its reminders went with its delete
        }
        if (FollowUpMail.calendarChanged(before, after)) {
            queue.enqueue(new Message(FollowUpMail.Kind.CALENDAR_UPDATE, after.roomId(),
                    Long.toString(FollowUpMail.sequence(after, recordedAt)), null).json());
        }
        if (after.deleted() && (before == null || !before.deleted())) {
            queue.enqueue(new Message(FollowUpMail.Kind.CALENDAR_CANCEL, after.roomId(),
                    Long.toString(FollowUpMail.cancelSequence(after, recordedAt)), null).json());
        }
        if (schedules != null) {
            syncReminders(before, after);
        }
    }

    /** The room's reminder schedules as its saved state asks: moved or created for each moment, deleted for the rest. */
    private void syncReminders(Room before, Room after) {
        List<Integer> inForce = after.reminders(settings.get());
        Instant savedAt = after.updatedAt() != null ? after.updatedAt() : clock.instant();
        List<Reminders.Moment> moments = Reminders.moments(after, inForce, savedAt);
        Set<Integer> kept = new TreeSet<>();
        Instant soon = clock.instant().plus(SCHEDULE_LEAD);
        for (Reminders.Moment m : moments) {
            String message = new Message(FollowUpMail.Kind.REMINDER, after.roomId(), FollowUpMail.reminderRef(m), null).json();
            if (m.at().isAfter(soon)) {
                kept.add(m.minutesBefore());
                schedules.put(after.roomId(), m.minutesBefore(), m.at(), message);
            } else {
                queue.enqueue(message); // due within the minute (the stream ran late): no schedule, it fires now
            }
        }
        Set<Integer> stale = new TreeSet<>(inForce);
        if (before != null) {
            stale.addAll(before.reminders(settings.get()));
            if (before.reminderMinutesBefore() == null) {
                stale.addAll(settings.get().reminderMinutesBefore());
            }
        }
        stale.removeAll(kept);
        for (int m : stale) {
            schedules.delete(after.roomId(), m);
        }
    }

    private void onInvite(Invite before, Invite after, Instant recordedAt) {
        if (before == null || after == null || before.storedStatus() == InviteStatus.REVOKED
                || after.storedStatus() != InviteStatus.REVOKED || after.erased() || !FollowUpMail.emailed(after)) {
            return;
        }
        emails.enqueue(List.of(List.of(new EmailQueue.Job(after.roomId(), after.inviteId(), recordedAt,
                FollowUpMail.Kind.CALENDAR_CANCEL, Long.toString(recordedAt.getEpochSecond())))));
    }

    // ------------------------------------------------------------------ on the follow-up queue

    /** One follow-up queue message: its fan-out, handing the rest back when the budget ran out. */
    public void fanOut(String body) {
        Message m = Message.parse(body);
        Instant started = clock.instant();
        Room room = store.findRoom(m.roomId()).orElse(null);
        if (!stillHolds(m, room, started)) {
            return;
        }
        String after = m.after();
        List<EmailQueue.Job> jobs = new ArrayList<>();
        do {
            Instant now = clock.instant();
            InviteStore.Page page = store.listInvites(m.roomId(), null, PAGE, after, now);
            for (Invite invite : page.invites()) {
                if (FollowUpMail.skipReason(m.kind(), m.ref(), invite, room, now) == null) {
                    jobs.add(new EmailQueue.Job(invite.roomId(), invite.inviteId(), now, m.kind(), m.ref()));
                }
            }
            hand(jobs);
            after = page.lastInviteId();
            if (after != null && Duration.between(started, clock.instant()).compareTo(budget) > 0) {
                queue.enqueue(new Message(m.kind(), m.roomId(), m.ref(), after).json());
                return;
            }
        } while (after != null);
    }

    /** Hands {@code jobs} to the email queue, {@link #JOBS_PER_MESSAGE} a message, and empties the list. */
    private void hand(List<EmailQueue.Job> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        List<List<EmailQueue.Job>> messages = new ArrayList<>();
        for (int from = 0; from < jobs.size(); from += JOBS_PER_MESSAGE) {
            messages.add(List.copyOf(jobs.subList(from, Math.min(jobs.size(), from + JOBS_PER_MESSAGE))));
        }
        emails.enqueue(messages);
        jobs.clear();
    }

    /** False when the room moved on since the message was made (a later change has its own), or it has no invitees. */
    private boolean stillHolds(Message m, Room room, Instant now) {
        if (room == null) {
            return false;
        }
        return switch (m.kind()) {
            case CALENDAR_UPDATE -> !room.deleted() && Long.parseLong(m.ref()) == FollowUpMail.sequence(room, now);
            case CALENDAR_CANCEL -> room.deleted();
            case REMINDER -> reminderDue(m.ref(), room, now);
        };
    }

    /** The reminder {@code ref} is still one of {@code room}'s, and its session has not started. */
    private boolean reminderDue(String ref, Room room, Instant now) {
        String[] parts = ref.split(":");
        if (parts.length != 2) {
            throw new InviteException(ErrorCode.INVALID_REQUEST, "not a reminder: " + ref);
        }
        return !room.deleted() && room.startsAt().getEpochSecond() == Long.parseLong(parts[0])
                && FollowUpSender.reminderInForce(ref, room, settings.get(), now);
    }
}
